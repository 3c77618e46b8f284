import Ajv2020, { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import type { Diagnostic, FieldPath, Violation } from "./diagnostics";
import { formatPath } from "./diagnostics";
import { checkAgent } from "./guardrails";
import { sharedOauthScopesOf } from "../grants/oauthSharing";
import { sharedIdentityViolations } from "./identities";
import { LoadResult, loadDeclarations, parseSources, SourceDocument } from "./load";
import { checkSettings, mergeFleetSettings, ResolvedSettings } from "./settings";
import type { AgentDeclaration, FleetDeclaration, FleetSettings } from "./types";
import agentSchema = require("../../schema/agent.schema.json");

/** An agent declaration found in a file, with where it starts. */
export interface LoadedAgent {
    declaration: AgentDeclaration;
    file: string;
    line: number;
    column: number;
    /** True when the agent has no diagnostics. */
    valid: boolean;
}

/** The result of validating declaration files: the `agentid validate --json` shape, plus the data. */
export interface ValidationReport {
    valid: boolean;
    /** Number of Agent documents found. */
    agents: number;
    errors: Diagnostic[];
    /** Every Agent document that passed the schema (valid or not by guardrails). */
    declarations: LoadedAgent[];
    /** Fleet settings in force (args, tightened by a `kind: Fleet` document). */
    settings: ResolvedSettings;
    /** Paths that do not exist. */
    missing: string[];
    files: string[];
}

export interface ValidateOptions {
    /** The clock for the lifetime rule. */
    now: Date;
    /** Fleet settings from code (AgentFleet args); a `kind: Fleet` document may tighten them. */
    settings?: FleetSettings;
    /** In-memory declarations validated together with the files (names unique across both). */
    sources?: readonly { file: string; text: string }[];
}

let compiled: ValidateFunction | undefined;

/** The JSON Schema, compiled once per process. */
export function schemaValidator(): ValidateFunction {
    compiled ??= new Ajv2020({ allErrors: true, strict: true, verbose: true }).compile(agentSchema);
    return compiled;
}

/** Loads, schema-checks and guardrail-checks every declaration under `paths`. */
export function validateDeclarations(paths: readonly string[], options: ValidateOptions): ValidationReport {
    const fromFiles = loadDeclarations(paths);
    if (!options.sources?.length) return validateLoaded(fromFiles, options);
    const inMemory = parseSources(options.sources);
    return validateLoaded({
        files: [...fromFiles.files, ...inMemory.files],
        documents: [...fromFiles.documents, ...inMemory.documents],
        diagnostics: [...fromFiles.diagnostics, ...inMemory.diagnostics],
        missing: fromFiles.missing,
    }, options);
}

/** The same checks on in-memory sources (tests, editors, the policy pack). */
export function validateTexts(sources: readonly { file: string; text: string }[], options: ValidateOptions): ValidationReport {
    return validateLoaded(parseSources(sources), options);
}

function validateLoaded(loaded: LoadResult, options: ValidateOptions): ValidationReport {
    const errors: Diagnostic[] = [...loaded.diagnostics];
    const agents: { doc: SourceDocument; decl: AgentDeclaration }[] = [];
    const fleets: { doc: SourceDocument; decl: FleetDeclaration }[] = [];
    let agentCount = 0;

    for (const doc of loaded.documents) {
        const value = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
        const isAgent = value !== null && typeof value === "object" && value.kind === "Agent";
        if (isAgent) agentCount++;
        const schemaErrors = schemaViolations(doc.value);
        if (schemaErrors.length > 0) {
            const agent = isAgent && typeof value?.metadata?.name === "string" ? value.metadata.name : undefined;
            errors.push(...schemaErrors.map((v) => place(doc, v, agent)));
            continue;
        }
        if (isAgent) agents.push({ doc, decl: doc.value as AgentDeclaration });
        else fleets.push({ doc, decl: doc.value as FleetDeclaration });
    }

    for (const extra of fleets.slice(1)) {
        const first = fleets[0].doc;
        errors.push(place(extra.doc, { path: ["kind"], rule: "fleet-duplicate", message: `only one kind: Fleet document is allowed; the first is at ${first.file}:${first.locate(["kind"]).line} — merge them` }));
    }
    const fleetDoc = fleets[0];
    const merged = mergeFleetSettings(options.settings, fleetDoc?.decl.spec);
    const settings = merged.settings;
    // Settings are checked where they were written: the Fleet document, or the program's AgentFleet args.
    const settingsProblems = [...merged.violations, ...checkSettings(settings)];
    for (const v of settingsProblems) {
        errors.push(fleetDoc ? place(fleetDoc.doc, v) : { file: "<AgentFleet settings>", line: 1, column: 1, path: v.path.slice(1), rule: v.rule, message: v.message });
    }

    const firstByName = new Map<string, SourceDocument>();
    const sharedOauthScopes = sharedOauthScopesOf(agents.map((a) => a.decl), settings, options.now);
    const identityProblems = sharedIdentityViolations(agents.map((a) => a.decl), settings, (i) => `${agents[i].doc.file}:${agents[i].doc.locate([]).line}`);
    const declarations: LoadedAgent[] = [];
    agents.forEach(({ doc, decl }, i) => {
        const name = decl.metadata.name;
        const before = errors.length;
        const first = firstByName.get(name);
        if (first) {
            const at = first.locate(["metadata", "name"]);
            errors.push(place(doc, { path: ["metadata", "name"], rule: "duplicate-name", message: `agent "${name}" is already declared at ${first.file}:${at.line}; agent names are unique across the fleet — rename one` }, name));
        } else {
            firstByName.set(name, doc);
        }
        // A duplicate name already says the agent clashes; its identities would repeat that. One
        // report per field and rule: the shared-identity and reserved-ID checks can meet on one field.
        const own = [...(first ? [] : identityProblems[i]), ...checkAgent(decl, settings, options.now, { sharedOauthScopes: sharedOauthScopes(name) })];
        const seen = new Set<string>();
        for (const v of own) {
            const key = `${formatPath(v.path)}|${v.rule}`;
            if (!seen.has(key)) { seen.add(key); errors.push(place(doc, v, name)); }
        }
        const start = doc.locate([]);
        declarations.push({ declaration: decl, file: doc.file, line: start.line, column: start.column, valid: errors.length === before });
    });

    return {
        valid: errors.length === 0 && loaded.missing.length === 0,
        agents: agentCount,
        errors,
        declarations,
        settings,
        missing: loaded.missing,
        files: loaded.files,
    };
}

function place(doc: SourceDocument, violation: Violation, agent?: string): Diagnostic {
    const { line, column } = doc.locate(violation.path);
    return { file: doc.file, line, column, ...(agent !== undefined ? { agent } : {}), path: violation.path, rule: violation.rule, message: violation.message };
}

/** Schema errors as violations with field paths, stable rule ids and a fix in the message. */
export function schemaViolations(value: unknown): Violation[] {
    const validate = schemaValidator();
    if (validate(value)) return [];
    const seen = new Set<string>();
    const violations: Violation[] = [];
    for (const error of validate.errors ?? []) {
        if (error.keyword === "if") continue; // the kind dispatch; the real error is reported beside it
        const violation = describeSchemaError(error);
        const key = `${formatPath(violation.path)}|${violation.rule}|${violation.message}`;
        if (!seen.has(key)) {
            seen.add(key);
            violations.push(violation);
        }
    }
    return violations;
}

function describeSchemaError(error: ErrorObject): Violation {
    const path: FieldPath = error.instancePath.split("/").slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const where = formatPath(path) || "the document";
    const field = formatPath(path);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
        case "required":
            return { path, rule: "required-field", message: `missing required field "${params.missingProperty}" in ${where}; add it` };
        case "additionalProperties": {
            const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
            return { path: [...path, String(params.additionalProperty)], rule: "unknown-field", message: `unknown field "${params.additionalProperty}" in ${where}; allowed fields: ${allowed.join(", ")}` };
        }
        case "type":
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
    if (/spiffeId|parentId/.test(field)) {
        return { path, rule: "invalid-value", message: `${where} must be a SPIFFE ID such as spiffe://example.org/agents/name` };
    }
    if (/grantsDigest$/.test(field)) {
        return { path, rule: "invalid-value", message: `${where} must be sha256:<64 hex digits>; get it from \`agentid digest\`` };
    }
    if (error.keyword === "minLength") return { path, rule: "invalid-value", message: `${where} must not be empty` };
    return { path, rule: "invalid-value", message: `${where} ${error.message ?? "is invalid"}` };
}

function article(type: string): string {
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
