/**
 * Declarations as component args: the same model with `pulumi.Input` leaves, so names, ARNs and dates
 * can come from other resources — except the fields that decide which resources exist, which stay plain
 * so a preview shows every resource (DESIGN §5b; awsx and eks mark such fields `plain` too).
 */
import * as pulumi from "@pulumi/pulumi";
import { catalog } from "../connectors/catalog";
import type { FieldPath } from "../declarations/diagnostics";
import type { AgentDeclaration } from "../declarations/types";

/** Declaration fields that stay plain in args: they decide which resources an agent gets. */
export type StructuralField =
    | "connector" | "access" | "actions" | "namespace" | "verbs" | "apiGroups" | "scopes" | "tools"
    | "trust" | "maxSessionDuration" | "x509SvidTtl" | "jwtSvidTtl" | "serviceAccount" | "automountToken" | "clusterSpiffeId"
    | "spiffeId" | "expiresAt" | "onExpiry" | "reviewBy";

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
