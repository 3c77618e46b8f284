/**
 * Declarations as component args: the same model with `pulumi.Input` leaves, so names, ARNs and dates
 * can come from other resources — except the fields that decide which resources exist, which stay plain
 * so a preview shows every resource (DESIGN §5b; awsx and eks mark such fields `plain` too).
 */
import * as pulumi from "@pulumi/pulumi";
import { catalog } from "../connectors/catalog";
import { formatPath, type FieldPath, type Violation } from "../declarations/diagnostics";
import type { AgentDeclaration } from "../declarations/types";

/** Declaration fields that stay plain in args: they decide which resources an agent gets. */
export const STRUCTURAL_FIELDS = [
    "connector", "access", "actions", "namespace", "verbs", "apiGroups", "scopes", "tools",
    "trust", "maxSessionDuration", "x509SvidTtl", "jwtSvidTtl", "serviceAccount", "automountToken", "clusterSpiffeId",
    "spiffeId", "expiresAt", "onExpiry", "reviewBy",
] as const;
export type StructuralField = typeof STRUCTURAL_FIELDS[number];

/**
 * Fields given as an Output or a Promise that must be plain: a structural field, or a list or object (the
 * schema finds no string there, so no stand-in can hold its place). A program in JavaScript, with `as any`,
 * or in Pulumi YAML (whose top-level args that depend on other resources arrive as Outputs) can give them.
 */
export function deferredStructureViolations(deferred: readonly FieldPath[], schema: readonly Violation[]): Violation[] {
    const notString = (path: FieldPath) => schema.some((v) => v.rule === "invalid-type" && v.path.length === path.length && v.path.every((k, i) => k === path[i]));
    return deferred.filter((path) => (STRUCTURAL_FIELDS as readonly unknown[]).includes(path[path.length - 1]) || notString(path)).map((path) => ({
        path, rule: "plain-value",
        message: `${formatPath(path)} is given as an Output or a Promise, but it decides which resources the agent gets, so it must be written as a plain ${notString(path) ? "list or object" : "value"} (Outputs go only in the strings within it: ARNs, names, the owner)`,
    }));
}

/** A declaration type with `pulumi.Input` leaves; structural fields plain, optional fields optional. */
export type Inputs<T> = T extends readonly (infer E)[] ? Inputs<E>[]
    : T extends object ? { [K in keyof T]: K extends StructuralField ? T[K] : Inputs<T[K]> }
    : pulumi.Input<T>;

/** An Output or a Promise: a value the program cannot read synchronously. */
export function isDeferred(value: unknown): boolean {
    return pulumi.Output.isInstance(value) || (value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function");
}

/**
 * Which resources an agent gets never depends on values known only after apply (ARNs from other
 * resources). This copy replaces such values with syntactically valid stand-ins, so the component can
 * lay out every child during preview with the same builders that produce the real documents; `deferred`
 * lists where the stand-ins are, so no guardrail judges a stand-in.
 */
export function structuralDeclaration(declaration: Inputs<AgentDeclaration> | AgentDeclaration): { declaration: AgentDeclaration; deferred: FieldPath[] } {
    const deferred: FieldPath[] = [];
    const walk = (value: unknown, path: FieldPath): unknown => {
        if (isDeferred(value)) {
            deferred.push(path);
            return standIn(declaration as AgentDeclaration, path);
        }
        if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
        }
        return value;
    };
    return { declaration: walk(declaration, []) as AgentDeclaration, deferred };
}

/** Valid values of the right form for each field that can be deferred. */
const STAND_INS: Record<string, string> = {
    "spec.identity.aws.trustAnchorArn": "arn:aws:rolesanywhere:us-east-1:000000000000:trust-anchor/pending",
    "spec.identity.aws.oidcProviderArn": "arn:aws:iam::000000000000:oidc-provider/pending",
    "spec.identity.aws.permissionsBoundaryArn": "arn:aws:iam::000000000000:policy/pending",
    "spec.identity.spire.parentId": "spiffe://pending/pending",
    "spec.owner.contact": "pending@example.com",
};

function standIn(declaration: AgentDeclaration, path: FieldPath): string {
    const key = path.join(".");
    if (/^spec\.grants\.\d+\.resources\.\d+$/.test(key)) {
        const grant = (declaration.spec.grants as unknown[])[path[2] as number] as { connector?: unknown };
        return (typeof grant?.connector === "string" ? catalog.find(grant.connector)?.example : undefined) ?? "pending";
    }
    return Object.hasOwn(STAND_INS, key) ? STAND_INS[key] : "pending";
}
