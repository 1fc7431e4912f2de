package dev.vigil.connectors.file;

import java.io.Closeable;
import java.io.IOException;

/** The records of one input file in order, each with the line it starts on. */
interface InputRecords extends Closeable {
    /** The next record's bytes, or null at the end of the file. */
    byte[] next() throws IOException;

    /**
     * Where the record last returned by {@link #next()} is in the file, for its {@code file:position} origin: its
     * line (from 1), and for records split out of JSON documents also its ordinal ({@code 12#3}), since several
     * records may share one line.
     */
    String position();

    /**
     * Set when the last record returned stands for input that could not be split into records (the rest of a
     * broken JSON document): the reason, for the dead letter. Null otherwise.
     */
    default String rejection() {
        return null;
    }
}
