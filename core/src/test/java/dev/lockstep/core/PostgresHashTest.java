package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.internal.sql.PostgresHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build's {@code hashtextextended} against the server's: every length around the 12-byte blocks
 * and the tail, multi-byte UTF-8, and text like a tracker row's. A single differing bit would make
 * every no-op start read the rows, so each is compared exactly.
 */
class PostgresHashTest extends SchemaTestBase {

    @Test
    void theBuildComputesWhatTheServerComputes() throws SQLException {
        List<String> texts = new ArrayList<>();
        StringBuilder growing = new StringBuilder();
        for (int length = 0; length <= 40; length++) {
            texts.add(growing.toString());
            growing.append((char) ('a' + length % 26));
        }
        texts.add("1\t\tcreate_customers\t400990deacbb9c1274018d7da2240a0afa86149d0a119e0e4148d25c28dc0482");
        texts.add("0\tR\tviews\t486189615b9129e262c4182cf7cb9a48090f1acbfa7d727628e32f9e86d0c79f");
        texts.add("1\t1.1\tkunden_ändern_äöü_€_𝄞");
        texts.add("ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ"); // bytes with the high bit set: sign extension would show

        try (Connection connection = schema.connect();
                PreparedStatement hash = connection.prepareStatement("SELECT hashtextextended(?, 0)")) {
            for (String text : texts) {
                hash.setString(1, text);
                try (ResultSet rs = hash.executeQuery()) {
                    rs.next();
                    assertThat(PostgresHash.textExtended(text)).as(text).isEqualTo(rs.getLong(1));
                }
            }
        }
    }
}
