import type { ErrorObject } from "ajv/dist/2020";
import type { Diagnostic, FieldPath, Violation } from "../declarations/diagnostics";
import { formatPath } from "../declarations/diagnostics";
import { checkAgent, KnownFacts, stackNameClashViolations } from "./agentRules";
import { sharedOauthScopesOf } from "../model/oauthSharing";
import { grantsDigest } from "../declarations/digest";
import type { FileProblem } from "../declarations/files";
import { sharedIdentityViolations } from "./identities";
import { declarationDutyViolations } from "./separationOfDuties";
import { LoadResult, loadDeclarations, parseSources, SourceDocument } from "../declarations/load";
import { AgentSummary, guardrailInput, readableViolations, SchemaProblem, summaryOf } from "../declarations/readable";
import { checkSettings, mergeFleetSettings } from "./fleetSettings";
import { ResolvedSettings } from "../model/settings";
import type { AgentDeclaration, FleetDeclaration, FleetSettings } from "../declarations/types";
import { schemaValidator } from "../declarations/schemaValidator";

/**
 * One Agent document as found in a file, valid or not: what every command lists. A document that
 * failed the schema is a *partial* agent: no declaration, only what could still be read.
 */
export interface FoundAgent {
    /** The whole declaration, when the document passed the schema (guardrail errors may still make it invalid). */
    declaration?: AgentDeclaration;
    /** The digest of the declaration's grants when its approval pins one: computed once, for the guardrail and the agent's outputs. */
    grantsDigest?: string;
    /** The fields that could be read, whatever the errors. */
    summary: AgentSummary;
    file: string;
    line: number;
    column: number;
    /** This agent's errors: schema, guardrails, duplicate name. */
    errors: Diagnostic[];
    /** True when the agent has no errors. */
    valid: boolean;
}

/** An Agent document that passed the schema. */
export interface LoadedAgent extends FoundAgent {
    declaration: AgentDeclaration;
}

/** The result of validating declaration files: the `agentid validate --json` shape, plus the data. */
export interface ValidationReport {
    valid: boolean;
    /** Number of Agent documents found (every document that is not a `kind: Fleet`). */
    agents: number;
    errors: Diagnostic[];
    /** Every Agent document found, complete or partial, in file order. */
    found: FoundAgent[];
    /** The Agent documents that passed the schema (valid or not by guardrails). */
    declarations: LoadedAgent[];
    /** Fleet settings in force (args, tightened by a `kind: Fleet` document). */
    settings: ResolvedSettings;
    /** Paths that do not exist. */
    missing: string[];
    /** Files and directories that exist but cannot be read. */
    unreadable: FileProblem[];
    files: string[];
}

export interface ValidateOptions {
    /** The clock for the lifetime rule. */
    now: Date;
    /** Fleet settings from code (AgentFleet args); a `kind: Fleet` document may tighten them. */
    settings?: FleetSettings;
    /** In-memory declaration texts validated together with the files (names unique across both). */
    sources?: readonly { file: string; text: string }[];
    /** Declarations written in code, as objects (AgentFleet `agents`): diagnostics name the label and the field path. */
    objects?: readonly { label: string; value: unknown }[];
}

/** Loads, schema-checks and guardrail-checks every declaration under `paths`. */
export function validateDeclarations(paths: readonly string[], options: ValidateOptions): ValidationReport {
    const fromFiles = loadDeclarations(paths);
    const inMemory = parseSources(options.sources ?? []);
    const inCode = (options.objects ?? []).map(({ label, value }): SourceDocument => ({ file: label, index: 0, value, locate: () => IN_CODE }));
    return validateLoaded({
        files: [...fromFiles.files, ...inMemory.files],
        documents: [...fromFiles.documents, ...inMemory.documents, ...inCode],
        diagnostics: [...fromFiles.diagnostics, ...inMemory.diagnostics],
        missing: fromFiles.missing,
        unreadable: fromFiles.unreadable,
    }, options);
}

/** Objects have no lines: their diagnostics name the field path instead (see formatDiagnostic). */
const IN_CODE = { line: 0, column: 0 };

/** The same checks on in-memory sources (tests, editors, the policy pack). */
export function validateTexts(sources: readonly { file: string; text: string }[], options: ValidateOptions): ValidationReport {
    return validateLoaded(parseSources(sources), options);
}

