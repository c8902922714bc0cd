package dev.lockstep.autoconfigure.web;

/**
 * Open once the startup run has returned ({@code lockstep.run-at=application-runner}). Until then
 * the web server is up but the schema may not be migrated, so the servlet and reactive gates answer
 * application requests with 503 and {@code Retry-After}, and let Actuator through.
 */
public class MigrationGate {

    /** Seconds a client is asked to wait before it tries again. */
    static final String RETRY_AFTER_SECONDS = "5";
    static final String MESSAGE = "The database schema is being migrated (Lockstep); try again shortly.";

    private final String actuatorBasePath;
    private volatile boolean open;

    public MigrationGate(String actuatorBasePath) {
        this.actuatorBasePath = actuatorBasePath.endsWith("/") ? actuatorBasePath : actuatorBasePath + "/";
    }

    public void open() {
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    /** Whether a request for this path (relative to the context path) must wait for the migrations. */
    boolean holds(String path) {
        return !open && !(path + "/").startsWith(actuatorBasePath);
    }
}
