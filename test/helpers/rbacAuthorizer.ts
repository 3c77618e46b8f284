/**
 * Kubernetes's RBAC authorizer as its documentation states it ("Using RBAC Authorization": Role rules,
 * RoleBinding subjects, `resource/subresource`, resourceNames, `*`), written here from that text and
 * applied to the manifests `show --json` prints: it shares no code with who-can.
 */
export interface RbacRequest { namespace: string; group: string; resource: string; subresource?: string; name: string; verb: string }

export function rbacAllows(manifests: any[], account: { namespace: string; name: string }, r: RbacRequest): boolean {
    const bindings = manifests.filter((m) => m.kind === "RoleBinding" && m.metadata.namespace === r.namespace
        && m.subjects.some((s: any) => s.kind === "ServiceAccount" && s.namespace === account.namespace && s.name === account.name));
    const requested = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    return bindings.some((b) => manifests.filter((m) => m.kind === "Role" && m.metadata.namespace === r.namespace && m.metadata.name === b.roleRef.name)
        .some((role) => role.rules.some((rule: any) => (rule.verbs.includes(r.verb) || rule.verbs.includes("*"))
            && (rule.apiGroups.includes(r.group) || rule.apiGroups.includes("*"))
            && (rule.resources.includes(requested) || rule.resources.includes("*"))
            && (!rule.resourceNames?.length || rule.resourceNames.includes(r.name)))));
}
