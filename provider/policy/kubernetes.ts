/**
 * Kubernetes access of agent service accounts: which bindings reach them (by name, or through the
 * `system:serviceaccounts[:<ns>]` groups and `system:serviceaccount:` users), what the bound rules
 * allow, and whether their token is mounted into pods.
 */
import { ESCALATION_VERBS } from "../connectors/kubernetes";
import { APPROVAL_ANNOTATION, AUTOMOUNT_DECLARED_ANNOTATION } from "../platforms/kubernetes/manifests";
import { hasWildcard } from "../connectors/wildcards";
import { AgentServiceAccount, namespaceOf, objectName, UNSEEN_NAMESPACE } from "./agentRoles";
import { containsUnknown, isUnknown, labelOf, listOf, ResourceView, TYPES } from "./resourceView";
import { StackView } from "./stackView";

/** A binding's subjects as written (none when they are no list). */
function subjectsOf(binding: ResourceView): Record<string, unknown>[] {
    return Array.isArray(binding.props.subjects) ? (binding.props.subjects as Record<string, unknown>[]) : [];
}

/**
 * The agent service accounts a RoleBinding or ClusterRoleBinding binds: by name, through the service-account
 * groups, or through `system:authenticated`, the group every service account's token authenticates into.
 * Subjects not known at preview bind the agent service accounts they were computed from.
 */
export function boundAgentAccounts(binding: ResourceView, accounts: readonly AgentServiceAccount[]): AgentServiceAccount[] {
    // Where the binding grants, and where its namespace-less ServiceAccount subjects and its Role live.
    const bindingNamespace = namespaceOf(binding);
    const from = binding.propertyDependencies?.subjects ?? [];
    const computedFrom = (sa: AgentServiceAccount) => sa.resource !== undefined && from.includes(sa.resource.urn);
    if (isUnknown(binding.props.subjects)) return accounts.filter(computedFrom);
    const subjects = subjectsOf(binding);
    return accounts.filter((sa) => subjects.some((s) => {
        if (s === null || typeof s !== "object") return isUnknown(s) && computedFrom(sa);
        // A subject whose kind or name is not known binds what it was computed from; one whose namespace only is
        // not known, every agent account of its name (below).
        if (isUnknown(s.kind) || containsUnknown(s.name)) return computedFrom(sa);
        // An empty namespace is none (the authorizer: `if len(subject.Namespace) > 0`).
        if (s.kind === "ServiceAccount") {
            const namespace = isUnknown(s.namespace) ? UNSEEN_NAMESPACE : typeof s.namespace === "string" && s.namespace !== "" ? s.namespace : bindingNamespace;
            // A namespace the stack does not show, the subject's or the account's, may be the other's: the name binds it.
            return s.name === sa.name && (namespace === sa.namespace || namespace === UNSEEN_NAMESPACE || sa.namespace === UNSEEN_NAMESPACE);
        }
        if (s.kind === "Group") return s.name === "system:authenticated" || s.name === "system:serviceaccounts" || s.name === `system:serviceaccounts:${sa.namespace}`
            || (sa.namespace === UNSEEN_NAMESPACE && typeof s.name === "string" && s.name.startsWith("system:serviceaccounts:"));
        if (s.kind === "User") return s.name === `system:serviceaccount:${sa.namespace}:${sa.name}`
            || (sa.namespace === UNSEEN_NAMESPACE && typeof s.name === "string" && /^system:serviceaccount:[^:]+:/.test(s.name) && s.name.slice(s.name.indexOf(":", "system:serviceaccount:".length) + 1) === sa.name);
        return false;
    }));
}

/** Whether a RoleBinding's namespace, or one of its ServiceAccount subjects', is one the stack does not show. */
function reliesOnUnseenNamespace(binding: ResourceView): boolean {
    const bindingNamespace = namespaceOf(binding);
    if (bindingNamespace === UNSEEN_NAMESPACE) return true;
    return subjectsOf(binding).some((s) => s !== null && typeof s === "object" && s.kind === "ServiceAccount" && isUnknown(s.namespace));
}

/** Problems with the bindings of agent service accounts, reported on each binding. */
export function bindingProblems(stack: StackView, accounts: readonly AgentServiceAccount[]): { resource: ResourceView; message: string }[] {
    const out: { resource: ResourceView; message: string }[] = [];
    const who = (bound: readonly AgentServiceAccount[]) => bound.map((sa) => `${sa.namespace}/${sa.name}`).join(", ");
    for (const binding of stack.ofType(TYPES.clusterRoleBinding)) {
        const bound = boundAgentAccounts(binding, accounts);
        if (bound.length === 0) continue;
        out.push({ resource: binding, message: `${labelOf(binding)} binds agent service account ${who(bound)} to ${roleRefLabel(binding)} in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings` });
    }
    for (const binding of stack.ofType(TYPES.roleBinding)) {
        const bound = boundAgentAccounts(binding, accounts);
        if (bound.length === 0) continue;
        const prefix = `${labelOf(binding)} gives agent service account ${who(bound)} ${roleRefLabel(binding)}`;
        const unseenAccounts = bound.filter((sa) => sa.namespace === UNSEEN_NAMESPACE);
        if (unseenAccounts.length > 0) {
            out.push({ resource: binding, message: `${labelOf(binding)} may give agent service account ${unseenAccounts.map((sa) => sa.name).join(", ")} ${roleRefLabel(binding)}: the account's namespace is one the stack does not show — its metadata.namespace is not written or not known at preview, and its Kubernetes provider names no namespace, so the kubeconfig context's applies — so whether this binding reaches it cannot be reviewed; write the ServiceAccount's metadata.namespace from known values` });
            continue;
        }
        if (reliesOnUnseenNamespace(binding)) {
            out.push({ resource: binding, message: `${prefix} in a namespace the stack does not show — its metadata.namespace (or a subject's namespace) is not written or not known at preview, and its Kubernetes provider names no namespace, so the kubeconfig context's applies — so where it grants, and whom, cannot be reviewed; write metadata.namespace and each subject's namespace from known values` });
            continue;
        }
        const role = referencedRole(stack, binding);
        if (!role) {
            out.push({ resource: binding, message: `${prefix}, which this stack does not define, so its rules cannot be reviewed (built-in roles such as admin or edit reach secrets and workloads) — define a Role with the exact rules here` });
            continue;
        }
        if (role.props.aggregationRule !== undefined) {
            out.push({ resource: binding, message: `${prefix}, an aggregated ClusterRole whose rules other ClusterRoles add at run time, so they cannot be reviewed — bind a Role with the exact rules` });
            continue;
        }
        if (containsUnknown(role.props.rules) && !stack.underAgent(role)) {
            out.push({ resource: binding, message: `${prefix}, whose rules are not known at preview (computed from other resources' outputs), so they cannot be reviewed — write them from known values` });
            continue;
        }
        const approved = bound.every((sa) => typeof approvalOf(sa) === "string");
        for (const problem of rulesProblems(role.props.rules, approved)) out.push({ resource: binding, message: `${prefix}: ${problem}` });
    }
    return out;
}

