import * as pulumi from "@pulumi/pulumi";
import { catalog } from "../connectors/catalog";
import type { FieldPath } from "../declarations/diagnostics";
import type { AgentDeclaration } from "../declarations/types";

/**
 * Which resources an agent gets never depends on values known only after apply (ARNs from other
 * resources). This copy replaces such values with syntactically valid stand-ins, so the component
 * can lay out every child during preview with the same builders that produce the real documents.
 */
export function structuralDeclaration(declaration: AgentDeclaration): { declaration: AgentDeclaration; complete: boolean } {
    let complete = true;
    const walk = (value: unknown, path: FieldPath): unknown => {
        if (isDeferred(value)) {
            complete = false;
            return standIn(declaration, path);
        }
        if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
        }
        return value;
    };
    const copy = walk(declaration, []) as AgentDeclaration;
    return { declaration: copy, complete };
}

/** An Output or a Promise: a value the program cannot read synchronously. */
export function isDeferred(value: unknown): boolean {
    return pulumi.Output.isInstance(value) || (value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function");
}

function standIn(declaration: AgentDeclaration, path: FieldPath): string {
    const key = path.join(".");
    if (/^spec\.grants\.\d+\.resources\.\d+$/.test(key)) {
        const grant = (declaration.spec.grants as unknown[])[path[2] as number] as { connector?: unknown };
        return (typeof grant?.connector === "string" ? catalog.find(grant.connector)?.example : undefined) ?? "pending";
    }
    const standIns: Record<string, string> = {
        "spec.identity.aws.trustAnchorArn": "arn:aws:rolesanywhere:us-east-1:000000000000:trust-anchor/pending",
        "spec.identity.aws.oidcProviderArn": "arn:aws:iam::000000000000:oidc-provider/pending",
        "spec.identity.aws.permissionsBoundaryArn": "arn:aws:iam::000000000000:policy/pending",
        "spec.identity.spire.parentId": "spiffe://pending/pending",
        "spec.owner.contact": "pending@example.com",
    };
    return standIns[key] ?? "pending";
}
