package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.NearestName;
import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Finds {@code lockstep.*} keys that no property binds: {@code lockstep.lock.timout=5s} would
 * otherwise be ignored, and {@code lockstep.targets.tenants.tenant.query} would make a fleet a plain
 * target. Each is reported with the known key nearest to it; startup fails on them unless
 * {@code lockstep.fail-on-unknown-properties=false}, which only warns. The known keys are read from
 * {@link LockstepProperties} itself (a target's from {@link TargetProperties}), so a new property is
 * known without a list to keep. Environment variables are not checked: {@code LOCKSTEP_*} is a
 * namespace other tools and scripts share, and a variable's name does not say where its dashes were.
 */
final class UnknownProperties {

    private static final Log LOG = LogFactory.getLog(UnknownProperties.class);
    private static final String PREFIX = "lockstep";

    /** What may follow a key: named properties, a map's keys (then a bean's), or anything (a map of values). */
    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();
        Node anyKey;
        boolean anything;
        boolean leaf;
        /** The key as documented, e.g. {@code report-interval}. */
        String dashed;
    }

    private static final Node KNOWN = known(LockstepProperties.class);

    private UnknownProperties() {
    }

    /** An unknown key as written, and the known key nearest to it, if one is near. */
    record Unknown(String key, Optional<String> nearest) {
    }

    /** Fails (or warns, with {@code fail-on-unknown-properties=false}) on every unknown {@code lockstep.*} key. */
    static void check(Environment environment, LockstepProperties properties) {
        List<Unknown> unknown = find(environment);
        if (unknown.isEmpty()) {
            return;
        }
        String keys = String.join(", ", unknown.stream().map(Unknown::key).toList());
        List<String> near = unknown.stream().map(u -> u.nearest().orElse("(nothing near " + u.key() + ")")).toList();
        boolean one = unknown.size() == 1;
        String said = (one ? "is no Lockstep property" : "are no Lockstep properties")
                + (unknown.stream().anyMatch(u -> u.nearest().isPresent()) ? "; did you mean " + String.join(", ", near)
                        + "?" : "");
        if (!properties.isFailOnUnknownProperties()) {
            LOG.warn("Lockstep ignores " + keys + ": " + said + " (lockstep.fail-on-unknown-properties=false)");
            return;
        }
        throw new LockstepConfigurationException(keys, said + " Correct the key" + (one ? "" : "s") + ", or set "
                + "lockstep.fail-on-unknown-properties=false to start with a warning instead.");
    }

    /** Each unknown key as written, in the order the sources give them, each once. */
    static List<Unknown> find(Environment environment) {
        Set<Unknown> problems = new LinkedHashSet<>();
        ConfigurationPropertyName root = ConfigurationPropertyName.of(PREFIX);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable) || environmentVariables(source)) {
                continue;
            }
            iterable.filter(root::isAncestorOf).stream().forEach(name -> unknown(name).ifPresent(problems::add));
        }
        return new ArrayList<>(problems);
    }

    private static boolean environmentVariables(ConfigurationPropertySource source) {
        return source.getUnderlyingSource() instanceof PropertySource<?> underlying
                && (underlying instanceof SystemEnvironmentPropertySource
                        || underlying.getSource() instanceof Map<?, ?> && "systemEnvironment".equals(underlying.getName()));
    }

    /** Walks the key below {@code lockstep}; where it leaves the known keys, says so with the nearest. */
    private static Optional<Unknown> unknown(ConfigurationPropertyName name) {
        List<String> elements = new ArrayList<>();
        for (int i = 1; i < name.getNumberOfElements(); i++) {
            if (!name.isNumericIndex(i)) {
                elements.add(name.getElement(i, Form.DASHED));
            }
        }
        Node node = KNOWN;
        for (int i = 0; i < elements.size(); i++) {
            if (node.anything) {
                return Optional.empty();
            }
            if (node.anyKey != null) {
                node = node.anyKey;
                continue;
            }
            Node next = node.children.get(uniform(elements.get(i)));
            if (next == null) {
                String written = name.toString();
                String known = PREFIX + "." + String.join(".", elements.subList(0, i)) + (i == 0 ? "" : ".");
                String rest = String.join(".", elements.subList(i, elements.size()));
                return Optional.of(new Unknown(written, NearestName.among(rest, flatten(node, ""))
                        .map(near -> known + near)));
            }
            node = next;
        }
        return Optional.empty();
    }

    /** Every key below a node, dashed: what a mistyped rest of a key is compared with. */
    private static List<String> flatten(Node node, String prefix) {
        List<String> keys = new ArrayList<>();
        node.children.forEach((name, child) -> {
            String key = prefix + child.dashed;
            if (child.leaf || child.anything || child.anyKey != null) {
                keys.add(key);
            }
            keys.addAll(flatten(child, key + "."));
        });
        return keys;
    }

    private static String uniform(String element) {
        return element.replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** The keys a properties class binds: its JavaBean properties, nested classes of Lockstep's walked into. */
    private static Node known(Class<?> type) {
        Node node = new Node();
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            if (property.getReadMethod() == null || property.getName().equals("class")) {
                continue;
            }
            Class<?> valueType = property.getPropertyType();
            Node child;
            if (Map.class.isAssignableFrom(valueType)) {
                child = new Node();
                Class<?> values = mapValueType(property.getReadMethod().getGenericReturnType());
                if (nested(values)) {
                    child.anyKey = known(values);
                } else {
                    child.anything = true;
                }
            } else if (nested(valueType)) {
                child = known(valueType);
            } else if (property.getWriteMethod() != null) {
                child = new Node();
                child.leaf = true;
            } else {
                continue;
            }
            child.dashed = dashed(property.getName());
            node.children.put(uniform(property.getName()), child);
        }
        return node;
    }

    private static boolean nested(Class<?> type) {
        return type != null && !type.isEnum() && type.getName().startsWith("dev.lockstep.autoconfigure.");
    }

    private static Class<?> mapValueType(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments()[1]
                instanceof Class<?> values) {
            return values;
        }
        return null;
    }

    /** {@code reportInterval} → {@code report-interval}. */
    private static String dashed(String camel) {
        StringBuilder dashed = new StringBuilder();
        for (char c : camel.toCharArray()) {
            dashed.append(Character.isUpperCase(c) ? "-" + Character.toLowerCase(c) : String.valueOf(c));
        }
        return dashed.toString();
    }
}
