package dev.lockstep.core.internal.drift;

import java.util.ArrayList;
import java.util.List;

/** The lines two texts do not share, in order, from their longest common subsequence of lines. */
final class LineDiff {

    private LineDiff() {
    }

    /** {@code "- line"} for a line of {@code a} only, {@code "+ line"} for one of {@code b} only. */
    static List<String> of(String[] a, String[] b) {
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                i++;
                j++;
            } else if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
                lines.add("- " + a[i++]);
            } else {
                lines.add("+ " + b[j++]);
            }
        }
        return lines;
    }
}
