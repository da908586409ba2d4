package dev.quota.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The command line's default logging, set up in code: what logback.xml says, without
 * parsing XML on every start (a support command runs in well under a second, and Joran
 * alone took a tenth of it). Steps aside for an explicit configuration:
 * {@code QUOTA_LOG_FORMAT=json} (logback-json.xml), {@code -Dlogback.configurationFile},
 * or a test's logback-test.xml. Registered in META-INF/services.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX, UTC} %-5level %logger{0} %kvp - %msg%n");
        encoder.start();
        // logs are diagnostics: stderr only, so stdout stays one clean result
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("io.zonky").setLevel(Level.ERROR);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.ERROR);
        context.getLogger("dev.quota").setLevel(Level.WARN);
        context.getLogger(Logging.BATCH).setLevel(Level.OFF); // -v shows it (Logging)
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
