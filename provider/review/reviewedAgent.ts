import type { Diagnostic } from "../declarations/diagnostics";
import type { AgentSummary } from "../declarations/readable";
import type { ValidationReport } from "../guardrails/validate";
import { AgentView, fleetViews } from "./accessView";

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

/** Every agent of a validation report, in file order; the complete ones seen as a fleet (shared OAuth scopes). */
export function reviewedAgents(report: ValidationReport, now: Date): ReviewedAgent[] {
    const complete = report.found.filter((f) => f.declaration !== undefined);
    const views = fleetViews(complete.map((f) => f.declaration!), report.settings, now);
    return report.found.map((f) => ({
        ...(f.declaration ? { view: views[complete.indexOf(f)] } : {}),
        summary: f.summary, errors: f.errors, file: f.file, line: f.line,
    }));
}

/** `2 errors: unknown-field, approval-required`: how listings mark an invalid agent. */
export function errorsNote(errors: readonly { rule: string }[]): string {
    const rules = [...new Set(errors.map((e) => e.rule))];
    return `${errors.length} error${errors.length === 1 ? "" : "s"}: ${rules.join(", ")}`;
}
