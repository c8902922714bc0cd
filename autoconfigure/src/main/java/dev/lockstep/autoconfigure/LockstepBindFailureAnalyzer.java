package dev.lockstep.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * A {@code lockstep.*} property with a value its choices do not include ({@code lockstep.run-at=sometimes}):
 * names the accepted values as README writes them ({@code context-refresh}), not as the enum spells
 * them. Ahead of Spring Boot's own analysis of binding failures, which lists {@code CONTEXT_REFRESH}.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class LockstepBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        Class<?> type = cause.getTarget().getType().resolve();
        if (!cause.getName().toString().startsWith("lockstep.") || type == null || !type.isEnum()) {
            return null;
        }
        ConfigurationProperty property = cause.getProperty();
        String value = property == null ? "" : " '" + property.getValue() + "'";
        String origin = property == null || property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
        String accepted = Arrays.stream(type.getEnumConstants())
                .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
        return new FailureAnalysis(cause.getName() + " has the value" + value + origin + ", which is not one it takes.",
                "Set " + cause.getName() + " to one of: " + accepted + ".", cause);
    }
}
