package dev.lockstep.core.internal.files;

import dev.lockstep.core.internal.sql.FileProblem;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A migration file's bytes as text: strict UTF-8, without a byte order mark, with LF line endings.
 * Built to hold a large file once: the bytes are checked through a small buffer and decoded in one
 * step, never through a second full-size copy.
 */
public final class FileText {

    private FileText() {
    }

    /**
     * @throws FileProblem if the bytes are not UTF-8 (naming the line) or hold a NUL character
     */
    public static String decode(byte[] bytes) {
        requireUtf8(bytes);
        String text = Checksums.normalize(new String(bytes, StandardCharsets.UTF_8));
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw new FileProblem(lineAt(text, nul), "the file holds a NUL character (byte 0x00), which PostgreSQL "
                    + "does not accept in SQL text; is it a binary file, or saved as UTF-16? Save it as UTF-8 text");
        }
        return text;
    }

    private static void requireUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.min(8192, bytes.length + 16));
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new FileProblem(lineAtByte(bytes, in.position()), "the file is not valid UTF-8 (byte 0x"
                        + String.format("%02X", bytes[in.position()]) + " at offset " + in.position()
                        + "); save it as UTF-8");
            }
            if (result.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }

    /** The 1-based line of a character index. */
    static int lineAt(String text, int index) {
        int line = 1;
        for (int i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
            line++;
        }
        return line;
    }

    private static int lineAtByte(byte[] bytes, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
