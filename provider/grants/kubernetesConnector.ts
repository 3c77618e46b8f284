import type { Access, Grant } from "../spec/types";
import type { Violation } from "../spec/diagnostics";
import { isDns1123Label } from "../spec/names";
import { onlyFields } from "./awsConnectors";
import { Connector, GrantExpansion, Risk } from "./types";

/** The Kubernetes API's resource verbs. `escalate`, `bind` and `impersonate` are privilege escalation. */
export const KUBERNETES_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] as const;
const READ_VERBS = ["get", "list", "watch"];
/** Verbs that raise privileges: agents may never hold them. */
export const ESCALATION_VERBS = ["escalate", "bind", "impersonate"] as const;
const VERBS_BY_ACCESS: Record<Access, string[]> = {
    read: READ_VERBS,
    write: ["create", "update", "patch"],
    readwrite: [...READ_VERBS, "create", "update", "patch"],
};
const RESOURCE = /^[a-z][a-z0-9.-]*(\/[a-z]+)?$/;

/** The verbs a grant's `access` stands for (read = get, list, watch; write = create, update, patch). */
export function verbsForAccess(access: Access): string[] {
    return [...VERBS_BY_ACCESS[access]];
}

/** get, list and watch only read. */
export function isReadVerb(verb: string): boolean {
    return READ_VERBS.includes(verb);
}

/** Deleting, or reading secrets, is high risk; other writes medium; reads low. */
export function rbacRisk(verbs: readonly string[], resources: readonly string[]): Risk {
    const reads = verbs.some(isReadVerb);
    if (verbs.some((v) => v.startsWith("delete")) || (reads && resources.includes("secrets"))) return "high";
    return verbs.some((v) => !isReadVerb(v)) ? "medium" : "low";
}

/** `kubernetes`: namespaced RBAC rules, one Role + RoleBinding per grant namespace. */
export function kubernetesConnector(): Connector {
    return {
        name: "kubernetes",
        summary: "namespaced RBAC: resources + verbs (or access: read = get/list/watch, write = create/update/patch)",
        example: "configmaps",
        validate(grant) {
            const violations: Violation[] = [...onlyFields(grant, "kubernetes", ["access", "namespace", "resources", "verbs", "apiGroups"])];
            if (grant.namespace !== undefined && !isDns1123Label(grant.namespace)) {
                violations.push({ path: ["namespace"], rule: "kubernetes-name", message: `namespace "${grant.namespace}" is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)` });
            }
            if (!grant.resources) {
                violations.push({ path: [], rule: "connector-field", message: "kubernetes grants need `resources`: resource kinds such as configmaps or pods/log" });
            }
            (grant.resources ?? []).forEach((resource, i) => {
                if (resource === "*") {
                    violations.push({ path: ["resources", i], rule: "wildcard-resource", message: `"*" grants every resource kind; list the kinds, e.g. configmaps` });
                } else if (!RESOURCE.test(resource)) {
                    violations.push({ path: ["resources", i], rule: "resource-format", message: `"${resource}" is not a Kubernetes resource kind; use the plural lowercase name, e.g. configmaps or pods/log` });
                }
            });
            (grant.apiGroups ?? []).forEach((group, i) => {
                if (group === "*") violations.push({ path: ["apiGroups", i], rule: "wildcard-resource", message: `"*" matches every API group; name the groups ("" is the core group)` });
            });
            if (grant.verbs === undefined && grant.access === undefined) {
                violations.push({ path: [], rule: "connector-field", message: "kubernetes grants need `verbs` (e.g. [get, list]) or `access` (read, write, readwrite)" });
            }
            if (grant.verbs !== undefined && grant.access !== undefined) {
                violations.push({ path: ["access"], rule: "connector-field", message: "give either `verbs` or `access` on a kubernetes grant, not both" });
            }
            (grant.verbs ?? []).forEach((verb, i) => {
                if (verb === "*") {
                    violations.push({ path: ["verbs", i], rule: "wildcard-action", message: `"*" grants every verb; list the verbs, e.g. get, list` });
                } else if ((ESCALATION_VERBS as readonly string[]).includes(verb)) {
                    violations.push({ path: ["verbs", i], rule: "kubernetes-verb", message: `"${verb}" lets the agent raise its own privileges; agents may not hold it` });
                } else if (!(KUBERNETES_VERBS as readonly string[]).includes(verb)) {
                    violations.push({ path: ["verbs", i], rule: "kubernetes-verb", message: `"${verb}" is not a Kubernetes verb; use ${KUBERNETES_VERBS.join(", ")}` });
                }
            });
            return violations;
        },
        expand(grant, index, context): GrantExpansion {
            const verbs = grant.verbs ? [...grant.verbs] : verbsForAccess(grant.access!);
            const writes = verbs.some((v) => !isReadVerb(v));
            const reads = verbs.some(isReadVerb);
            const access: Access = writes ? (reads ? "readwrite" : "write") : "read";
            const resources = [...grant.resources!];
            const risk = rbacRisk(verbs, resources);
            const namespace = grant.namespace ?? context.defaultNamespace;
            const rule = { apiGroups: grant.apiGroups ? [...grant.apiGroups] : [""], resources, verbs };
            return {
                index, connector: "kubernetes", access, actions: [], statements: [],
                rbac: { namespace, rules: [rule] }, risk, needsApproval: writes || risk !== "low",
                reach: [`${verbs.join(", ")} on ${resources.join(", ")} in namespace ${namespace}`],
            };
        },
    };
}
