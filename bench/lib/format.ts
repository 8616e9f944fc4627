export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;
export const perSecond = (value: number, unit: string) => `${value.toFixed(1)} ${unit}/s`;

/** "PASS"/"MISS" against an aim, with the aim spelled out. */
export const verdict = (ok: boolean, aim: string) => `${ok ? "PASS" : "MISS"} (aim: ${aim})`;

/** A plain-text table whose columns line up in a terminal. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
