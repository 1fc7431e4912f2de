package dev.vigil.jobs.cli;

import dev.vigil.jobs.evidence.EvidenceChain;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.schema.json.AvroJson;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evidence", mixinStandardHelpOptions = true, description = "Work with evidence records.",
        subcommands = {EvidenceCommand.Verify.class})
final class EvidenceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recompute the hash chain of every evidence record in an NDJSON file (e.g. a replay's",
                    "evidence.ndjson or an export of pum-evidence) and name each record whose request or behaviour",
                    "was altered, removed or reordered. Exit code 1 when any fails."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "Evidence records, one JSON object per line.")
        Path file;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new UserError("file not found: " + file);
            }
            PrintWriter out = spec.commandLine().getOut();
            long ok = 0;
            long bad = 0;
            long line = 0;
            try (BufferedReader r = Files.newBufferedReader(file)) {
                String text;
                while ((text = r.readLine()) != null) {
                    line++;
                    if (text.isBlank()) {
                        continue;
                    }
                    try {
                        EvidenceRecord record = AvroJson.fromJson(text, EvidenceRecord.class);
                        if (EvidenceChain.verify(record)) {
                            ok++;
                        } else {
                            bad++;
                            out.printf("TAMPERED %s:%d %s: chain_hash does not match its request and behaviour%n",
                                    file, line, record.getEvidenceId());
                        }
                    } catch (InvalidRecordException e) {
                        bad++;
                        out.printf("UNREADABLE %s:%d: %s%n", file, line, e.getMessage());
                    }
                }
            }
            out.printf("%,d evidence records verified, %,d failed%n", ok, bad);
            out.flush();
            return bad == 0 ? 0 : 1;
        }
    }
}
