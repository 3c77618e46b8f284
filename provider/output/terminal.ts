/** Escaping for terminals: user text shown on stdout or stderr, one line per field. */
import { showControls } from "./controls";

/** User text for a terminal line: control characters shown as escapes, so nothing can move the cursor, recolour or split the line. */
export function terminalText(text: string): string {
    return showControls(text);
}
