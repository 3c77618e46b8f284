/**
 * What can still be read from an Agent document that failed the schema ("a partial agent"):
 * - a summary (name, owner, expiry, …) so that every command lists the agent with its errors
 *   instead of silently leaving it out;
 * - a declaration for the guardrails, so that one schema error does not hide another.
 * Only values of the right type are read; nothing made up here ever reaches an output.
 */
import { parseInstant } from "./clock";
import type { FieldPath, Violation } from "./diagnostics";
import type { AgentDeclaration, OnExpiry } from "./types";

/** The fields every listing shows, each present only when the document holds it with the right type. */
export interface AgentSummary {
    name?: string;
    description?: string;
    owner: { team?: string; contact?: string; escalation?: string };
    /** `spec.expiresAt` as written. */
    expiresAt?: string;
    /** `spec.expiresAt` when it is a real instant. */
    expires?: Date;
    onExpiry?: OnExpiry;
    labels: Record<string, string>;
}

/** Reads the summary of any Agent document, valid or not. */
export function summaryOf(value: unknown): AgentSummary {
    const doc = record(value);
    const metadata = record(doc.metadata);
    const spec = record(doc.spec);
    const owner = record(spec.owner);
    const expiresAt = text(spec.expiresAt);
    const expires = expiresAt === undefined ? undefined : parseInstant(expiresAt);
    const labels = Object.fromEntries(Object.entries(record(metadata.labels)).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
    return {
        ...defined("name", text(metadata.name)),
        ...defined("description", text(spec.description)),
        owner: { ...defined("team", text(owner.team)), ...defined("contact", text(owner.contact)), ...defined("escalation", text(owner.escalation)) },
        ...defined("expiresAt", expiresAt),
        ...defined("expires", expires),
        ...defined<"onExpiry", OnExpiry>("onExpiry", spec.onExpiry === "delete" || spec.onExpiry === "disable" ? spec.onExpiry : undefined),
        labels,
    };
}

/**
 * How a schema error leaves a field: `remove` (an unknown field: drop it and the rest reads as
 * declared), `unreadable` (missing, or of the wrong type or value set: nothing there can be read).
 * Errors on a value of the right type (patterns, lengths, ranges) leave it readable as written:
 * the guardrails check such values themselves.
 */
export interface SchemaProblem {
    path: FieldPath;
    effect: "remove" | "unreadable";
}

/** A declaration the guardrails can run on, and the fields in it that are stand-ins for unreadable ones. */
export interface GuardrailInput {
    declaration: AgentDeclaration;
    unreadable: FieldPath[];
}

/**
 * Stand-ins for required fields that cannot be read: values no guardrail objects to, so that the
 * checks on the readable fields can run. Violations that touch a stand-in are dropped (see
 * `readableViolations`), so a stand-in never shows in a message.
 */
const STAND_INS: Record<string, unknown> = {
    "apiVersion": "agentid/v1",
    "spec.description": "unreadable",
    "spec.owner": { team: "unreadable", contact: "unreadable@example.invalid" },
    "spec.owner.team": "unreadable",
    "spec.owner.contact": "unreadable@example.invalid",
    "spec.expiresAt": "9999-12-31",
    "spec.grants": [],
    "spec.grants.*": { connector: "unreadable" },
    "spec.grants.*.connector": "unreadable",
    "spec.approval.ticket": "unreadable",
    "spec.approval.approvers": ["unreadable@example.invalid"],
    "spec.identity.aws.trust": "agentcore",
    "spec.identity.spire.parentId": "spiffe://unreadable",
    "spec.identity.spire.selectors": ["unreadable:unreadable"],
};

/** Guardrails that read other fields than the one they report on. */
const READS: Record<string, FieldPath[]> = {
    "review-after-expiry": [["spec", "expiresAt"]],
    "grants-digest-mismatch": [["spec", "grants"]],
    "missing-identity": [["spec", "grants"], ["spec", "identity"]],
    "approval-required": [["spec", "approval"]],
    "approver-is-owner": [["spec", "owner", "contact"], ["spec", "approval", "approvers"]],
    "spire-selectors": [["spec", "identity"], ["spec", "grants"]],
    "spire-entry": [["spec", "identity"]],
    "action-resource-mismatch": [["spec", "grants"]],
    "trust-setting": [["spec", "identity"]],
};

/**
 * The document with unknown fields removed and unreadable fields replaced by stand-ins (or removed
 * when optional). Undefined when the agent cannot be identified or has no readable spec.
 */
export function guardrailInput(value: unknown, problems: readonly SchemaProblem[]): GuardrailInput | undefined {
    if (!isRecord(value)) return undefined;
    const copy = structuredClone(value) as Record<string, unknown>;
    const unreadable: FieldPath[] = [];
    // Deepest first: a field is settled before its parent may be replaced.
    for (const problem of [...problems].sort((a, b) => b.path.length - a.path.length)) {
        if (problem.effect === "remove") removeAt(copy, problem.path);
        else {
            unreadable.push(problem.path);
            replaceAt(copy, problem.path);
        }
    }
    const identifies = (path: FieldPath) => path.length === 0 || related(path, ["metadata", "name"]) || (path.length === 1 && path[0] === "spec");
    if (unreadable.some(identifies)) return undefined;
    return { declaration: copy as unknown as AgentDeclaration, unreadable };
}

/**
 * The guardrail violations that stand on readable fields only: none on or around a stand-in, none of a
 * rule that reads a stand-in, and none on a field the schema already reported (one error per field).
 */
export function readableViolations(violations: readonly Violation[], input: GuardrailInput, reported: readonly FieldPath[]): Violation[] {
    return violations.filter((v) => {
        const touched = [v.path, ...(READS[v.rule] ?? [])];
        if (input.unreadable.some((u) => touched.some((t) => related(t, u)))) return false;
        return !reported.some((r) => samePath(r, v.path));
    });
}

/** One path lies on the other's way: equal, an ancestor or a descendant. */
function related(a: FieldPath, b: FieldPath): boolean {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    return true;
}

function samePath(a: FieldPath, b: FieldPath): boolean {
    return a.length === b.length && related(a, b);
}

function removeAt(root: Record<string, unknown>, path: FieldPath): void {
    const parent = containerAt(root, path.slice(0, -1));
    const key = path[path.length - 1];
    if (parent && !Array.isArray(parent) && key !== undefined) delete parent[key as string];
}

function replaceAt(root: Record<string, unknown>, path: FieldPath): void {
    const parent = containerAt(root, path.slice(0, -1));
    const key = path[path.length - 1];
    if (!parent || key === undefined) return;
    const standIn = STAND_INS[path.map((p) => (typeof p === "number" ? "*" : p)).join(".")];
    if (Array.isArray(parent)) parent[key as number] = structuredClone(standIn ?? "unreadable");
    else if (standIn !== undefined) parent[key as string] = structuredClone(standIn);
    else delete parent[key as string];
}

function containerAt(root: Record<string, unknown>, path: FieldPath): Record<string, unknown> | unknown[] | undefined {
    let node: unknown = root;
    for (const part of path) {
        if (!isRecord(node) && !Array.isArray(node)) return undefined;
        node = (node as Record<string | number, unknown>)[part];
    }
    return isRecord(node) || Array.isArray(node) ? node : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

function record(value: unknown): Record<string, unknown> {
    return isRecord(value) ? value : {};
}

function text(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
    return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
