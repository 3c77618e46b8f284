/**
 * Naming rules shared by the loader, the components and the policy pack: what users may name, and
 * every name agentid generates, each within the limits its API documents (NAME_LIMITS). Names that
 * could exceed a limit or collide after sanitising carry a stable hash suffix, so they stay unique.
 */
import { createHash } from "crypto";
import agentSchema = require("../../schema/agent.schema.json");

/** Agent names: 2-40 chars, lowercase letters, digits and '-', starting with a letter. */
export const AGENT_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const AGENT_NAME_MAX = 40;

/** A limit an API documents for a name: length range, allowed characters, and where it is written down. */
export interface NameLimit {
    min: number;
    max: number;
    pattern: RegExp;
    source: string;
}

/** The names agentid generates and the limits their APIs document. Tests check every generated name against these. */
export const NAME_LIMITS = {
    iamRole: { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, source: "IAM CreateRole RoleName: 1-64, [\\w+=,.@-]+" },
    iamInlinePolicy: { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, source: "IAM PutRolePolicy PolicyName: 1-128, [\\w+=,.@-]+" },
    agentcorePolicy: { min: 1, max: 48, pattern: /^[A-Za-z][A-Za-z0-9_]*$/, source: "AgentCore CreatePolicy name: at most 48, [A-Za-z][A-Za-z0-9_]*, unique in the account" },
    agentcorePolicyEngine: { min: 1, max: 48, pattern: /^[A-Za-z][A-Za-z0-9_]*$/, source: "AgentCore CreatePolicyEngine name: at most 48, [A-Za-z][A-Za-z0-9_]*" },
    oauthCredentialProvider: { min: 1, max: 128, pattern: /^[a-zA-Z0-9_-]+$/, source: "AgentCore CreateOauth2CredentialProvider name: 1-128, [a-zA-Z0-9\\-_]+, unique in the account" },
    workloadIdentity: { min: 3, max: 255, pattern: /^[A-Za-z0-9_.-]+$/, source: "AgentCore CreateWorkloadIdentity name: 3-255, [A-Za-z0-9_.-]+, unique in the account" },
    kubernetesObject: { min: 1, max: 253, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, source: "Kubernetes object names (ServiceAccount, Role, RoleBinding, ClusterSPIFFEID): DNS-1123 subdomain, at most 253" },
    kubernetesNamespace: { min: 1, max: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, source: "Kubernetes namespaces: DNS-1123 label, at most 63" },
    kubernetesLabelValue: { min: 0, max: 63, pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, source: "Kubernetes label values: at most 63, alphanumeric at both ends" },
} satisfies Record<string, NameLimit>;

/** True when the name fits the limit. */
export function fitsLimit(name: string, limit: NameLimit): boolean {
    return name.length >= limit.min && name.length <= limit.max && limit.pattern.test(name);
}

export function isAgentName(name: string): boolean {
    return name.length >= 2 && name.length <= AGENT_NAME_MAX && AGENT_NAME.test(name);
}

/** DNS-1123 label: namespaces, most Kubernetes names. */
export function isDns1123Label(name: string): boolean {
    return fitsLimit(name, NAME_LIMITS.kubernetesNamespace);
}

/** DNS-1123 subdomain: service accounts and most object names (no `..`, no `*`, no `:`). */
export function isDns1123Subdomain(name: string): boolean {
    return fitsLimit(name, NAME_LIMITS.kubernetesObject);
}

/** The schema's e-mail pattern, the one definition: editors, the loader, the components and the policy pack agree. */
const EMAIL = new RegExp(agentSchema.$defs.email.pattern, "u");

/** An e-mail address and nothing else: local@domain.tld (no display name, `mailto:`, spaces or markup). */
export function isEmail(text: string): boolean {
    return EMAIL.test(text);
}

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
