/**
 * The grammar of names and addresses in declarations, and the limits the APIs document for names
 * (NAME_LIMITS), which every name agentid generates (model/names.ts) must fit as well.
 */
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

/**
 * Whether a SPIFFE ID lies under `/spire` of its trust domain, where SPIRE servers and node agents have
 * their own IDs (the server's, `…/spire/agent/…`): no agent's SVID belongs there.
 */
export function isSpireReservedId(id: string): boolean {
    return /^spiffe:\/\/[^/]+\/spire(\/|$)/.test(id);
}

/**
 * Whether a SPIFFE ID is a SPIRE server's own (`spiffe://<trust domain>/spire/server`): SPIRE registers node
 * entries under it, so an entry with it as parent is given to SPIRE agents (nodes), never to one workload.
 */
export function isSpireServerId(id: string): boolean {
    return /^spiffe:\/\/[^/]+\/spire\/server$/.test(id);
}

/**
 * Whether a SPIFFE ID is a node's SPIRE agent's own (`spiffe://<trust domain>/spire/agent/…`, SPIRE v1.13.3
 * pkg/common/idutil IsAgentPath); no registration entry can take one.
 */
export function isSpireAgentId(id: string): boolean {
    return /^spiffe:\/\/[^/]+\/spire\/agent\//.test(id);
}

/**
 * Where a SPIRE entry's workloads run, as far as its parent ID shows: the nodes of one Kubernetes cluster when the
 * parent is a node's SPIRE agent attested by `k8s_psat` or `k8s_sat` (SPIRE v1.13.3 pkg/common/plugin/k8s AgentID:
 * `spiffe://<trust domain>/spire/agent/<k8s_psat|k8s_sat>/<cluster>/<node uid>`), else whichever nodes the parent
 * itself stands for (a node alias, another agent's ID, an entry). Two entries with different keys may run on
 * different clusters or hosts: the same namespace and service account there is another workload.
 */
export function spireParentPlace(parentId: string): { key: string; where: string } {
    const cluster = /^(spiffe:\/\/[^/]+\/spire\/agent\/k8s_p?sat\/([^/]+)\/)[^/]+$/.exec(parentId);
    if (cluster) return { key: `cluster ${cluster[1]}`, where: `on the nodes of cluster ${cluster[2]} (SPIRE agents ${cluster[1]}…)` };
    return { key: `parent ${parentId}`, where: `under parent ${parentId}` };
}
