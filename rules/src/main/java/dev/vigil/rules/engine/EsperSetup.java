package dev.vigil.rules.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.configuration.common.ConfigurationCommonEventTypeBean;
import com.espertech.esper.common.client.configuration.runtime.ConfigurationRuntimeMetricsReporting;
import com.espertech.esper.common.client.util.AccessorStyle;
import com.espertech.esper.common.client.util.ClassForNameProvider;
import com.espertech.esper.common.client.util.ClassLoaderProvider;

/** The one Esper configuration every Vigil compiler and runtime uses, so compiled rules deploy anywhere. */
final class EsperSetup {
    private EsperSetup() {}

    /**
     * {@link RuleEvent} under snake_case names, the explanation functions, the internal timer off (time comes
     * only from events and watermarks), and statement metrics available but switched off until sampled.
     */
    static Configuration configuration() {
        Configuration config = new Configuration();
        ConfigurationCommonEventTypeBean bean = new ConfigurationCommonEventTypeBean();
        // Only the listed properties exist, so EPL sees snake_case names and no camelCase twins.
        bean.setAccessorStyle(AccessorStyle.EXPLICIT);
        RuleEvent.properties().forEach(bean::addMethodProperty);
        config.getCommon().addEventType(RuleEvent.TYPE_NAME, RuleEvent.class.getName(), bean);
        for (String name : RuleFunctions.NAMES) {
            config.getCompiler().addPlugInSingleRowFunction(name, RuleFunctions.class.getName(), name);
        }
        config.getRuntime().getThreading().setInternalTimerEnabled(false);

        ConfigurationRuntimeMetricsReporting metrics = config.getRuntime().getMetricsReporting();
        metrics.setEnableMetricsReporting(true);
        metrics.setThreading(false);
        // Vigil reads the per-statement totals directly. A negative interval schedules no reports, so nothing
        // but the rules ever sits on Esper's timer and a jump to the end of time stays cheap.
        metrics.setStatementInterval(-1);
        metrics.setRuntimeInterval(-1);

        // Inside Flink the rules classes live in the user-code class loader, which Esper must load them from.
        ClassLoader loader = RuleEvent.class.getClassLoader();
        config.getCommon().getTransientConfiguration().put(ClassLoaderProvider.NAME, (ClassLoaderProvider) () -> loader);
        config.getCommon().getTransientConfiguration().put(ClassForNameProvider.NAME,
                (ClassForNameProvider) name -> Class.forName(name, true, loader));
        return config;
    }
}
