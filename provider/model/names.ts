/**
 * Every name agentid generates, each within the limits its API documents (declarations/names.ts
 * NAME_LIMITS). Names that could exceed a limit or collide after sanitising carry a stable hash
 * suffix, so they stay unique.
 */
import { createHash } from "crypto";
import { NAME_LIMITS } from "../declarations/names";

/** The prefix of every agent's IAM role and Kubernetes RBAC objects. */
export const AGENT_PREFIX = "agent-";

/** The IAM role of an agent (at most 46 characters: agent names are at most 40). */
export function roleNameOf(agent: string): string {
    return `${AGENT_PREFIX}${agent}`;
}

/** The Role, RoleBinding and ClusterSPIFFEID of an agent. */
export function rbacNameOf(agent: string): string {
    return `${AGENT_PREFIX}${agent}`;
}

/** The AgentCore workload identity of an agent (at least 3 characters, as the API requires). */
export function workloadIdentityNameOf(agent: string): string {
    return `${AGENT_PREFIX}${agent}`;
}

/** Name of the inline policy holding an agent's grants. */
export const GRANTS_POLICY_NAME = "agentid-grants";

/**
 * An OAuth2 credential provider: `agentid-<vendor>` shared by the fleet, or `agentid-<agent>-<vendor>`
 * for one agent. Vendors have no '-', so the two forms never collide.
 */
export function oauthProviderNameOf(vendor: string, agent?: string): string {
    return agent === undefined ? `agentid-${vendor}` : `agentid-${agent}-${vendor}`;
}

/** A policy engine for a gateway, shared by the fleet or owned by one agent. */
export function policyEngineNameOf(gateway: string, agent?: string): string {
    return hashedName(agent === undefined ? ["agentid", gateway] : ["agentid", agent, gateway], NAME_LIMITS.agentcorePolicyEngine.max);
}

/** The Cedar policy of one tool of one agent on one gateway; unique in the account (the hash covers the gateway). */
export function cedarPolicyNameOf(agent: string, gateway: string, tool: string): string {
    return hashedName([agent, gateway, tool], NAME_LIMITS.agentcorePolicy.max, `${agent}_${tool}`);
}

/**
 * `<label>_<8 hex>` within `max` characters and [A-Za-z][A-Za-z0-9_]*: the readable label (default the
 * parts joined) is sanitised and shortened; the hash of the exact parts keeps names distinct whatever was lost.
 */
export function hashedName(parts: readonly string[], max: number, label = parts.join("_")): string {
    const hash = createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 8);
    const readable = label.replace(/[^A-Za-z0-9_]/g, "_").replace(/^[^A-Za-z]+/, "");
    return `${(readable || "n").slice(0, max - hash.length - 1)}_${hash}`;
}
