/**
 * Characters that must never reach an output raw: C0 and C1 controls (terminal escapes, line
 * breaks), DEL, Unicode line/paragraph separators and the bidirectional overrides and isolates
 * that reorder what a reader sees. Every format module shows them as visible escapes.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The text with every control character replaced by a visible escape (`\n`, `\x1b`, `\u202e`). */
export function showControls(text: string): string {
    return text.replace(CONTROL, (c) => NAMED[c] ?? visibleCode(c.charCodeAt(0)));
}

/** Whether the text holds any character `showControls` would replace. */
export function hasControls(text: string): boolean {
    CONTROL.lastIndex = 0;
    return CONTROL.test(text);
}

/** A control character as a JSON `\u` escape: the same JSON value, safe to print. */
export function jsonEscape(c: string): string {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

function visibleCode(code: number): string {
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}
