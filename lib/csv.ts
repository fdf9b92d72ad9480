// The one CSV encoder of the console (audit log export, analytics exports): RFC 4180 quoting, CRLF rows, and one
// guard against spreadsheet formula injection. Text that starts with = + - @ (or a tab or CR) would run as a
// formula in Excel and friends, so it gets a leading apostrophe; numbers are written as numbers (-3 stays -3).
// Objects are written as their JSON.

export type CsvValue = string | number | boolean | null | undefined | object;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text, each ending in CRLF; an empty header writes no header row. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  const lines = header.length > 0 ? [header, ...rows] : rows;
  return lines.map((r) => r.map(csvCell).join(",") + "\r\n").join("");
}
