package dev.lockstep.core;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Names the database a run works on, for its first log line: the JDBC URL without credentials and
 * the server's version. Both come from the driver's connection state, with no query.
 */
final class DatabaseDescription {

    /** {@code user:secret@} in an authority, and {@code password=} / {@code user=} parameters. */
    private static final Pattern USER_INFO = Pattern.compile("//[^/?#@]*@");
    private static final Pattern CREDENTIAL_PARAMETER = Pattern.compile("(?i)(?<=[?&])(password|user)=[^&]*&?");

    private DatabaseDescription() {
    }

    static String of(Connection connection) {
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            return withoutCredentials(metaData.getURL()) + " (" + metaData.getDatabaseProductName() + " "
                    + metaData.getDatabaseProductVersion() + ")";
        } catch (SQLException | RuntimeException e) {
            return "a database whose URL the driver did not tell (" + e.getMessage() + ")";
        }
    }

    static String withoutCredentials(String url) {
        if (url == null) {
            return "an unnamed database";
        }
        String withoutUserInfo = USER_INFO.matcher(url).replaceFirst("//");
        String stripped = CREDENTIAL_PARAMETER.matcher(withoutUserInfo).replaceAll("");
        return stripped.endsWith("?") || stripped.endsWith("&") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }
}