function validateLoaded(loaded: LoadResult, options: ValidateOptions): ValidationReport {
    const errors: Diagnostic[] = [...loaded.diagnostics];
    const agents: { doc: SourceDocument; schema: SchemaCheck }[] = [];
    const fleets: { doc: SourceDocument; decl: FleetDeclaration }[] = [];

    for (const doc of loaded.documents) {
        const value = doc.value as { kind?: unknown } | null;
        // Anything that is not a Fleet is taken for an agent, so `kind: agent` or a missing kind is
        // listed as an invalid agent rather than silently ignored.
        const isAgent = value === null || typeof value !== "object" || value.kind !== "Fleet";
        const schema = checkSchema(doc.value);
        if (isAgent) agents.push({ doc, schema });
        else if (schema.violations.length > 0) errors.push(...schema.violations.map((v) => place(doc, v)));
        else fleets.push({ doc, decl: doc.value as FleetDeclaration });
    }

    for (const extra of fleets.slice(1)) {
        const first = fleets[0].doc;
        errors.push(place(extra.doc, { path: ["kind"], rule: "fleet-duplicate", message: `only one kind: Fleet document is allowed; the first is at ${first.file}:${first.locate(["kind"]).line} — merge them` }));
    }
    const fleetDoc = fleets[0];
    // Settings from code are checked against the schema first; malformed ones are reported and not applied.
    const codeSettingsProblems = settingsSchemaViolations(options.settings);
    for (const v of codeSettingsProblems) errors.push({ file: "<AgentFleet settings>", line: 1, column: 1, path: v.path.slice(1), rule: v.rule, message: v.message });
    const merged = mergeFleetSettings(codeSettingsProblems.length === 0 ? options.settings : undefined, fleetDoc?.decl.spec);
    const settings = merged.settings;
    // Settings are checked where they were written: the Fleet document, or the program's AgentFleet args.
    const settingsProblems = [...merged.violations, ...checkSettings(settings)];
    for (const v of settingsProblems) {
        errors.push(fleetDoc ? place(fleetDoc.doc, v) : { file: "<AgentFleet settings>", line: 1, column: 1, path: v.path.slice(1), rule: v.rule, message: v.message });
    }

    const firstByName = new Map<string, SourceDocument>();
    // Identities are compared across the agents that passed the schema; a partial agent's are not known.
    const complete = agents.filter((a) => a.schema.violations.length === 0);
    const sharedOauthScopes = sharedOauthScopesOf(complete.map((a) => a.doc.value as AgentDeclaration), settings, options.now);
    const identityProblems = sharedIdentityViolations(complete.map((a) => a.doc.value as AgentDeclaration), settings, (i) => `${complete[i].doc.file}:${complete[i].doc.locate([]).line}`);
    const stackProblems = stackNameClashViolations(complete.map((a) => a.doc.value as AgentDeclaration), settings, (i) => `${complete[i].doc.file}:${complete[i].doc.locate([]).line}`);
    const dutyProblems = declarationDutyViolations(complete.map((a) => a.doc.value as AgentDeclaration), settings, options.now, (i, grant) => {
        const at = complete[i].doc.locate(["spec", "grants", grant]);
        return `${complete[i].doc.file}:${at.line}:${at.column}`;
    });
    const completeIndex = new Map(complete.map((a, i) => [a.doc, i]));
    const found: FoundAgent[] = [];
    for (const { doc, schema } of agents) {
        const summary = summaryOf(doc.value);
        const name = summary.name;
        const own: Violation[] = [...schema.violations];
        const first = name === undefined ? undefined : firstByName.get(name);
        if (first) {
            const at = first.locate(["metadata", "name"]);
            own.push({ path: ["metadata", "name"], rule: "duplicate-name", message: `agent "${name}" is already declared at ${first.file}:${at.line}; agent names are unique across the fleet — rename one` });
        } else if (name !== undefined) {
            firstByName.set(name, doc);
        }
        // A duplicate name already says the agent clashes; its identities would repeat that. One
        // report per field and rule: the shared-identity and reserved-ID checks can meet on one field.
        const index = completeIndex.get(doc)!;
        const shared = first || schema.violations.length > 0 ? [] : [...identityProblems[index], ...stackProblems[index], ...dutyProblems[index]];
        const seen = new Set<string>();
        const declaration = schema.violations.length === 0 ? (doc.value as AgentDeclaration) : undefined;
        // An approval that pins a digest is compared with the grants' digest: computed here once and handed on with the declaration.
        const digest = declaration?.spec.approval?.grantsDigest !== undefined ? grantsDigest(declaration.spec.grants) : undefined;
        const known = { sharedOauthScopes: sharedOauthScopes(name ?? ""), ...(digest !== undefined ? { grantsDigest: digest } : {}) };
        for (const v of [...shared, ...guardrailViolations(doc.value, schema, settings, options.now, known)]) {
            // Each separation-of-duties rule is its own finding, even at the same grant.
            const key = `${formatPath(v.path)}|${v.rule}${v.rule === "separation-of-duties" ? `|${v.message}` : ""}`;
            if (!seen.has(key)) { seen.add(key); own.push(v); }
        }
        const agentErrors = own.map((v) => place(doc, v, name));
        errors.push(...agentErrors);
        const start = doc.locate([]);
        found.push({
            ...(declaration ? { declaration } : {}),
            ...(digest !== undefined ? { grantsDigest: digest } : {}),
            summary, file: doc.file, line: start.line, column: start.column, errors: agentErrors, valid: agentErrors.length === 0,
        });
    }

    return {
        valid: errors.length === 0 && loaded.missing.length === 0 && loaded.unreadable.length === 0,
        agents: found.length,
        errors,
        found,
        declarations: found.filter((f): f is LoadedAgent => f.declaration !== undefined),
        settings,
        missing: loaded.missing,
        unreadable: loaded.unreadable,
        files: loaded.files,
    };
}

