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

/** The human line: `file:line:col: error: message (rule)`. */
export function formatDiagnostic(d: Diagnostic): string {
    return `${d.file}:${d.line}:${d.column}: error: ${d.message} (${d.rule})`;
}
