/** Plain-text columns aligned by padding, for terminal reports. */

export type Align = "left" | "right";

/** Styles a cell after padding, so escape codes never count towards the width. */
export type CellStyle = (padded: string, row: number, column: number) => string;

/**
 * Lines of a table: every cell padded to its column's widest cell, columns two spaces apart.
 * Widths count code points, so "µ" and "–" take one column each.
 */
export function formatColumns(rows: readonly (readonly string[])[], align: readonly Align[], style?: CellStyle): string[] {
  const width = (text: string): number => [...text].length;
  const widths = align.map((_, column) => Math.max(0, ...rows.map((row) => width(row[column] ?? ""))));
  return rows.map((row, r) => {
    const cells = align.map((side, column) => {
      const cell = row[column] ?? "";
      const pad = " ".repeat(widths[column]! - width(cell));
      return side === "right" ? pad + cell : cell + pad;
    });
    // Trailing blanks go before styling, where escape codes would hide them from trimming.
    while (cells.length > 0 && cells.at(-1)!.trim() === "") cells.pop();
    if (cells.length > 0) cells[cells.length - 1] = cells.at(-1)!.trimEnd();
    return cells.map((cell, column) => (style ? style(cell, r, column) : cell)).join("  ");
  });
}
