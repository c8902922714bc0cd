package dev.lockstep.core.internal.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;

/** Says what an I/O failure on a migration file or folder means and how to fix it. */
final class FileErrors {

    private FileErrors() {
    }

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile() + " for the user running this process ("
                    + System.getProperty("user.name") + "); give it read permission (and execute permission on "
                    + "folders)";
        }
        if (e instanceof FileSystemLoopException loop) {
            return loop.getFile() + " is a symbolic link to a folder that contains it, a cycle; Lockstep follows "
                    + "symbolic links, so remove that link or point lockstep.locations below it";
        }
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + " does not exist (a symbolic link whose target is gone, or a file deleted "
                    + "while Lockstep read the folder)";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
