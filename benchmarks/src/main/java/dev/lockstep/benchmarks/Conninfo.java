package dev.lockstep.benchmarks;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pgjdbc URL as a libpq connection string, so {@code psql} reaches the database the benchmark's
 * JDBC connections do. Keeps the host(s), port(s), database and user, and the few URL parameters
 * libpq knows by another name; leaves out the password, which goes to psql in {@code PGPASSWORD}
 * rather than on a command line every local user can read.
 */
final class Conninfo {

    private static final String PREFIX = "jdbc:postgresql:";
    /** pgjdbc's parameter name → libpq's, for those that change where or how psql connects; in output order. */
    private static final List<Map.Entry<String, String>> PARAMETERS = List.of(Map.entry("sslmode", "sslmode"),
            Map.entry("options", "options"), Map.entry("connectTimeout", "connect_timeout"),
            Map.entry("ApplicationName", "application_name"));

    private Conninfo() {
    }

    /**
     * {@code jdbc:postgresql://h:5433/db?sslmode=disable} with user {@code u} →
     * {@code host='h' port='5433' dbname='db' user='u' sslmode='disable'}.
     *
     * @param user the user the benchmark connects as; when blank, the URL's {@code user} parameter
     */
    static String of(String jdbcUrl, String user) {
        if (!jdbcUrl.startsWith(PREFIX)) {
            throw new IllegalArgumentException(jdbcUrl + " is no pgjdbc URL (jdbc:postgresql:...)");
        }
        String rest = jdbcUrl.substring(PREFIX.length());
        Map<String, String> query = new LinkedHashMap<>();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
                }
            }
            rest = rest.substring(0, question);
        }
        Map<String, String> conninfo = new LinkedHashMap<>();
        String database = rest;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            String hosts = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
            database = slash < 0 ? "" : rest.substring(slash + 1);
            List<String> names = new ArrayList<>();
            List<String> ports = new ArrayList<>();
            for (String host : hosts.split(",")) {
                // [::1]:5432, host:5432, host
                int close = host.startsWith("[") ? host.indexOf(']') : -1;
                int colon = host.indexOf(':', Math.max(close, 0));
                names.add(close > 0 ? host.substring(1, close) : colon < 0 ? host : host.substring(0, colon));
                ports.add(colon < 0 ? "5432" : host.substring(colon + 1));
            }
            conninfo.put("host", String.join(",", names));
            conninfo.put("port", String.join(",", ports));
        }
        if (!database.isEmpty()) {
            conninfo.put("dbname", decode(database));
        }
        String who = user == null || user.isBlank() ? query.get("user") : user;
        if (who != null) {
            conninfo.put("user", who);
        }
        for (Map.Entry<String, String> parameter : PARAMETERS) {
            if (query.containsKey(parameter.getKey())) {
                conninfo.put(parameter.getValue(), query.get(parameter.getKey()));
            }
        }
        StringBuilder text = new StringBuilder();
        conninfo.forEach((key, value) -> text.append(text.length() == 0 ? "" : " ").append(key).append('=')
                .append(quote(value)));
        return text.toString();
    }

    /** libpq's quoting: single quotes, with backslash and quote escaped by a backslash. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
