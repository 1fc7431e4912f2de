package dev.vigil.jobs.synthetic;

/**
 * Derives independent random streams from a seed and coordinates (partition, episode, principal, ...), so any
 * piece of the traffic can be generated on its own and still come out the same every time.
 */
final class Seeds {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private Seeds() {}

    /** SplitMix64's finaliser: a bijective mix that turns nearby inputs into unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long of(long seed, long a) {
        return mix(mix(seed + GOLDEN) + a * GOLDEN);
    }

    static long of(long seed, long a, long b) {
        return mix(of(seed, a) + b * GOLDEN);
    }

    static long of(long seed, long a, long b, long c) {
        return mix(of(seed, a, b) + c * GOLDEN);
    }

    /** A value in [0, bound) from a mixed seed. */
    static int below(long mixed, int bound) {
        return (int) Math.floorMod(mixed >>> 1, (long) bound);
    }

    /** A value in [0, 1) from a mixed seed. */
    static double unit(long mixed) {
        return (mixed >>> 11) * 0x1.0p-53;
    }
}
