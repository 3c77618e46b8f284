/**
 * Kubernetes's RBAC authorizer as its documentation states it ("Using RBAC Authorization",
 * kubernetes.io/docs/reference/access-authn-authz/rbac/; "Authenticating": a service account authenticates as
 * `system:serviceaccount:<ns>:<name>` in the groups `system:serviceaccounts`, `system:serviceaccounts:<ns>` and
 * `system:authenticated`), written here from that text. It shares no code with the product: who-can's tests
 * apply it to the manifests `show --json` prints, the policy pack's Kubernetes tests to hand-written stacks.
 * It answers one question — may this service account make this request?
 *
 * - A RoleBinding grants its role's rules in its own namespace only; a ClusterRoleBinding in every namespace.
 * - A RoleBinding's roleRef names a Role of its own namespace or a ClusterRole; a ClusterRoleBinding's a ClusterRole.
 * - A ServiceAccount subject without a namespace (or with "") means the RoleBinding's namespace (a ClusterRoleBinding's
 *   such subject matches nobody; the API server refuses it).
 * - A rule matches when its verbs, apiGroups and resources hold the request's or `*` (a subresource is named
 *   `resource/subresource`, or `*` slash `subresource` for that subresource of every resource), and its
 *   resourceNames are empty or hold the name.
 * - An object without a namespace is created in "default" (the client's default namespace).
 * Aggregated ClusterRoles are out of scope: their rules are not in the manifests.
 */

export interface RbacRequest {
    namespace: string;
    verb: string;
    group: string;
    resource: string;
    subresource?: string;
    /** The object's name, when the request names one (get, update, …); rules with resourceNames need it. */
    name?: string;
}

/** One stack object as the API server reads it: its kind and its manifest fields. */
export interface KubeObject {
    kind: string;
    metadata?: { name?: unknown; namespace?: unknown };
    rules?: unknown;
    roleRef?: unknown;
    subjects?: unknown;
}

interface Rule { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const namespaceOf = (o: KubeObject): string => text(o.metadata?.namespace) ?? "default";

/** The user and groups a service account's token authenticates as. */
function userOf(namespace: string, name: string): { user: string; groups: string[] } {
    return { user: `system:serviceaccount:${namespace}:${name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"] };
}

function subjectMatches(subject: unknown, binding: KubeObject, namespace: string, name: string): boolean {
    if (subject === null || typeof subject !== "object") return false;
    const s = subject as Record<string, unknown>;
    const { user, groups } = userOf(namespace, name);
    switch (s.kind) {
        case "User": return s.name === user;
        case "Group": return typeof s.name === "string" && groups.includes(s.name);
        case "ServiceAccount": {
            const subjectNamespace = text(s.namespace) || (binding.kind === "RoleBinding" ? namespaceOf(binding) : undefined);
            return subjectNamespace !== undefined && `system:serviceaccount:${subjectNamespace}:${text(s.name)}` === user;
        }
        default: return false;
    }
}

function ruleAllows(rule: Rule, request: RbacRequest): boolean {
    const resources = list(rule.resources);
    const wanted = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
    const names = list(rule.resourceNames);
    return (list(rule.verbs).includes("*") || list(rule.verbs).includes(request.verb))
        && (list(rule.apiGroups).includes("*") || list(rule.apiGroups).includes(request.group))
        && (resources.includes("*") || resources.includes(wanted) || (request.subresource !== undefined && resources.includes(`*/${request.subresource}`)))
        && (names.length === 0 || (request.name !== undefined && names.includes(request.name)));
}

/** Whether service account `namespace/name` may make the request, given every RBAC object of the stack. */
export function rbacAllows(objects: readonly KubeObject[], account: { namespace: string; name: string }, request: RbacRequest): boolean {
    const roleOf = (binding: KubeObject): KubeObject | undefined => {
        const ref = binding.roleRef as { kind?: unknown; name?: unknown } | undefined;
        if (ref?.kind === "ClusterRole") return objects.find((o) => o.kind === "ClusterRole" && text(o.metadata?.name) === ref.name);
        if (ref?.kind === "Role" && binding.kind === "RoleBinding") {
            return objects.find((o) => o.kind === "Role" && text(o.metadata?.name) === ref.name && namespaceOf(o) === namespaceOf(binding));
        }
        return undefined;
    };
    return objects.some((binding) => {
        if (binding.kind !== "RoleBinding" && binding.kind !== "ClusterRoleBinding") return false;
        if (binding.kind === "RoleBinding" && namespaceOf(binding) !== request.namespace) return false;
        if (!Array.isArray(binding.subjects) || !binding.subjects.some((s) => subjectMatches(s, binding, account.namespace, account.name))) return false;
        const role = roleOf(binding);
        return Array.isArray(role?.rules) && role!.rules.some((r) => r !== null && typeof r === "object" && ruleAllows(r as Rule, request));
    });
}
