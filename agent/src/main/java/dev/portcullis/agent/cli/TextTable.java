package dev.portcullis.agent.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows under a header, printed in columns two spaces apart, each as wide as its widest cell:
 *
 * <pre>
 * PROTO  ADDRESS:PORT   INODE
 * tcp    0.0.0.0:22     18231
 * </pre>
 */
public final class TextTable {

  private final List<String[]> rows = new ArrayList<>();

  public TextTable(String... header) {
    rows.add(header);
  }

  /** Adds a row, one cell per column of the header. */
  public TextTable add(String... cells) {
    if (cells.length != rows.get(0).length) {
      throw new IllegalArgumentException(
          cells.length + " cells for " + rows.get(0).length + " columns");
    }
    rows.add(cells);
    return this;
  }

  /** The header and the rows, each line ending with a line break; no trailing blanks. */
  @Override
  public String toString() {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        text.append(row[i]);
        if (i < row.length - 1) {
          text.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      text.append('\n');
    }
    return text.toString();
  }
}
