import type { Diagnostic } from "../spec/diagnostics";
import type { AgentSummary } from "../spec/readable";
import type { ValidationReport } from "../spec/validate";
import { AgentView, viewOf } from "./accessView";

/**
 * One agent as inventories and reports see it: its view when the declaration passed the schema,
 * what could be read otherwise, and its errors. Invalid agents are listed and marked, never dropped.
 */
export interface ReviewedAgent {
    /** Absent when the document failed the schema (a partial agent). */
    view?: AgentView;
    summary: AgentSummary;
    errors: readonly Diagnostic[];
    file: string;
    line: number;
}

/** Every agent of a validation report, in file order. */
export function reviewedAgents(report: ValidationReport): ReviewedAgent[] {
    return report.found.map((f) => ({
        ...(f.declaration ? { view: viewOf(f.declaration, report.settings) } : {}),
        summary: f.summary, errors: f.errors, file: f.file, line: f.line,
    }));
}

/** `2 errors: unknown-field, approval-required`: how listings mark an invalid agent. */
export function errorsNote(errors: readonly { rule: string }[]): string {
    const rules = [...new Set(errors.map((e) => e.rule))];
    return `${errors.length} error${errors.length === 1 ? "" : "s"}: ${rules.join(", ")}`;
}
