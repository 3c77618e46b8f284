import { catalog } from "../connectors/catalog";
import { sharedOauthScopesOf } from "../model/oauthSharing";
import { isReadVerb, rbacRisk } from "../connectors/kubernetes";
import { ExpansionContext, GrantExpansion, ReachCategory, Risk, riskOfAccessLevel } from "../connectors/contract";
import { daysUntil } from "../declarations/clock";
import type { ResolvedSettings } from "../model/settings";
import { placeholderContext, resolveAgent } from "../model/resolvedAgent";
import type { AgentDeclaration } from "../declarations/types";

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
    /** How reviewers group it: aws, kubernetes, saas, tools (the connector's reach). */
    reach?: ReachCategory;
    atoms: PermissionAtom[];
}

/** What reviewers, inventories and compliance reports read about an agent: the resolved agent, as reviewers read it. */
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
 * The view of a declaration that passed the schema, from the resolved agent (no default is applied here).
 * Grants the catalog cannot expand (an invalid declaration) are shown by their declared fields.
 */
export function viewOf(decl: AgentDeclaration, settings: ResolvedSettings, now: Date, fleetContext?: Partial<ExpansionContext>): AgentView {
    const agent = resolveAgent(decl, settings, now);
    const context = { ...placeholderContext(agent.name, settings), ...fleetContext };
    const expansions: GrantExpansion[] = [];
    const grants = agent.grants.map((grant, index): GrantView => {
        const connector = catalog.find(grant.connector);
        const key = connector?.grantKey(grant) ?? grant.connector;
        if (!connector || catalog.validate(grant).length > 0) {
            return { key, connector: grant.connector, atoms: [{ text: `${grant.connector} ${JSON.stringify(grant)}`, risk: "medium", write: true }] };
        }
        const expansion = connector.expand(grant, index, context);
        expansions.push(expansion);
        return { key, connector: grant.connector, reach: connector.reach, atoms: atomsOf(expansion) };
    });
    return {
        name: agent.name,
        description: agent.description,
        owner: { ...agent.owner },
        expiresAt: agent.expiresAt,
        expires: agent.expires,
        onExpiry: agent.onExpiry,
        ...(agent.reviewBy ? { reviewBy: agent.reviewBy } : {}),
        labels: { ...agent.labels },
        identities: {
            spiffeId: agent.spiffeId,
            ...(agent.aws ? { aws: { roleName: agent.aws.roleName, trust: agent.aws.trust, maxSessionDuration: agent.aws.maxSessionDuration } } : {}),
            ...(agent.kubernetes ? { kubernetes: `${agent.kubernetes.namespace}/${agent.kubernetes.serviceAccount}` } : {}),
            ...(agent.spire ? { spire: { parentId: agent.spire.parentId, selectors: [...agent.spire.selectors].sort(), x509SvidTtl: agent.svid.x509SvidTtl } } : {}),
        },
        grants,
        ...(agent.approval ? { approval: { ticket: agent.approval.ticket, ...(agent.approval.grantsDigest ? { grantsDigest: agent.approval.grantsDigest } : {}) } } : {}),
        expansions,
    };
}

/** Views of a whole fleet: each agent with the SaaS scopes it really can obtain (connectors/oauthSharing.ts). */
export function fleetViews(declarations: readonly AgentDeclaration[], settings: ResolvedSettings, now: Date): AgentView[] {
    const shared = sharedOauthScopesOf(declarations, settings, now);
    return declarations.map((d) => viewOf(d, settings, now, { sharedOauthScopes: shared(d.metadata.name) }));
}

/** Days left until expiry (negative once expired). */
export function daysLeft(view: AgentView, now: Date): number | undefined {
    return view.expires ? daysUntil(view.expires, now) : undefined;
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
