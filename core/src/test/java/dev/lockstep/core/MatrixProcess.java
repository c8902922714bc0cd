package dev.lockstep.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A migrate or an undo of one {@link MatrixTarget} in a JVM of its own, to be killed with SIGKILL. */
public final class MatrixProcess {

    private MatrixProcess() {
    }

    /** Arguments: the target's ({@link MatrixTarget#args()}), the runner's name, then migrate or undo. */
    public static void main(String[] args) {
        List<String> all = Arrays.asList(args);
        MatrixTarget target = MatrixTarget.of(all.subList(0, MatrixTarget.ARGS));
        Lockstep engine = target.engine(args[MatrixTarget.ARGS], false, c -> c);
        if (args[MatrixTarget.ARGS + 1].equals("undo")) {
            engine.undo(UndoTarget.last(1), null);
        } else {
            engine.migrate();
        }
    }

    static Process start(MatrixTarget target, String runnerName, String command, Path log) throws IOException {
        List<String> line = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), MatrixProcess.class.getName()));
        line.addAll(target.args());
        line.add(runnerName);
        line.add(command);
        return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
