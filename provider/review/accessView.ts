import { catalog } from "../connectors/catalog";
import { sharedOauthScopesOf } from "../connectors/oauthSharing";
import { isReadVerb, rbacRisk } from "../connectors/kubernetes";
import { ExpansionContext, GrantExpansion, Risk, riskOfAccessLevel } from "../connectors/types";
import { daysUntil, formatInstant, parseInstant } from "../declarations/clock";
import type { ResolvedSettings } from "../guardrails/fleetSettings";
import { roleNameOf } from "../model/names";
import { kubernetesIdentityOf, placeholderContext, spiffeIdOf } from "../model/resolvedAgent";
import type { AgentDeclaration, Grant } from "../declarations/types";

/** One thing an agent may do, as reviewers read it: "s3:GetObject on arn:…", "patch deployments in production". */
export interface PermissionAtom {
    text: string;
    risk: Risk;
    /** Write-level (Write, Tagging, Permissions management, RBAC writes, SaaS write scopes, write tools). */
    write: boolean;
}

/** A grant's target: what it reaches, independent of how much access it asks for. */
export interface GrantView {
    key: string;
    connector: string;
    atoms: PermissionAtom[];
}

/** What reviewers, inventories and compliance reports read about an agent. */
export interface AgentView {
    name: string;
    description: string;
    owner: { team: string; contact: string; escalation?: string };
    expiresAt: string;
    expires: Date | undefined;
    onExpiry: string;
    reviewBy?: string;
    labels: Record<string, string>;
    identities: {
        spiffeId: string;
        aws?: { roleName: string; trust: string; maxSessionDuration: number };
        kubernetes?: string;
        spire?: { parentId: string; selectors: string[]; x509SvidTtl?: number };
    };
    grants: GrantView[];
    approval?: { ticket: string; grantsDigest?: string };
    expansions: GrantExpansion[];
}

/**
 * The view of a declaration that passed the schema. Grants the catalog cannot expand (an invalid
 * declaration) are shown by their declared fields, so a diff still says what changed.
 */
export function viewOf(decl: AgentDeclaration, settings: ResolvedSettings, fleetContext?: Partial<ExpansionContext>): AgentView {
    const { spec, metadata } = decl;
    const identity = spec.identity ?? {};
    const context = { ...placeholderContext(metadata.name, settings), ...fleetContext };
    const expansions: GrantExpansion[] = [];
    const grants = spec.grants.map((grant, index) => {
        try {
            if (catalog.validate(grant).length > 0) throw new Error("invalid grant");
            const [expansion] = catalog.expand([grant], context);
            expansion.index = index;
            expansions.push(expansion);
            return { key: grantKey(grant), connector: grant.connector, atoms: atomsOf(expansion) };
        } catch {
            return { key: grantKey(grant), connector: grant.connector, atoms: [{ text: `${grant.connector} ${JSON.stringify(grant)}`, risk: "medium" as Risk, write: true }] };
        }
    });
    const expires = parseInstant(spec.expiresAt);
    const k8s = kubernetesIdentityOf(decl, settings);
    return {
        name: metadata.name,
        description: spec.description,
        owner: { ...spec.owner },
        expiresAt: expires ? formatInstant(expires) : spec.expiresAt,
        expires,
        onExpiry: spec.onExpiry ?? "delete",
        ...(spec.reviewBy ? { reviewBy: spec.reviewBy } : {}),
        labels: { ...(metadata.labels ?? {}) },
        identities: {
            spiffeId: spiffeIdOf(decl, settings),
            ...(identity.aws ? { aws: { roleName: roleNameOf(metadata.name), trust: identity.aws.trust, maxSessionDuration: identity.aws.maxSessionDuration ?? 3600 } } : {}),
            ...(k8s ? { kubernetes: `${k8s.namespace}/${k8s.serviceAccount}` } : {}),
            ...(identity.spire ? { spire: { parentId: identity.spire.parentId, selectors: [...identity.spire.selectors].sort(), x509SvidTtl: identity.spire.x509SvidTtl ?? settings.x509SvidTtl } } : {}),
        },
        grants,
        ...(spec.approval ? { approval: { ticket: spec.approval.ticket, ...(spec.approval.grantsDigest ? { grantsDigest: spec.approval.grantsDigest } : {}) } } : {}),
        expansions,
    };
}

/** Views of a whole fleet: each agent with the SaaS scopes it really can obtain (grants/oauthSharing.ts). */
export function fleetViews(declarations: readonly AgentDeclaration[], settings: ResolvedSettings, now: Date): AgentView[] {
    const shared = sharedOauthScopesOf(declarations, settings, now);
    return declarations.map((d) => viewOf(d, settings, { sharedOauthScopes: shared(d.metadata.name) }));
}

/** Days left until expiry (negative once expired). */
export function daysLeft(view: AgentView, now: Date): number | undefined {
    return view.expires ? daysUntil(view.expires, now) : undefined;
}

/** Grants are matched across versions by what they reach, not by position. */
function grantKey(grant: Grant): string {
    const sorted = (xs?: string[]) => [...(xs ?? [])].sort().join(",");
    if (grant.connector === "kubernetes") return `kubernetes|${grant.namespace ?? ""}|${sorted(grant.apiGroups)}|${sorted(grant.resources)}`;
    if (grant.connector.startsWith("oauth.") || grant.connector.startsWith("tool.")) return grant.connector;
    return `${grant.connector}|${sorted(grant.resources)}`;
}

function atomsOf(e: GrantExpansion): PermissionAtom[] {
    if (e.rbac) {
        return e.rbac.rules.flatMap((rule) => rule.verbs.flatMap((verb) => rule.resources.map((resource) => {
            const write = !isReadVerb(verb);
            const risk = rbacRisk([verb], [resource]);
            return { text: `${verb} ${resource}${rule.apiGroups.some((g) => g) ? ` (${rule.apiGroups.join(",")})` : ""} in namespace ${e.rbac!.namespace}`, risk, write };
        })));
    }
    if (e.oauth) {
        const { vendor, scopes, effectiveScopes, sharedWith } = e.oauth;
        return effectiveScopes.map((scope) => ({
            text: `${vendor} scope ${scope}${scopes.includes(scope) ? "" : ` (through the OAuth client shared with ${sharedWith.join(", ")})`}`,
            risk: e.risk, write: e.access !== "read" || !scopes.includes(scope),
        }));
    }
    if (e.tools) return e.tools.tools.map((tool) => ({ text: `tool ${tool} on gateway ${e.tools!.gateway}`, risk: e.risk, write: e.access !== "read" }));
    const levels = new Map(e.actions.map((a) => [a.action, a.accessLevel]));
    return e.statements.flatMap((s) => s.Action.flatMap((action) => s.Resource.map((resource) => {
        const risk = riskOfAccessLevel(levels.get(action) ?? "Write");
        return { text: `${action} on ${resource}${s.Condition ? " (prefix-scoped)" : ""}`, risk, write: risk !== "low" };
    })));
}
