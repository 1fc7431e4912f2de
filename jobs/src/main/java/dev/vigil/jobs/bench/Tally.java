package dev.vigil.jobs.bench;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Counts what passes into a job accumulator, so a benchmark can report outputs it otherwise discards. */
final class Tally<T> extends RichMapFunction<T, T> {
    private final String name;
    private transient LongCounter counter;

    Tally(String name) {
        this.name = name;
    }

    @Override
    public void open(OpenContext ctx) {
        counter = getRuntimeContext().getLongCounter(name);
    }

    @Override
    public T map(T value) {
        counter.add(1);
        return value;
    }
}
