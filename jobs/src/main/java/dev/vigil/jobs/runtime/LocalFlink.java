package dev.vigil.jobs.runtime;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The embedded Flink of {@code demo}, {@code replay} and {@code bench}: a MiniCluster in this JVM. */
public final class LocalFlink {
    private LocalFlink() {}

    /**
     * @param parallelism slots and default parallelism
     * @param webUiPort the Flink web UI's port, or -1 for none
     */
    public static StreamExecutionEnvironment environment(int parallelism, int webUiPort) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(1, parallelism));
        StreamExecutionEnvironment env;
        if (webUiPort >= 0) {
            conf.set(RestOptions.PORT, webUiPort);
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        }
        env.setParallelism(parallelism);
        // Operators never mutate what they receive, so records can pass between chained operators uncopied.
        env.getConfig().enableObjectReuse();
        return env;
    }
}
