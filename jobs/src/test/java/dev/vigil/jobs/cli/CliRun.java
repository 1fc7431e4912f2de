package dev.vigil.jobs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line in this JVM, as a test sees it: exit code, standard output and standard error. */
record CliRun(int code, String out, String err) {
    static CliRun vigil(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
