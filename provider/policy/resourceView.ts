/**
 * What the guardrails see of a stack: each resource's type, names and properties as plain data, with
 * every value that is not known yet (at preview) marked UNKNOWN instead of throwing. `crossguard.ts`
 * builds these views from the engine's resources; tests build them by hand.
 */
import { MAX_LIFETIME_CEILING_DAYS, DEFAULT_SETTINGS } from "../model/settings";
import { resolveNow } from "../declarations/clock";
import { TYPE_TOKENS } from "../model/tokens";
import type { SeparationOfDutiesRule } from "../declarations/types";

/** A value the engine does not know yet: it depends on outputs of resources not created. */
export const UNKNOWN: unique symbol = Symbol.for("agentid.policy.unknown");
export type Unknown = typeof UNKNOWN;

/** What a policy sees of one resource. */
export interface ResourceView {
    type: string;
    /** The Pulumi resource name. */
    name: string;
    urn: string;
    props: Record<string, unknown>;
    /** URN of the parent resource, if any. */
    parent?: string;
    /** For each property, the URNs of the resources its value was computed from. */
    propertyDependencies?: Record<string, string[]>;
    /** The provider the resource is created with, when the engine says (e.g. a Kubernetes provider's default `namespace`). */
    provider?: { type: string; props: Record<string, unknown> };
}

/** Policy configuration (the pack's config schema, per policy). */
export interface GuardrailConfig {
    /** Longest allowed agent lifetime in days (default 90, at most 365). */
    maxLifetimeDays?: number;
    /** The clock for lifetime checks (RFC 3339; default: AGENTID_NOW, then the system clock). */
    now?: string;
    /** Separation-of-duties rules, as a Fleet document writes them (agent-separation-of-duties). */
    separationOfDuties?: SeparationOfDutiesRule[];
    /** AgentCore gateways by name → ARN, so `tool.<gateway>` duties find Cedar permits (agent-separation-of-duties). */
    gateways?: Record<string, string>;
}

/** The configuration every check reads: defaults filled in, limits enforced. */
export interface ResolvedGuardrailConfig {
    now: Date;
    maxLifetimeDays: number;
}

/** One finding: the resource it is about and a message naming the resource, the problem and the fix. */
export interface GuardrailViolation {
    urn: string;
    message: string;
}

export interface Guardrail {
    name: string;
    description: string;
    check(resources: readonly ResourceView[], config: GuardrailConfig): GuardrailViolation[];
}

/** Resource types the guardrails read. */
export const TYPES = {
    agent: TYPE_TOKENS.agent,
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    policy: "aws:iam/policy:Policy",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    podIdentityAssociation: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    secret: "kubernetes:core/v1:Secret",
    k8sRole: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    k8sClusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    spireEntry: TYPE_TOKENS.spireEntry,
} as const;

/** Fills in defaults; a lifetime outside 1-365 days or a malformed clock is an error naming the setting. */
export function resolveGuardrailConfig(config: GuardrailConfig): ResolvedGuardrailConfig {
    const days = config.maxLifetimeDays ?? DEFAULT_SETTINGS.maxLifetimeDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_LIFETIME_CEILING_DAYS) {
        throw new Error(`agentid-guardrails: policy config maxLifetimeDays ${JSON.stringify(config.maxLifetimeDays)} must be a whole number of days from 1 to ${MAX_LIFETIME_CEILING_DAYS}`);
    }
    try {
        return { now: resolveNow(config.now), maxLifetimeDays: days };
    } catch (error) {
        throw new Error(`agentid-guardrails: policy config now: ${(error as Error).message}`);
    }
}

export function isUnknown(value: unknown): value is Unknown {
    return value === UNKNOWN;
}

/** True when the value, or anything inside it, is not known yet. */
export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** A string property, UNKNOWN, or undefined when absent or of another type. */
export function stringOf(value: unknown): string | Unknown | undefined {
    return typeof value === "string" || value === UNKNOWN ? value : undefined;
}

