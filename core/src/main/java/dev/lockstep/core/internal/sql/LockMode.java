package dev.lockstep.core.internal.sql;

/** PostgreSQL's table lock modes, weakest first, with the names its documentation and {@code LOCK TABLE} use. */
public enum LockMode {
    ACCESS_SHARE("ACCESS SHARE"),
    ROW_SHARE("ROW SHARE"),
    ROW_EXCLUSIVE("ROW EXCLUSIVE"),
    SHARE_UPDATE_EXCLUSIVE("SHARE UPDATE EXCLUSIVE"),
    SHARE("SHARE"),
    SHARE_ROW_EXCLUSIVE("SHARE ROW EXCLUSIVE"),
    EXCLUSIVE("EXCLUSIVE"),
    ACCESS_EXCLUSIVE("ACCESS EXCLUSIVE");

    private final String sqlName;

    LockMode(String sqlName) {
        this.sqlName = sqlName;
    }

    /** As SQL writes it, e.g. {@code SHARE UPDATE EXCLUSIVE}. */
    public String sqlName() {
        return sqlName;
    }

    static LockMode stronger(LockMode a, LockMode b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
