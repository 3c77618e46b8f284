import { catalog } from "../grants/catalog";
import type { ExpansionContext, GrantExpansion } from "../grants/types";
import { formatInstant, isExpired, parseInstant } from "./clock";
import { grantsDigest } from "./digest";
import { placeholderContext, ResolvedSettings } from "./guardrails";
import { roleNameOf } from "./names";
import type { AgentDeclaration, Approval, AwsTrustMode, Grant, OnExpiry, Owner } from "./types";

/** `active` until `expiresAt`, then `expired`. */
export type AgentStatus = "active" | "expired";

/** An agent with every default applied: what the builders and the CLI read. */
export interface ResolvedAgent {
    name: string;
    labels: Record<string, string>;
    description: string;
    owner: Owner;
    /** Canonical `2027-02-28T00:00:00Z`. */
    expiresAt: string;
    onExpiry: OnExpiry;
    reviewBy?: string;
    approval?: Approval;
    status: AgentStatus;
    spiffeId: string;
    kubernetes?: { namespace: string; serviceAccount: string; automountToken: boolean; clusterSpiffeId: boolean };
    aws?: {
        roleName: string;
        trust: AwsTrustMode;
        trustAnchorArn?: string;
        oidcProviderArn?: string;
        clusterName?: string;
        maxSessionDuration: number;
        permissionsBoundaryArn?: string;
    };
    spire?: { parentId: string; selectors: string[]; x509SvidTtl: number; jwtSvidTtl: number; dnsNames: string[] };
    grants: Grant[];
    grantsDigest: string;
    /** Whether any grant needs an AgentCore workload identity (oauth connectors, agentcore trust). */
    needsWorkloadIdentity: boolean;
}

/** Whether an agent gets a Kubernetes service account: declared, implied by its AWS trust, or needed by its grants. */
export function usesKubernetes(spec: AgentDeclaration["spec"]): boolean {
    const identity = spec.identity ?? {};
    return identity.kubernetes !== undefined || identity.aws?.trust === "irsa" || identity.aws?.trust === "podIdentity"
        || spec.grants.some((g) => g.connector === "kubernetes");
}

/** The agent's SPIFFE ID: declared, or `spiffe://<trustDomain>/agents/<name>`. */
export function spiffeIdOf(decl: AgentDeclaration, settings: ResolvedSettings): string {
    return decl.spec.identity?.spiffeId ?? `spiffe://${settings.trustDomain}/agents/${decl.metadata.name}`;
}

/** Applies fleet defaults to a declaration that passed validation. */
export function resolveAgent(decl: AgentDeclaration, settings: ResolvedSettings, now: Date): ResolvedAgent {
    const { spec, metadata } = decl;
    const identity = spec.identity ?? {};
    const expiresAt = parseInstant(spec.expiresAt)!;
    const name = metadata.name;
    return {
        name,
        labels: { ...(metadata.labels ?? {}) },
        description: spec.description,
        owner: { ...spec.owner },
        expiresAt: formatInstant(expiresAt),
        onExpiry: spec.onExpiry ?? "delete",
        ...(spec.reviewBy !== undefined ? { reviewBy: spec.reviewBy } : {}),
        ...(spec.approval ? { approval: spec.approval } : {}),
        status: isExpired(expiresAt, now) ? "expired" : "active",
        spiffeId: spiffeIdOf(decl, settings),
        ...(usesKubernetes(spec) ? {
            kubernetes: {
                namespace: identity.kubernetes?.namespace ?? settings.defaultNamespace,
                serviceAccount: identity.kubernetes?.serviceAccount ?? name,
                automountToken: identity.kubernetes?.automountToken ?? false,
                clusterSpiffeId: identity.kubernetes?.clusterSpiffeId ?? false,
            },
        } : {}),
        ...(identity.aws ? {
            aws: dropUndefined({
                roleName: roleNameOf(name),
                trust: identity.aws.trust,
                trustAnchorArn: identity.aws.trustAnchorArn ?? settings.trustAnchorArn,
                oidcProviderArn: identity.aws.oidcProviderArn ?? settings.oidcProviderArn,
                clusterName: identity.aws.clusterName ?? settings.clusterName,
                maxSessionDuration: identity.aws.maxSessionDuration ?? 3600,
                permissionsBoundaryArn: identity.aws.permissionsBoundaryArn ?? settings.permissionsBoundaryArn,
            }),
        } : {}),
        ...(identity.spire ? {
            spire: {
                parentId: identity.spire.parentId,
                selectors: [...identity.spire.selectors],
                x509SvidTtl: identity.spire.x509SvidTtl ?? settings.x509SvidTtl,
                jwtSvidTtl: identity.spire.jwtSvidTtl ?? settings.jwtSvidTtl,
                dnsNames: [...(identity.spire.dnsNames ?? [])],
            },
        } : {}),
        grants: spec.grants,
        grantsDigest: grantsDigest(spec.grants),
        needsWorkloadIdentity: identity.aws?.trust === "agentcore" || spec.grants.some((g) => g.connector.startsWith("oauth.")),
    };
}

/** The catalog's expansion of an agent's grants; ARNs that exist only after an update are placeholders unless given. */
export function expandGrants(agent: ResolvedAgent, settings: ResolvedSettings, context?: Partial<ExpansionContext>): GrantExpansion[] {
    return catalog.expand(agent.grants, { ...placeholderContext(agent.name, settings), ...context });
}

function dropUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