/** `aws:iam/role:Role` → `aws.iam.Role`, `kubernetes:core/v1:Secret` → `kubernetes.core.v1.Secret`. */
export function typeLabel(type: string): string {
    const [pkg, module, name] = type.split(":");
    if (module === undefined || name === undefined) return type;
    const parts = module.split("/");
    if (parts.length > 1 && parts[parts.length - 1].toLowerCase() === name.toLowerCase()) parts.pop();
    return [pkg, ...parts, name].join(".");
}

/** The resource as a reader finds it in the program: `aws.iam.Role "triage-role" (agent-triage)`. */
export function labelOf(r: ResourceView): string {
    const metadata = r.props.metadata as { name?: unknown; namespace?: unknown } | undefined;
    const physical = typeof r.props.name === "string" ? r.props.name
        : typeof metadata?.name === "string" ? (typeof metadata.namespace === "string" && metadata.namespace !== "" ? `${metadata.namespace}/${metadata.name}` : metadata.name) : undefined;
    return `${typeLabel(r.type)} "${r.name}"${physical !== undefined && physical !== r.name ? ` (${physical})` : ""}`;
}

/** An IAM policy statement as written; any field may be missing or malformed in a hand-written stack. */
export interface IamStatement {
    Sid?: unknown;
    Effect?: unknown;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
    Condition?: unknown;
}

/** A policy document property read for review. */
export type PolicyDocumentView =
    | { kind: "known"; statements: IamStatement[] }
    | { kind: "absent" }
    | { kind: "unknown" }
    | { kind: "invalid"; reason: string };

/** Reads a policy document given as JSON text or as an object. */
export function readPolicyDocument(value: unknown): PolicyDocumentView {
    if (value === undefined || value === null || value === "") return { kind: "absent" };
    if (containsUnknown(value)) return { kind: "unknown" };
    let doc: unknown = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch {
            return { kind: "invalid", reason: "it is not valid JSON" };
        }
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { kind: "invalid", reason: "it is not a JSON object" };
    const statement = (doc as { Statement?: unknown }).Statement;
    const statements = statement === undefined ? [] : Array.isArray(statement) ? statement : [statement];
    if (statements.some((s) => s === null || typeof s !== "object" || Array.isArray(s))) return { kind: "invalid", reason: "a Statement entry is not an object" };
    return { kind: "known", statements: statements as IamStatement[] };
}

/** A string-or-list field of a statement (Action, Resource, …) as a list of strings. */
export function listOf(value: unknown): string[] {
    if (typeof value === "string") return [value];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** IAM reads Allow only when it says so; any other effect is treated as Allow, so nothing slips through a typo. */
export function isAllow(statement: IamStatement): boolean {
    return statement.Effect !== "Deny";
}

/** How a statement is named in messages: its Sid, or its position. */
export function statementLabel(statement: IamStatement, index: number): string {
    return typeof statement.Sid === "string" && statement.Sid !== "" ? `statement ${statement.Sid}` : `statement ${index + 1}`;
}

/** The conditions of a statement as operator → key → value. */
export function conditionsOf(statement: IamStatement): Record<string, Record<string, unknown>> {
    const c = statement.Condition;
    return c !== null && typeof c === "object" && !Array.isArray(c) ? (c as Record<string, Record<string, unknown>>) : {};
}

/** The value of a condition key under one operator; keys are case-insensitive in IAM. */
export function conditionValue(statement: IamStatement, operator: string, key: string): unknown {
    const block = conditionsOf(statement)[operator];
    if (block === null || typeof block !== "object") return undefined;
    const found = Object.keys(block).find((k) => k.toLowerCase() === key.toLowerCase());
    return found === undefined ? undefined : block[found];
}

/** Operators (other than `except`) under which a statement names a condition key. */
export function operatorsWithKey(statement: IamStatement, key: string, except?: string): string[] {
    return Object.entries(conditionsOf(statement))
        .filter(([op, block]) => op !== except && block !== null && typeof block === "object" && Object.keys(block).some((k) => k.toLowerCase() === key.toLowerCase()))
        .map(([op]) => op);
}
