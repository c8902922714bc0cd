package dev.lockstep.core.internal.sql;

import dev.lockstep.core.internal.sql.FileProblem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Cuts a script into statements at top-level semicolons, from {@link SqlLexer}'s tokens, one
 * statement at a time, so a large file never exists as a list of statements. Each statement comes
 * with its facts, read once by {@link StatementAnalyzer} from the same tokens.
 *
 * <p>A semicolon inside a SQL-standard function body ({@code BEGIN ATOMIC ... END}) belongs to the
 * body. Two forms of psql's are understood, because {@code pg_dump} writes them: the rows after
 * {@code COPY ... FROM stdin;} up to a line holding only {@code \.} belong to that statement, and
 * pg_dump's restrict and unrestrict lines are skipped. Any other backslash command is an error:
 * Lockstep runs SQL, not psql scripts.
 */
public final class SqlSplitter implements Iterator<SqlStatement> {

    /** psql commands that pg_dump writes (since 17.6, 16.10, 15.14, 14.19, 13.22) and that change nothing in SQL. */
    private static final Set<String> SKIPPED_META_COMMANDS = Set.of("restrict", "unrestrict");
    private static final String DIRECTIVE_PREFIX = "lockstep:";

    /**
     * Told of comments that start with {@code lockstep:} in any case, wherever they are, so
     * directives can be checked for their place and spelling.
     */
    @FunctionalInterface
    public interface DirectiveComments {

        DirectiveComments IGNORED = (text, line, block, beforeFirstStatement) -> { };

        /**
         * @param text the comment without its {@code --} or {@code /* *}{@code /}, stripped
         * @param block whether it is a block comment
         * @param beforeFirstStatement whether no statement started before it
         */
        void found(String text, int line, boolean block, boolean beforeFirstStatement);
    }

    private final SqlLexer lexer;
    private final DirectiveComments directiveComments;
    private final Tokens tokens;
    private SqlStatement ready;
    private boolean statementSeen;
    private boolean finished;
    /** Of the statement being read: the line of its first token, and how deep in BEGIN ATOMIC it is. */
    private int firstLine;
    private int atomicDepth;

    public SqlSplitter(String sql, DirectiveComments directiveComments) {
        this.lexer = new SqlLexer(sql);
        this.directiveComments = directiveComments;
        this.tokens = new Tokens(sql);
    }

    /**
     * Every statement of a script, empty and comment-only ones dropped.
     *
     * @throws FileProblem if a quote, comment or dollar quote is never closed, or for a psql command
     */
    public static List<SqlStatement> split(String sql) {
        List<SqlStatement> statements = new ArrayList<>();
        new SqlSplitter(sql, DirectiveComments.IGNORED).forEachRemaining(statements::add);
        return statements;
    }

    /** @throws FileProblem if a quote, comment or dollar quote is never closed, or for a psql command */
    @Override
    public boolean hasNext() {
        while (ready == null && !finished) {
            if (!lexer.next()) {
                endStatement(lexer.text().length(), false);
                finished = true;
            } else {
                take();
            }
        }
        return ready != null;
    }

    @Override
    public SqlStatement next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SqlStatement next = ready;
        ready = null;
        return next;
    }

    private void take() {
        TokenKind kind = lexer.kind();
        switch (kind) {
            case LINE_COMMENT, BLOCK_COMMENT -> reportDirective(kind == TokenKind.BLOCK_COMMENT);
            case META_COMMAND -> metaCommand();
            case SEMICOLON -> {
                if (atomicDepth == 0) {
                    endStatement(lexer.start(), true);
                } else {
                    add(kind);
                }
            }
            default -> {
                if (kind == TokenKind.WORD) {
                    trackAtomicBlock();
                }
                add(kind);
            }
        }
    }

    private void add(TokenKind kind) {
        if (tokens.isEmpty()) {
            firstLine = lexer.line();
        }
        tokens.add(kind, lexer.start(), lexer.end());
    }

    /** @param bySemicolon whether a semicolon ends it (rows of a COPY follow only that) rather than the text's end */
    private void endStatement(int end, boolean bySemicolon) {
        if (!tokens.isEmpty()) {
            String text = lexer.text().substring(tokens.start(0), end).strip();
            StatementFacts facts = StatementAnalyzer.analyze(tokens);
            Optional<String> rows = facts.copiesFromStdin() && bySemicolon
                    ? Optional.of(lexer.readCopyRows(firstLine)) : Optional.empty();
            ready = new SqlStatement(text, firstLine, facts, rows);
            statementSeen = true;
        }
        tokens.clear();
        atomicDepth = 0;
    }

    /** Semicolons inside {@code BEGIN ATOMIC ... END} belong to the function body. */
    private void trackAtomicBlock() {
        int last = tokens.size() - 1;
        if (atomicDepth == 0) {
            if (last >= 0 && tokens.isWord(last, "BEGIN") && isCurrentWord("ATOMIC")) {
                atomicDepth = 1;
            }
        } else if (isCurrentWord("CASE")) {
            atomicDepth++;
        } else if (isCurrentWord("END")) {
            atomicDepth--;
        }
    }

    private boolean isCurrentWord(String keyword) {
        return lexer.end() - lexer.start() == keyword.length()
                && lexer.text().regionMatches(true, lexer.start(), keyword, 0, keyword.length());
    }

    /** Tells of a comment that reads like a directive: {@code lockstep:} first, in any case. */
    private void reportDirective(boolean block) {
        String text = lexer.text();
        int from = lexer.start() + 2;
        int to = block ? lexer.end() - 2 : lexer.end();
        int i = from;
        while (i < to && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (text.regionMatches(true, i, DIRECTIVE_PREFIX, 0, DIRECTIVE_PREFIX.length())) {
            directiveComments.found(text.substring(i, to).strip(), lexer.line(), block,
                    !statementSeen && tokens.isEmpty());
        }
    }

    /**
     * A backslash outside quotes and comments starts a psql command, which PostgreSQL does not
     * know. pg_dump's {@code \restrict} lines are skipped; anything else is an error.
     */
    private void metaCommand() {
        String command = lexer.text().substring(lexer.start(), lexer.end()).strip();
        String name = command.substring(1).split("\\s+", 2)[0];
        if (SKIPPED_META_COMMANDS.contains(name) && tokens.isEmpty()) {
            return;
        }
        throw new FileProblem(lexer.line(), "'" + abbreviate(command) + "' is a psql command, not SQL: Lockstep "
                + "sends the file to PostgreSQL, which does not know psql's backslash commands. Write it as SQL "
                + "(\\i: put the included file's statements in a migration of its own; \\set: write the value "
                + "in; \\connect: migrate each database with its own configuration), or run the script with psql");
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + " ...";
    }
}