/**
 * The guardrails of one agent. A document that failed the schema is checked on the fields that can
 * still be read, so a misspelled field does not hide, say, write access without an approval.
 */
function guardrailViolations(value: unknown, schema: SchemaCheck, settings: ResolvedSettings, now: Date, known: KnownFacts): Violation[] {
    if (schema.violations.length === 0) return checkAgent(value as AgentDeclaration, settings, now, known);
    const input = guardrailInput(value, schema.problems);
    if (!input) return [];
    let violations: Violation[];
    try {
        violations = checkAgent(input.declaration, settings, now);
    } catch {
        return []; // the guardrails assume the schema's shape; the schema errors already say what is wrong
    }
    return readableViolations(violations, input, schema.violations.map((v) => v.path));
}

function place(doc: SourceDocument, violation: Violation, agent?: string): Diagnostic {
    const { line, column } = doc.locate(violation.path);
    return { file: doc.file, line, column, ...(agent !== undefined ? { agent } : {}), path: violation.path, rule: violation.rule, message: violation.message };
}

/** What the schema said about a document: violations to report, and what each leaves readable. */
interface SchemaCheck {
    violations: Violation[];
    problems: SchemaProblem[];
}

/** Schema errors as violations with field paths, stable rule ids and a fix in the message. */
export function schemaViolations(value: unknown): Violation[] {
    return checkSchema(value).violations;
}

/**
 * Fleet settings given in code (AgentFleet or Agent args) against the schema of a `kind: Fleet` document's
 * spec, so a misspelt or mistyped setting is refused as it is in a file; paths and messages name `settings`.
 */
export function settingsSchemaViolations(settings: unknown): Violation[] {
    if (settings === undefined) return [];
    const asDocument = { apiVersion: "agentid/v1", kind: "Fleet", metadata: { name: "settings" }, spec: settings };
    // Every violation is in its spec: a Fleet document's own fields are the ones written just above.
    return checkSchema(asDocument, (path) => ["settings", ...path.slice(1)]).violations;
}

/** `shownAs`: where a violation at a document's path is, for its message and its path (settings from code are a Fleet's spec). */
function checkSchema(value: unknown, shownAs: (path: FieldPath) => FieldPath = (path) => path): SchemaCheck {
    const validate = schemaValidator();
    if (validate(value)) return { violations: [], problems: [] };
    const seen = new Set<string>();
    const violations: Violation[] = [];
    const problems: SchemaProblem[] = [];
    for (const error of validate.errors ?? []) {
        // The kind dispatch, and a map's "property name must be valid": the real error is reported beside each.
        if (error.keyword === "if" || error.keyword === "propertyNames") continue;
        const violation = describeSchemaError(error, shownAs);
        const key = `${formatPath(violation.path)}|${violation.rule}|${violation.message}`;
        if (!seen.has(key)) {
            seen.add(key);
            violations.push(violation);
        }
        const problem = problemOf(error, violation.path);
        if (problem) problems.push(problem);
    }
    return { violations, problems };
}

