package dev.lockstep.core.internal.run;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Who runs the migrations, as the tracker's {@code applied_by} and the session's {@code application_name} name it. */
final class Runner {

    private static final String HOST = hostName();

    private Runner() {
    }

    /** {@code orders@orders-7f9c}: the runner's name, if set, and the host. */
    static String identity(Optional<String> runnerName) {
        return runnerName.map(name -> name + "@").orElse("") + HOST;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
