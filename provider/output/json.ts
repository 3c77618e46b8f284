/** Escaping for JSON output (`--json`): the document as `JSON.stringify` writes it, with every control character as a `\u` escape. */
import { CONTROL, jsonEscape } from "./controls";

/** JSON text of a value, indented; C1, separator and bidirectional characters escaped too (JSON.stringify leaves them raw). */
export function jsonText(value: unknown): string {
    // Raw C0 characters appear only as the indentation's line breaks: JSON.stringify escapes them in strings.
    return JSON.stringify(value, null, 2).replace(CONTROL, (c) => (c === "\n" ? c : jsonEscape(c)));
}
