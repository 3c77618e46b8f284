import { terminalText } from "../output/terminal";

/** A path into a declaration: keys and list indexes, e.g. ["spec", "grants", 1, "resources", 0]. */
export type FieldPath = (string | number)[];

/** One broken rule, before it is placed in a file. `rule` ids are stable: scripts match on them. */
export interface Violation {
    path: FieldPath;
    rule: string;
    message: string;
}

/** A violation placed at a file position (1-based line and column), as `validate` reports it. */
export interface Diagnostic extends Violation {
    file: string;
    line: number;
    column: number;
    agent?: string;
}

/** `spec.grants[1].resources[0]`: how paths read in messages. */
export function formatPath(path: FieldPath): string {
    return path.reduce<string>((text, part) =>
        typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part, "");
}

/** The human line: `file:line:col: error: message (rule)`; a file name or message can never split it. */
export function formatDiagnostic(d: Diagnostic): string {
    // Declarations written in code have no lines: the field path says where.
    const where = d.line === 0 ? `${terminalText(d.file)} ${formatPath(d.path) || "(document)"}` : `${terminalText(d.file)}:${d.line}:${d.column}`;
    return `${where}: error: ${terminalText(d.message)} (${d.rule})`;
}

/** A diagnostic in JSON documents (`validate --json` and every error that carries diagnostics). */
export function diagnosticRecord(d: Diagnostic): { file: string; line: number; column: number; agent?: string; path: string; rule: string; message: string } {
    return { file: d.file, line: d.line, column: d.column, ...(d.agent !== undefined ? { agent: d.agent } : {}), path: formatPath(d.path), rule: d.rule, message: d.message };
}
