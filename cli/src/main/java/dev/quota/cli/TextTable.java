package dev.quota.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Aligned columns for people; numbers right-aligned, the rest left-aligned. */
public final class TextTable {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    public TextTable row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "-" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        out.println(line(headers, widths, null));
        for (List<String> row : rows) {
            out.println(line(row, widths, row));
        }
    }

    private static String line(List<String> cells, int[] widths, List<String> numericHint) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            boolean numeric = numericHint != null && cell.matches("[+-]?\\d+(\\.\\d+)?%?");
            String padded = numeric ? " ".repeat(widths[c] - cell.length()) + cell : cell + " ".repeat(widths[c] - cell.length());
            line.append(c == 0 ? "" : "  ").append(padded);
        }
        return line.toString().stripTrailing();
    }

    /** Label/value lines, labels aligned. */
    public static void keyValues(PrintWriter out, List<String[]> pairs) {
        int width = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
        for (String[] pair : pairs) {
            out.println(pair[0] + " ".repeat(width - pair[0].length()) + "  " + pair[1]);
        }
    }
}
