package dev.lockstep.core.internal.session;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Names the database a run works on, for its first log line: the JDBC URL without credentials and
 * the server's version. Both come from the driver's connection state, with no query.
 */
public final class DatabaseDescription {

    /** {@code user:secret@} in an authority. */
    private static final Pattern USER_INFO = Pattern.compile("//[^/?#@]*@");
    /**
     * The only URL parameters the line keeps: they say where the migrations land. The rest is driver
     * tuning or secrets, and pgjdbc's {@code PGSimpleDataSource} spells out all fifty of them.
     */
    private static final Set<String> PLACE_PARAMETERS = Set.of("currentschema", "options");

    private DatabaseDescription() {
    }

    public static String of(Connection connection) {
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            return placeOnly(metaData.getURL()) + " (" + metaData.getDatabaseProductName() + " "
                    + metaData.getDatabaseProductVersion() + ")";
        } catch (SQLException | RuntimeException e) {
            return "a database whose URL the driver did not tell (" + e.getMessage() + ")";
        }
    }

    /** The URL with no credentials and no parameters but those that say where migrations land. */
    static String placeOnly(String url) {
        if (url == null) {
            return "an unnamed database";
        }
        String withoutUserInfo = USER_INFO.matcher(url).replaceFirst("//");
        int query = withoutUserInfo.indexOf('?');
        if (query < 0) {
            return withoutUserInfo;
        }
        String kept = Arrays.stream(withoutUserInfo.substring(query + 1).split("&"))
                .filter(parameter -> PLACE_PARAMETERS.contains(parameter.split("=", 2)[0].toLowerCase(Locale.ROOT)))
                .collect(Collectors.joining("&"));
        String base = withoutUserInfo.substring(0, query);
        return kept.isEmpty() ? base : base + "?" + kept;
    }
}
