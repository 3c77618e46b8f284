import { ESCALATION_VERBS, KUBERNETES_VERBS, verbsForAccess } from "../../connectors/kubernetes";
import type { ResolvedSettings } from "../../model/settings";
import type { ResolvedAgent } from "../../model/resolvedAgent";

/** Why a row is in the matrix. Only `declared` rows of an active agent are expected to be allowed. */
export type AccessReason = "declared" | "other verb" | "escalation" | "other resource" | "other namespace" | "cluster scope";

/** One question for the API server's authorizer: may the agent's service account do this? */
export interface AccessCheck {
    verb: string;
    /** API group; "" is the core group. */
    group: string;
    /** Plural resource name, e.g. configmaps or pods (with subresource exec). */
    resource: string;
    subresource?: string;
    /** Absent: cluster scope (all namespaces, or a cluster-scoped resource). */
    namespace?: string;
    expected: "allow" | "deny";
    why: AccessReason;
}

/** What an agent's service account may do, as the declaration says, with the neighbours it must not reach. */
export interface AccessMatrix {
    agent: string;
    /** The identity a SubjectAccessReview asks about: the service account as the API server authenticates it. */
    subject: { user: string; groups: string[] };
    /** `active`, or why nothing is expected to be allowed (`expired, onExpiry: delete`). */
    effect: string;
    checks: AccessCheck[];
}

/** Namespaces outside the declaration that every agent is checked against (besides its own). */
export const NEIGHBOUR_NAMESPACES = ["default", "kube-system"];

