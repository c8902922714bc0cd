package dev.lockstep.test;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.Migration;
import dev.lockstep.core.VersionsMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A database migrated once and then cloned for each test ({@code CREATE DATABASE ... TEMPLATE}),
 * so N tests cost one migration and N clones instead of N migrations.
 *
 * <p>The template is named after a hash of everything that decides its schema: each migration
 * file's version, name and checksum, the tracker settings and the server's version. A changed
 * file means a new template; an unchanged one is found and reused, by this JVM, by other test
 * forks and by later builds. Building is guarded by a PostgreSQL advisory lock on the server, so
 * parallel test classes and forks build a template once; the others wait and clone it.
 */
public final class TemplateDatabase {

    private static final AtomicLong CLONES = new AtomicLong();

    private final DatabaseServer server;
    private final String name;
    private final long lockKey;
    private final int serverVersionNum;
    private final CloneStrategy strategy;
    private final ClonePool pool;

    private TemplateDatabase(Identity id, CloneStrategy strategy, int poolSize) {
        this.server = id.server();
        this.name = id.name();
        this.lockKey = id.lockKey();
        this.serverVersionNum = id.serverFacts().versionNum();
        this.strategy = strategy.on(serverVersionNum, id.serverFacts().fsync());
        this.pool = poolSize == 0 ? null
                : ClonePool.of(server.jdbcUrl() + " " + server.user() + " " + name + " " + this.strategy, poolSize,
                        this::cloneNow);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The template's database name: {@code lockstep_tpl_} and 16 hex digits of the hash. */
    public String name() {
        return name;
    }

    public DatabaseServer server() {
        return server;
    }

    /** How clones are made; {@link CloneStrategy#AUTO} is resolved to what it chose for this server. */
    public CloneStrategy strategy() {
        return strategy;
    }

    /**
     * A database cloned from the template, for one test class or method; close it to drop it.
     * With a pool (the default), a clone made ahead of time, and another is made behind it.
     */
    public ClonedDatabase newClone() {
        return pool == null ? cloneNow() : pool.take();
    }

    /**
     * Makes the pool's clones now and returns once they are ready, so that the first tests too
     * find their databases waiting; without a pool it does nothing.
     */
    public void fillPool() {
        if (pool != null) {
            pool.fill();
        }
    }

    /** Drops the clones waiting in this JVM's pool and stops refilling it; {@link #newClone()} then clones when asked. */
    public void closePool() {
        if (pool != null) {
            pool.closeAndDrop();
        }
    }

    private ClonedDatabase cloneNow() {
        String clone = "lockstep_clone_" + name.substring(TemplateCatalog.TEMPLATE_PREFIX.length(),
                TemplateCatalog.TEMPLATE_PREFIX.length() + 8) + "_" + ProcessHandle.current().pid() + "_"
                + CLONES.incrementAndGet();
        TemplateCatalog.cloneTemplate(server, name, lockKey, clone, strategy.clause(serverVersionNum));
        return new ClonedDatabase(server, clone);
    }

    /**
     * A template's name, its advisory lock key (the same 8 bytes of the hash), its family (the
     * hash of the locations and tracker alone: every edit of one project's files) and how to
     * migrate it.
     */
    record Identity(DatabaseServer server, String name, long lockKey, String family,
            TemplateCatalog.ServerFacts serverFacts, Runnable migrate) {
    }

    /** What decides the template: where the migrations are, and the tracker's settings. */
    public static final class Builder {

        private DatabaseServer server;
        private final List<String> locations = new ArrayList<>();
        private String schema;
        private String table = LockstepSettings.TABLE.defaultValue().orElseThrow();
        private VersionsMode versions = LockstepSettings.VERSIONS.defaultValue().orElseThrow();
        private ClassLoader classLoader;
        private CloneStrategy strategy = CloneStrategy.AUTO;
        private Integer poolSize;

        private Builder() {
        }

        /** The server; by default {@link DatabaseServer#forTests()}. */
        public Builder server(DatabaseServer server) {
            this.server = server;
            return this;
        }

        public Builder server(String jdbcUrl, String user, String password) {
            return server(new DatabaseServer(jdbcUrl, user, password));
        }

        /** As {@code lockstep.locations}; by default {@code classpath:db/migrations}. */
        public Builder locations(String... locations) {
            this.locations.addAll(Arrays.asList(locations));
            return this;
        }

        /** As {@code lockstep.schema}: the tracker's schema, by default the connection's current one. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** As {@code lockstep.table}. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** As {@code lockstep.versions}. */
        public Builder versions(VersionsMode versions) {
            this.versions = versions;
            return this;
        }

        /**
         * A Lockstep property by its Boot name, read as {@link LockstepSettings} reads it. Those that
         * decide the schema are used ({@code lockstep.locations}, {@code .schema}, {@code .table},
         * {@code .versions}); the others (timeouts, lock settings, Spring Boot's own) change nothing
         * in a template and are ignored.
         *
         * @throws dev.lockstep.core.LockstepConfigurationException naming the key when a value that
         *     decides the schema cannot be read
         */
        public Builder property(String key, String value) {
            String text = value == null ? "" : value.strip();
            Optional<LockstepSetting<?>> setting = key.startsWith(LockstepSetting.PREFIX) ? LockstepSettings.byKey(key)
                    : Optional.empty();
            if (setting.isEmpty()) {
                return this;
            }
            if (setting.get() == LockstepSettings.LOCATIONS) {
                locations.addAll(LockstepSettings.LOCATIONS.parse(text));
            } else if (setting.get() == LockstepSettings.SCHEMA) {
                schema = text.isEmpty() ? null : text;
            } else if (setting.get() == LockstepSettings.TABLE) {
                table = LockstepSettings.TABLE.parse(text);
            } else if (setting.get() == LockstepSettings.VERSIONS) {
                versions = LockstepSettings.VERSIONS.parse(text);
            }
            return this;
        }

        /** For classpath locations; by default Lockstep's own class loader. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
            return this;
        }

        /** How clones are made; by default {@link CloneStrategy#AUTO}, the fastest measured for the server. */
        public Builder strategy(CloneStrategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /**
         * How many clones this JVM keeps ready ahead of the tests that will take them; 0 clones
         * only when asked. By default system property {@code lockstep.test.pool-size}, else
         * environment variable {@code LOCKSTEP_TEST_POOL_SIZE}, else 2.
         */
        public Builder poolSize(int poolSize) {
            if (poolSize < 0) {
                throw new IllegalArgumentException("poolSize is " + poolSize + ": give 0 or more");
            }
            this.poolSize = poolSize;
            return this;
        }

        /**
         * Finds the template for these migrations on the server, or builds it (once across
         * threads and processes).
         */
        public TemplateDatabase build() {
            Identity id = identify();
            TemplateCatalog.ensureTemplate(id.server(), id.name(), id.lockKey(), id.family(), id.migrate());
            return new TemplateDatabase(id, strategy, poolSize != null ? poolSize : ClonePool.configuredSize());
        }

        /** Which template these settings need, read from the files and the server, without building it. */
        Identity identify() {
            DatabaseServer on = server != null ? server : DatabaseServer.forTests();
            List<String> where = locations.isEmpty() ? LockstepSettings.LOCATIONS.defaultValue().orElseThrow() : locations;
            TemplateCatalog.ServerFacts facts = TemplateCatalog.serverFacts(on);
            String hash = hash(facts.versionNum(), where, scan(on, where));
            String name = TemplateCatalog.TEMPLATE_PREFIX + hash.substring(0, 16);
            return new Identity(on, name, Long.parseUnsignedLong(hash.substring(0, 16), 16),
                    hash(0, where, List.of()).substring(0, 8), facts,
                    () -> configure(on.dataSource(name), where).load().migrate());
        }

        private List<Migration> scan(DatabaseServer on, List<String> where) {
            // scan() reads the files and opens no connection.
            return configure(on.dataSource("postgres"), where).load().scan();
        }

        private LockstepConfiguration configure(javax.sql.DataSource dataSource, List<String> where) {
            LockstepConfiguration configuration = Lockstep.configure().dataSource(dataSource).locations(where)
                    .table(table).versions(versions).runnerName("lockstep-test template");
            if (schema != null) {
                configuration.schema(schema);
            }
            if (classLoader != null) {
                configuration.classLoader(classLoader);
            }
            return configuration;
        }

        /** With no migrations and version 0: the family, the same for every edit of one project's files. */
        private String hash(int serverVersionNum, List<String> where, List<Migration> migrations) {
            StringBuilder text = new StringBuilder("lockstep template 1\n");
            text.append(serverVersionNum).append('\n').append(where).append('\n').append(schema).append('.')
                    .append(table).append(' ').append(versions).append('\n');
            for (Migration migration : migrations) {
                text.append(migration.version()).append(' ').append(migration.name()).append(' ')
                        .append(migration.checksum()).append('\n');
            }
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
    }
}
