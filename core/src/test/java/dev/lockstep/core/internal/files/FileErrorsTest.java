package dev.lockstep.core.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class FileErrorsTest {

    @Test
    void unreadableFilesAndFoldersSayPermissionDenied() {
        assertThat(FileErrors.describe(new AccessDeniedException("/srv/migrations")))
                .startsWith("permission denied on /srv/migrations for the user running this process (")
                .endsWith("give it read permission (and execute permission on folders)");
    }

    @Test
    void aCycleAndAMissingTargetAreNamedWithTheirFix() {
        assertThat(FileErrors.describe(new FileSystemLoopException("/srv/m/loop")))
                .startsWith("/srv/m/loop is a symbolic link to a folder that contains it, a cycle")
                .contains("remove that link");
        assertThat(FileErrors.describe(new NoSuchFileException("/srv/m/1_a.up.sql -> gone.sql")))
                .isEqualTo("/srv/m/1_a.up.sql -> gone.sql does not exist (a symbolic link whose target is gone, or a "
                        + "file deleted while Lockstep read the folder)");
        assertThat(FileErrors.describe(new IOException("disk on fire"))).isEqualTo("IOException: disk on fire");
    }
}
