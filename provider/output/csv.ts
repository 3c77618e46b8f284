/**
 * Escaping for CSV (RFC 4180) that spreadsheets open safely: cells that a spreadsheet would read as a
 * formula (starting with = + - @, a tab or a carriage return) get a leading apostrophe (OWASP's advice),
 * cells with a comma, quote or line break are quoted, other control characters are shown as escapes.
 */
import { showControls } from "./controls";

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell. Numbers we computed are written as they are; every string is treated as user text. */
export function csvCell(value: string | number | null): string {
    if (value === null) return "";
    if (typeof value === "number") return String(value);
    const lines = value.split(/\r\n|\n|\r/).map(showControls).join("\n");
    const text = FORMULA_START.test(value) ? `'${lines}` : lines;
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row of cells, without the line ending. */
export function csvRow(values: readonly (string | number | null)[]): string {
    return values.map(csvCell).join(",");
}
