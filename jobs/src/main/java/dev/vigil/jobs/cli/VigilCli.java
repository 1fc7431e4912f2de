package dev.vigil.jobs.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line: one entry point for the demo, the production job, replay and the benchmark. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
        description = "Privileged user monitoring: PAM/PIM events in, scored cases and evidence out.",
        subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, BenchCommand.class, RulesCommand.class, GenerateCommand.class, EvidenceCommand.class, ModelCommand.class,
                CommandLine.HelpCommand.class})
public final class VigilCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Avro's generated encoders and decoders, instead of its generic schema walk, for every record Flink moves
     * between tasks: several times cheaper per record. Avro reads the switch when its data models are created,
     * so it is set before anything touches Avro. (On a Flink cluster, set it in the TaskManagers' JVM options.)
     */
    public static final String AVRO_CUSTOM_CODERS = "org.apache.avro.specific.use_custom_coders";

    public static void main(String[] args) {
        if (System.getProperty(AVRO_CUSTOM_CODERS) == null) {
            System.setProperty(AVRO_CUSTOM_CODERS, "true");
        }
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code: 0 ok, 1 failure, 2 usage error. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, printing to the given writers (tests read what a user would see). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(VigilCli::onError);
        cli.setParameterExceptionHandler(VigilCli::onUsageError);
        return cli.execute(args);
    }

    private static int onUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandName() + ": " + e.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        return 2;
    }

    private static int onError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        Throwable user = findUserError(e);
        if (user != null) {
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + user.getMessage());
            return 1;
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": failed: " + oneLine(rootCause(e)));
        if (System.getenv("VIGIL_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set VIGIL_DEBUG=1 for the stack trace)");
        }
        return 1;
    }

    private static Throwable findUserError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserError) {
                return c;
            }
        }
        return null;
    }

    static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The version the build stamped into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VigilCli.class.getPackage().getImplementationVersion();
            return new String[] {"vigil " + (v == null ? "dev" : v)};
        }
    }
}
