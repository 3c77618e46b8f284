import { isExpired, parseInstant } from "../declarations/clock";
import type { ResolvedSettings } from "./settings";
import type { AgentDeclaration } from "../declarations/types";
import { catalog } from "../connectors/catalog";
import type { ExpansionContext } from "../connectors/contract";

/**
 * Who can obtain which SaaS scopes. AgentCore's GetResourceOauth2Token takes the scopes in the request and
 * IAM has no condition key for them, so an agent can obtain every scope its OAuth client serves. With the
 * fleet's default `oauthClientSharing: fleet`, every active agent of a vendor uses one client, so each can
 * obtain what any of them declares: that union is the agent's effective scope set, reported by `show`,
 * `inventory` and `diff`. With `perAgent`, each agent has its own client and provider: effective = declared.
 */
export function sharedOauthScopesOf(decls: readonly AgentDeclaration[], settings: ResolvedSettings, now: Date): (agent: string) => ExpansionContext["sharedOauthScopes"] {
    if (settings.oauthClientSharing === "perAgent") return () => undefined;
    const byVendor = new Map<string, { agent: string; scopes: string[] }[]>();
    for (const decl of decls) {
        const expiresAt = parseInstant(decl.spec.expiresAt);
        if (!expiresAt || isExpired(expiresAt, now)) continue; // an expired agent's role can fetch nothing
        for (const grant of decl.spec.grants) {
            const shared = catalog.find(grant.connector)?.sharedResource?.(grant);
            if (shared?.kind !== "oauthClient") continue;
            const vendor = shared.key;
            const users = byVendor.get(vendor) ?? [];
            users.push({ agent: decl.metadata.name, scopes: [...(grant.scopes ?? [])] });
            byVendor.set(vendor, users);
        }
    }
    return (agent) => (vendor) => {
        const others = (byVendor.get(vendor) ?? []).filter((u) => u.agent !== agent);
        if (others.length === 0) return undefined;
        return { scopes: [...new Set(others.flatMap((u) => u.scopes))], sharedWith: [...new Set(others.map((u) => u.agent))].sort() };
    };
}
