package dev.vigil.connectors.normalize;

import java.util.List;

/**
 * {@code --format auto}: which registered format the first records of a file are in. Every normalizer contributes
 * its own predicate ({@link Normalizer#recognizes(byte[])}), so a format registered in {@link Normalizers} is
 * detected without any change here. The format recognizing the most of the sampled records wins; a tie goes to the
 * format registered first.
 */
public final class FormatDetector {
    /** The {@code --format} value that asks for detection per file. */
    public static final String AUTO = "auto";
    /** How many non-blank records of a file are looked at. */
    public static final int SAMPLE = 5;

    private FormatDetector() {}

    /** @return the detected format, or null when no registered format recognizes any sampled record */
    public static String detect(List<byte[]> firstRecords) {
        String best = null;
        int bestCount = 0;
        for (String format : Normalizers.formats()) {
            Normalizer n = Normalizers.forFormat(format);
            int count = 0;
            for (byte[] record : firstRecords.subList(0, Math.min(SAMPLE, firstRecords.size()))) {
                if (recognizes(n, record)) {
                    count++;
                }
            }
            if (count > bestCount) {
                best = format;
                bestCount = count;
            }
        }
        return best;
    }

    /** A predicate that throws has not recognized the record: detection must never stop a replay. */
    private static boolean recognizes(Normalizer n, byte[] record) {
        try {
            return n.recognizes(record);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
