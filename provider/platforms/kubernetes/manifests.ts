import type { GrantExpansion, RbacRule } from "../../connectors/contract";
import { rbacNameOf } from "../../model/names";
import type { ResolvedAgent } from "../../model/resolvedAgent";
import { TRUST_MODES } from "../../model/trustModes";

/** Labels on every Kubernetes object of an agent. */
export function buildLabels(agent: ResolvedAgent): Record<string, string> {
    return { "app.kubernetes.io/managed-by": "agentid", "agentid.dev/agent": agent.name };
}

/**
 * agentid is the only writer of an agent's objects. With this annotation the Kubernetes provider's
 * server-side apply takes back fields that another field manager changed out of band (it would
 * otherwise stop with a conflict), so the next update restores the declared object.
 */
export const AUTHORITATIVE_ANNOTATIONS: Readonly<Record<string, string>> = { "pulumi.com/patchForce": "true" };

/**
 * Marks a service account whose declaration asks for the token to be mounted (`automountToken: true`):
 * the policy pack refuses token automount on agent service accounts that do not carry it.
 */
export const AUTOMOUNT_DECLARED_ANNOTATION = "agentid.dev/automount-token";
/** The approval ticket of an approved agent: high-risk RBAC (secrets without names) is reviewed, as the declaration requires. */
export const APPROVAL_ANNOTATION = "agentid.dev/approval";

/**
 * The agent's ServiceAccount. `roleArn` (IRSA) is placed as given: a string for `agentid show`,
 * a Pulumi Output in the component, so this builder stays pure.
 */
export function buildServiceAccount<ArnT = string>(agent: ResolvedAgent, roleArn?: ArnT) {
    const k8s = agent.kubernetes!;
    const annotations: Record<string, string | ArnT> = {
        ...AUTHORITATIVE_ANNOTATIONS,
        "agentid.dev/owner-team": agent.owner.team,
        "agentid.dev/owner-contact": agent.owner.contact,
        "agentid.dev/expires-at": agent.expiresAt,
        "agentid.dev/spiffe-id": agent.spiffeId,
    };
    if (k8s.automountToken) annotations[AUTOMOUNT_DECLARED_ANNOTATION] = "declared";
    if (agent.approval) annotations[APPROVAL_ANNOTATION] = agent.approval.ticket;
    if (roleArn !== undefined && agent.aws && TRUST_MODES[agent.aws.trust].annotatesServiceAccount) annotations["eks.amazonaws.com/role-arn"] = roleArn;
    return {
        apiVersion: "v1",
        kind: "ServiceAccount" as const,
        metadata: { name: k8s.serviceAccount, namespace: k8s.namespace, labels: buildLabels(agent), annotations },
        automountServiceAccountToken: k8s.automountToken,
    };
}

/** Role + RoleBinding per namespace that the agent's grants reach, rules in declared order. */
export function buildRbac(agent: ResolvedAgent, grants: readonly GrantExpansion[]) {
    const byNamespace = new Map<string, RbacRule[]>();
    for (const grant of grants) {
        if (!grant.rbac) continue;
        const rules = byNamespace.get(grant.rbac.namespace) ?? [];
        rules.push(...grant.rbac.rules);
        byNamespace.set(grant.rbac.namespace, rules);
    }
    const k8s = agent.kubernetes!;
    return [...byNamespace].map(([namespace, rules]) => ({
        namespace,
        role: {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" as const,
            metadata: { name: rbacNameOf(agent.name), namespace, labels: buildLabels(agent), annotations: { ...AUTHORITATIVE_ANNOTATIONS } },
            rules,
        },
        roleBinding: {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" as const,
            metadata: { name: rbacNameOf(agent.name), namespace, labels: buildLabels(agent), annotations: { ...AUTHORITATIVE_ANNOTATIONS } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: rbacNameOf(agent.name) },
            subjects: [{ kind: "ServiceAccount", name: k8s.serviceAccount, namespace: k8s.namespace }],
        },
    }));
}

/** A ClusterSPIFFEID (spire-controller-manager) giving the agent's pods exactly its SPIFFE ID. */
export function buildClusterSpiffeId(agent: ResolvedAgent) {
    const k8s = agent.kubernetes!;
    return {
        apiVersion: "spire.spiffe.io/v1alpha1",
        kind: "ClusterSPIFFEID" as const,
        metadata: { name: rbacNameOf(agent.name), labels: buildLabels(agent), annotations: { ...AUTHORITATIVE_ANNOTATIONS } },
        spec: {
            spiffeIDTemplate: agent.spiffeId,
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": k8s.namespace } },
            podSelector: {},
            workloadSelectorTemplates: [`k8s:sa:${k8s.serviceAccount}`],
            ttl: `${agent.svid.x509SvidTtl}s`,
            jwtTtl: `${agent.svid.jwtSvidTtl}s`,
            hint: agent.name,
        },
    };
}