/** What a schema error leaves readable (see SchemaProblem). */
function problemOf(error: ErrorObject, path: FieldPath): SchemaProblem | undefined {
    switch (error.keyword) {
        case "additionalProperties":
            return { path, effect: "remove" };
        case "required":
            return { path: [...path, String((error.params as { missingProperty: string }).missingProperty)], effect: "unreadable" };
        case "type":
        case "enum":
        case "const":
            return { path, effect: "unreadable" };
        default:
            return undefined;
    }
}

function describeSchemaError(error: ErrorObject, shownAs: (path: FieldPath) => FieldPath): Violation {
    const documentPath: FieldPath = error.instancePath.split("/").slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const path = shownAs(documentPath);
    const where = formatPath(path) || "the document";
    // Which field it is, for the guardrails' own wording: the document's path, however it is shown.
    const field = formatPath(documentPath);
    const params = error.params as Record<string, unknown>;
    // A map key that breaks the rule for keys (propertyNames): ajv reports it at the map; name the key, at its line.
    if (error.propertyName !== undefined) {
        return { path: [...path, error.propertyName], rule: "invalid-value", message: `the name "${error.propertyName}" in ${where} ${error.message ?? "is invalid"}; rename it` };
    }
    switch (error.keyword) {
        case "required":
            return { path, rule: "required-field", message: `missing required field "${params.missingProperty}" in ${where}; add it` };
        case "additionalProperties": {
            const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
            return { path: [...path, String(params.additionalProperty)], rule: "unknown-field", message: `unknown field "${params.additionalProperty}" in ${where}; allowed fields: ${allowed.join(", ")}` };
        }
        case "type":
            if (error.data instanceof Date) {
                // `%YAML 1.1` reads unquoted dates as timestamps.
                return { path, rule: "invalid-type", message: `${where} must be a string, but YAML 1.1 (%YAML 1.1) read this unquoted date as a timestamp; quote the date, e.g. "2027-01-15"` };
            }
            return { path, rule: "invalid-type", message: `${where} must be ${article(String(params.type))}` };
        case "enum":
            return { path, rule: "invalid-value", message: `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
        case "const":
            return { path, rule: "invalid-value", message: `${where} must be ${JSON.stringify(params.allowedValue)}` };
        case "minItems":
            return { path, rule: "invalid-value", message: `${where} must list at least ${params.limit} item${params.limit === 1 ? "" : "s"}` };
        case "minLength":
        case "maxLength":
        case "pattern":
            return patternViolation(path, field, where, error);
        case "minimum":
        case "maximum":
            return { path, rule: "invalid-value", message: `${where} must be ${error.keyword === "minimum" ? "at least" : "at most"} ${params.limit}` };
        default:
            return { path, rule: "invalid-value", message: `${where} ${error.message ?? "is invalid"}` };
    }
}

/** Shape errors on fields that have a guardrail of their own report under that guardrail's rule id. */
function patternViolation(path: FieldPath, field: string, where: string, error: ErrorObject): Violation {
    if (field === "metadata.name") {
        return { path, rule: "name-format", message: "metadata.name must be 2-40 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-'" };
    }
    if (/^spec\.(owner\.contact|approval\.approvers\[\d+\])$/.test(field)) {
        return { path, rule: "contact-email", message: `${where} must be an e-mail address such as team@example.com` };
    }
    if (/^spec\.(expiresAt|reviewBy)$/.test(field)) {
        return { path, rule: "date-invalid", message: `${where} must be an RFC 3339 date-time (2027-02-28T00:00:00Z) or a date (2027-02-28)` };
    }
    if (/^spec\.identity\.(spiffeId|spire\.parentId)$/.test(field)) {
        return { path, rule: "invalid-value", message: `${where} must be a SPIFFE ID such as spiffe://example.org/agents/name` };
    }
    if (field === "spec.approval.grantsDigest") {
        return { path, rule: "invalid-value", message: `${where} must be sha256:<64 hex digits>; get it from \`agentid digest\`` };
    }
    if (error.keyword === "pattern" && (error.params as { pattern?: string }).pattern === "\\S") {
        return { path, rule: "invalid-value", message: `${where} must not be blank; say it in words` };
    }
    if (error.keyword === "minLength") return { path, rule: "invalid-value", message: `${where} must not be empty` };
    return { path, rule: "invalid-value", message: `${where} ${error.message ?? "is invalid"}` };
}

function article(type: string): string {
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
