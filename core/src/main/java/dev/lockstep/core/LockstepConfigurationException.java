package dev.lockstep.core;

/** A setting has a value Lockstep cannot use; {@link #setting()} names it as a property key. */
public class LockstepConfigurationException extends LockstepException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public LockstepConfigurationException(String setting, String message) {
        super(setting + ": " + message);
        this.setting = setting;
    }

    /** The property key of the offending setting, such as {@code lockstep.table}. */
    public String setting() {
        return setting;
    }
}
