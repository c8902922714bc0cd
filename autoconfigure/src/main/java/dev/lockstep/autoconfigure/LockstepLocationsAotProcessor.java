package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepSettings;
import java.util.List;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * At build time (AOT processing), registers the {@code lockstep.locations} the application is
 * configured with as resources of the native image, so a native image finds its migrations.
 * Registered in {@code META-INF/spring/aot.factories}.
 */
class LockstepLocationsAotProcessor implements BeanFactoryInitializationAotProcessor {

    @Override
    public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
        if (beanFactory.getBeanNamesForType(Lockstep.class, false, false).length == 0
                || beanFactory.getBeanNamesForType(Environment.class, false, false).length == 0) {
            return null;
        }
        List<String> locations = Binder.get(beanFactory.getBean(Environment.class))
                .bind("lockstep.locations", Bindable.listOf(String.class))
                .orElse(LockstepSettings.LOCATIONS.defaultValue().orElseThrow());
        return (context, code) -> LockstepRuntimeHints.registerLocations(context.getRuntimeHints(), locations);
    }
}