/** Sensitive resources checked in every namespace an agent is granted, unless declared. */
const SENSITIVE_IN_NAMESPACE: readonly Omit<AccessCheck, "namespace" | "expected" | "why">[] = [
    { verb: "get", group: "", resource: "secrets" },
    { verb: "list", group: "", resource: "secrets" },
    { verb: "create", group: "", resource: "pods" },
    { verb: "create", group: "", resource: "pods", subresource: "exec" },
    { verb: "create", group: "", resource: "serviceaccounts", subresource: "token" },
    { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings" },
];

/** Privilege escalation in a granted namespace. */
const ESCALATION_IN_NAMESPACE: readonly Omit<AccessCheck, "namespace" | "expected" | "why">[] = [
    { verb: "escalate", group: "rbac.authorization.k8s.io", resource: "roles" },
    { verb: "bind", group: "rbac.authorization.k8s.io", resource: "roles" },
    { verb: "impersonate", group: "", resource: "serviceaccounts" },
];

/** Cluster-wide reach no agent may have. */
const CLUSTER_NEIGHBOURS: readonly Omit<AccessCheck, "namespace" | "expected" | "why">[] = [
    { verb: "list", group: "", resource: "namespaces" },
    { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings" },
    { verb: "escalate", group: "rbac.authorization.k8s.io", resource: "clusterroles" },
    { verb: "bind", group: "rbac.authorization.k8s.io", resource: "clusterroles" },
    { verb: "impersonate", group: "", resource: "users" },
    { verb: "impersonate", group: "", resource: "serviceaccounts" },
];

/**
 * The allow/deny matrix for an agent's service account, derived from its declared kubernetes grants
 * alone (never from the generated Role): every declared verb on every declared resource in each
 * declared namespace is allowed; every other verb (escalate, bind and impersonate included) on those
 * resources, the sensitive resources (secrets, pods/exec, tokens, bindings) there and in the namespace
 * the agent runs in, and the same access in other namespaces and at cluster scope are denied. An expired agent is expected to be allowed nothing.
 * Undefined for an agent without a Kubernetes identity.
 */
export function buildAccessMatrix(agent: ResolvedAgent, settings: ResolvedSettings): AccessMatrix | undefined {
    if (!agent.kubernetes) return undefined;
    const { namespace: home, serviceAccount } = agent.kubernetes;
    const active = agent.status === "active";
    const declared = declaredAccess(agent, settings);
    const grantNamespaces = [...new Set(declared.map((d) => d.namespace!))];

    const rows = new Map<string, AccessCheck>();
    const add = (check: Omit<AccessCheck, "expected">) => {
        const key = keyOf(check);
        if (rows.has(key)) return;
        rows.set(key, { ...check, expected: check.why === "declared" && active ? "allow" : "deny" });
    };
    for (const d of declared) add(d);
    const declaredKeys = new Set(rows.keys());
    const neighbour = (check: Omit<AccessCheck, "expected">) => { if (!declaredKeys.has(keyOf(check))) add(check); };

    for (const namespace of grantNamespaces) {
        const here = declared.filter((d) => d.namespace === namespace);
        for (const target of uniqueTargets(here)) {
            for (const verb of KUBERNETES_VERBS) neighbour({ ...target, verb, namespace, why: "other verb" });
            for (const verb of ESCALATION_VERBS) neighbour({ ...target, verb, namespace, why: "escalation" });
        }
        for (const check of ESCALATION_IN_NAMESPACE) neighbour({ ...check, namespace, why: "escalation" });
        for (const check of SENSITIVE_IN_NAMESPACE) neighbour({ ...check, namespace, why: "other resource" });
    }
    const otherNamespaces = [home, ...NEIGHBOUR_NAMESPACES].filter((ns, i, all) => !grantNamespaces.includes(ns) && all.indexOf(ns) === i);
    for (const namespace of otherNamespaces) {
        for (const d of declared) neighbour({ ...d, namespace, why: "other namespace" });
    }
    // The namespace the agent runs in holds its own token and its neighbours' secrets.
    if (!grantNamespaces.includes(home)) {
        for (const check of SENSITIVE_IN_NAMESPACE) neighbour({ ...check, namespace: home, why: "other resource" });
    }
    for (const d of declared) {
        const { namespace: _granted, ...clusterWide } = d;
        neighbour({ ...clusterWide, why: "cluster scope" });
    }
    for (const check of CLUSTER_NEIGHBOURS) neighbour({ ...check, why: "cluster scope" });

    return {
        agent: agent.name,
        subject: {
            user: `system:serviceaccount:${home}:${serviceAccount}`,
            groups: ["system:serviceaccounts", `system:serviceaccounts:${home}`, "system:authenticated"],
        },
        effect: active ? "active" : `expired, onExpiry: ${agent.onExpiry}`,
        checks: [...rows.values()],
    };
}

/** `verb resource[.group][/subresource]`, as kubectl names a permission. */
export function describeResource(check: Pick<AccessCheck, "group" | "resource" | "subresource">): string {
    return `${check.resource}${check.group ? `.${check.group}` : ""}${check.subresource ? `/${check.subresource}` : ""}`;
}

/** Every declared (namespace, group, resource, verb) of the agent's kubernetes grants. */
function declaredAccess(agent: ResolvedAgent, settings: ResolvedSettings): Omit<AccessCheck, "expected">[] {
    return agent.grants.filter((g) => g.connector === "kubernetes").flatMap((grant) => {
        const namespace = grant.namespace ?? settings.defaultNamespace;
        const verbs = grant.verbs ?? verbsForAccess(grant.access!);
        return (grant.apiGroups ?? [""]).flatMap((group) => (grant.resources ?? []).flatMap((declaredResource) => {
            const [resource, subresource] = declaredResource.split("/");
            return verbs.map((verb) => ({ verb, group, resource, ...(subresource ? { subresource } : {}), namespace, why: "declared" as const }));
        }));
    });
}

function uniqueTargets(checks: readonly Omit<AccessCheck, "expected">[]): Pick<AccessCheck, "group" | "resource" | "subresource">[] {
    const seen = new Map<string, Pick<AccessCheck, "group" | "resource" | "subresource">>();
    for (const { group, resource, subresource } of checks) seen.set(describeResource({ group, resource, subresource }), { group, resource, ...(subresource ? { subresource } : {}) });
    return [...seen.values()];
}

function keyOf(check: Pick<AccessCheck, "verb" | "group" | "resource" | "subresource" | "namespace">): string {
    return `${check.namespace ?? "*"} ${check.verb} ${describeResource(check)}`;
}