/**
 * What an agent's RBAC rules may not hold: patterns, escalation verbs, and secrets without names — the
 * last unless the agent carries an approval (the declarations allow it as a high-risk, approved grant).
 */
export function rulesProblems(rules: unknown, approved = false): string[] {
    const out: string[] = [];
    (Array.isArray(rules) ? rules : []).forEach((rule: Record<string, unknown>, i) => {
        if (rule === null || typeof rule !== "object") return;
        const at = `rule ${i + 1}`;
        for (const field of ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"]) {
            const patterns = listOf(rule[field]).filter(hasWildcard);
            if (patterns.length > 0) out.push(`${at} holds ${patterns.map((p) => JSON.stringify(p)).join(", ")} in ${field}, which matches everything; name the exact ${field}`);
        }
        const escalation = listOf(rule.verbs).filter((v) => ESCALATION_VERBS.includes(v));
        if (escalation.length > 0) out.push(`${at} grants ${escalation.join(", ")}, which lets the agent raise its own privileges or act as another identity; remove it`);
        if (listOf(rule.resources).includes("secrets") && listOf(rule.resourceNames).length === 0 && !approved) {
            out.push(`${at} reaches every secret of the namespace (other identities' tokens and credentials) without an approval (annotation ${APPROVAL_ANNOTATION} on the service account); name the secrets it needs in resourceNames, or declare the grant with spec.approval`);
        }
    });
    return out;
}

/** Agent service accounts that mount their token into pods without declaring it. */
export function automountProblems(stack: StackView, accounts: readonly AgentServiceAccount[]): { resource: ResourceView; message: string }[] {
    const out: { resource: ResourceView; message: string }[] = [];
    for (const sa of accounts) {
        const r = sa.resource;
        if (!r) continue;
        const mount = r.props.automountServiceAccountToken;
        if (mount === false || (isUnknown(mount) && stack.underAgent(r))) continue;
        const annotations = (r.props.metadata as { annotations?: unknown } | undefined)?.annotations;
        if (containsUnknown(annotations) && stack.underAgent(r)) continue; // an Agent's IRSA annotation waits for its role's ARN
        if (annotations !== null && typeof annotations === "object" && (annotations as Record<string, unknown>)[AUTOMOUNT_DECLARED_ANNOTATION] === "declared") continue;
        const setting = mount === undefined ? "automountServiceAccountToken is unset, which Kubernetes reads as true"
            : isUnknown(mount) ? "automountServiceAccountToken is not known at preview" : `automountServiceAccountToken is ${JSON.stringify(mount)}`;
        out.push({ resource: r, message: `${labelOf(r)} is an agent service account (${sa.reason}) that mounts a long-lived API token into every pod (${setting}); agents use SPIFFE or IAM credentials — set automountServiceAccountToken: false, or declare identity.kubernetes.automountToken: true` });
    }
    return out;
}

/** The approval annotation of an agent service account's resource (none without a resource or annotations). */
function approvalOf(sa: AgentServiceAccount): unknown {
    const metadata = sa.resource?.props.metadata as { annotations?: Record<string, unknown> | null } | undefined;
    return metadata?.annotations?.[APPROVAL_ANNOTATION];
}

function roleRefLabel(binding: ResourceView): string {
    const ref = binding.props.roleRef as { kind?: unknown; name?: unknown } | undefined;
    const name = isUnknown(ref?.name) ? "(a name not known at preview)" : JSON.stringify(ref?.name ?? "?");
    return `${typeof ref?.kind === "string" ? ref.kind : "role"} ${name}`;
}

/**
 * The Role or ClusterRole a RoleBinding refers to, when the stack defines it. A roleRef without a name (or
 * with one not known at preview) refers to none: a role whose own name is not known is not taken for it.
 */
export function referencedRole(stack: StackView, binding: ResourceView): ResourceView | undefined {
    const ref = binding.props.roleRef as { kind?: unknown; name?: unknown } | undefined;
    if (typeof ref?.name !== "string") return undefined;
    const namespace = namespaceOf(binding);
    if (ref.kind === "ClusterRole") return stack.ofType(TYPES.k8sClusterRole).find((r) => objectName(r)?.name === ref.name);
    return stack.ofType(TYPES.k8sRole).find((r) => { const id = objectName(r); return id !== undefined && id.name === ref.name && id.namespace === namespace; });
}
