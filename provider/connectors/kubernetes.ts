import type { Access, Grant } from "../declarations/types";
import type { Violation } from "../declarations/diagnostics";
import { isDns1123Label, isDns1123Subdomain } from "../declarations/names";
import { hasWildcard } from "./wildcards";
import { onlyFields } from "./aws";
import { Connector, GrantExpansion, RbacRule, Risk } from "./contract";

/** The Kubernetes API's resource verbs. `escalate`, `bind` and `impersonate` are privilege escalation. */
export const KUBERNETES_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] as const;
const READ_VERBS = ["get", "list", "watch"];
export const ESCALATION_VERBS = ["escalate", "bind", "impersonate"];
const VERBS_BY_ACCESS: Record<Access, string[]> = {
    read: READ_VERBS,
    write: ["create", "update", "patch"],
    readwrite: [...READ_VERBS, "create", "update", "patch"],
};
const RESOURCE = /^[a-z][a-z0-9.-]*(\/[a-z]+)?$/;
/** RBAC ignores resourceNames for these verbs: the grant would reach every object. */
const UNNAMEABLE_VERBS = ["create", "deletecollection"];

/** The verbs a grant's `access` stands for (read = get, list, watch; write = create, update, patch). */
export function verbsForAccess(access: Access): string[] {
    return [...VERBS_BY_ACCESS[access]];
}

/** get, list and watch only read. */
export function isReadVerb(verb: string): boolean {
    return READ_VERBS.includes(verb);
}

/**
 * Subresources that reach into running pods, with the verbs that do: Kubernetes names a request's verb
 * after its HTTP method (GET get, POST create, PUT update, PATCH patch, DELETE delete). exec, attach and
 * portforward connect by POST or a GET upgrade; a proxy passes every method on to the pod; an ephemeral
 * container (which joins the pod with its service account token) is added by PATCH or PUT.
 */
const PROXY_VERBS = ["get", "create", "update", "patch", "delete"];
const CONNECTING_VERBS: Record<string, readonly string[]> = {
    "pods/exec": ["get", "create"], "pods/attach": ["get", "create"], "pods/portforward": ["get", "create"],
    "pods/ephemeralcontainers": ["update", "patch"],
    "pods/proxy": PROXY_VERBS, "services/proxy": PROXY_VERBS, "nodes/proxy": PROXY_VERBS,
};
const CONNECT_SUBRESOURCES = Object.keys(CONNECTING_VERBS);
const POD_CREATING = ["pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers", "podtemplates"];

/**
 * Why an RBAC rule lets an agent act beyond its own service account, or undefined. Such grants are
 * rated high and need an approval: they reach other identities' tokens, workloads or permissions.
 */
export function kubernetesEscalation(rule: Pick<RbacRule, "resources" | "verbs" | "resourceNames">): string | undefined {
    const writes = rule.verbs.some((v) => !isReadVerb(v));
    for (const resource of rule.resources) {
        if (resource === "serviceaccounts/token" && rule.verbs.includes("create")) return "mints tokens for service accounts";
        if (CONNECT_SUBRESOURCES.includes(resource)) return `${resource} runs commands in, or connects to, other workloads`;
        if (POD_CREATING.includes(resource) && writes) return `writing ${resource} runs pods as any service account of the namespace`;
        if ((resource === "roles" || resource === "rolebindings") && writes) return `writing ${resource} changes who may do what in the namespace`;
        if (resource === "secrets" && !(rule.resourceNames?.length)) return "reaches every secret of the namespace (tokens and credentials); name the secrets with resourceNames";
    }
    return undefined;
}

/**
 * Which service accounts of the rule's namespace an RBAC rule lets its holder act as, beyond its own:
 * writing workloads runs pods as any of them (and mounts any secret or configmap there); connecting to
 * pods acts as whatever runs in them; minting tokens acts as the named accounts (all without names);
 * reading unnamed secrets reads their token secrets. Undefined when the rule acts as no one else.
 * `who-can` counts what those accounts reach as the holder's (Kubernetes documents each path under
 * "RBAC good practices: privilege escalation risks").
 */
export function serviceAccountsActedAs(rule: Pick<RbacRule, "resources" | "verbs" | "resourceNames">): { names?: string[]; mountsAny: boolean; reason: string } | undefined {
    const writes = rule.verbs.some((v) => !isReadVerb(v));
    for (const resource of rule.resources) {
        if (POD_CREATING.includes(resource) && writes) return { mountsAny: true, reason: `writing ${resource} runs pods as any service account of the namespace and mounts any secret or config map there` };
    }
    for (const resource of rule.resources) {
        if (resource === "serviceaccounts/token" && rule.verbs.includes("create")) {
            return { ...(rule.resourceNames?.length ? { names: [...rule.resourceNames] } : {}), mountsAny: false, reason: "mints tokens for service accounts" };
        }
        if (Object.hasOwn(CONNECTING_VERBS, resource) && rule.verbs.some((v) => CONNECTING_VERBS[resource].includes(v))) {
            return { mountsAny: false, reason: `${resource} runs commands in, or connects to, pods of any service account of the namespace` };
        }
        if (resource === "secrets" && !(rule.resourceNames?.length) && rule.verbs.some(isReadVerb)) {
            return { mountsAny: false, reason: "reads every secret of the namespace, service account token secrets included" };
        }
    }
    return undefined;
}

/** Escalation-class grants and deletes are high risk; other writes medium; reads low. */
export function rbacRisk(verbs: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): Risk {
    if (verbs.some((v) => v.startsWith("delete")) || kubernetesEscalation({ verbs: [...verbs], resources: [...resources], resourceNames: resourceNames && [...resourceNames] })) return "high";
    return verbs.some((v) => !isReadVerb(v)) ? "medium" : "low";
}

/** `kubernetes`: namespaced RBAC rules, one Role + RoleBinding per grant namespace. */
export function kubernetesConnector(): Connector {
    return {
        name: "kubernetes",
        platform: "kubernetes",
        reach: "kubernetes",
        grantKey: (grant) => {
            const sorted = (xs?: string[]) => [...(xs ?? [])].sort().join(",");
            return `kubernetes|${grant.namespace ?? ""}|${sorted(grant.apiGroups)}|${sorted(grant.resources)}`;
        },
        summary: "namespaced RBAC: resources + verbs (or access: read = get/list/watch, write = create/update/patch), optionally limited to resourceNames",
        example: "configmaps",
        validate(grant) {
            const violations: Violation[] = [...onlyFields(grant, "kubernetes", ["access", "namespace", "resources", "resourceNames", "verbs", "apiGroups"])];
            if (grant.namespace !== undefined && !hasWildcard(grant.namespace) && !isDns1123Label(grant.namespace)) {
                violations.push({ path: ["namespace"], rule: "kubernetes-name", message: `namespace "${grant.namespace}" is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)` });
            }
            if (!grant.resources) {
                violations.push({ path: [], rule: "connector-field", message: "kubernetes grants need `resources`: resource kinds such as configmaps or pods/log" });
            }
            (grant.resources ?? []).forEach((resource, i) => {
                if (!hasWildcard(resource) && !RESOURCE.test(resource)) {
                    violations.push({ path: ["resources", i], rule: "resource-format", message: `"${resource}" is not a Kubernetes resource kind; use the plural lowercase name, e.g. configmaps or pods/log` });
                }
            });
            (grant.apiGroups ?? []).forEach((group, i) => {
                if (!hasWildcard(group) && group !== "" && !isDns1123Subdomain(group)) {
                    violations.push({ path: ["apiGroups", i], rule: "kubernetes-name", message: `API group "${group}" is not a DNS subdomain; use "" for the core group or e.g. apps` });
                }
            });
            (grant.resourceNames ?? []).forEach((name, i) => {
                if (!hasWildcard(name) && !isDns1123Subdomain(name)) {
                    violations.push({ path: ["resourceNames", i], rule: "kubernetes-name", message: `"${name}" is not a Kubernetes object name (DNS-1123 subdomain)` });
                }
            });
            if (grant.verbs === undefined && grant.access === undefined) {
                violations.push({ path: [], rule: "connector-field", message: "kubernetes grants need `verbs` (e.g. [get, list]) or `access` (read, write, readwrite)" });
            }
            if (grant.verbs !== undefined && grant.access !== undefined) {
                violations.push({ path: ["access"], rule: "connector-field", message: "give either `verbs` or `access` on a kubernetes grant, not both" });
            }
            (grant.verbs ?? []).forEach((verb, i) => {
                if (hasWildcard(verb)) return; // reported by the catalog's wildcard check
                if (ESCALATION_VERBS.includes(verb)) {
                    violations.push({ path: ["verbs", i], rule: "kubernetes-verb", message: `"${verb}" lets the agent raise its own privileges; agents may not hold it` });
                } else if (!(KUBERNETES_VERBS as readonly string[]).includes(verb)) {
                    violations.push({ path: ["verbs", i], rule: "kubernetes-verb", message: `"${verb}" is not a Kubernetes verb; use ${KUBERNETES_VERBS.join(", ")}` });
                }
            });
            // A subresource request (serviceaccounts/token) carries the object's name in its URL, so RBAC honours names for create too.
            if (grant.resourceNames && !(grant.resources ?? []).every((r) => r.includes("/"))) {
                const verbs = grant.verbs ?? (grant.access ? VERBS_BY_ACCESS[grant.access] : []);
                const unnameable = verbs.filter((v) => UNNAMEABLE_VERBS.includes(v));
                if (unnameable.length > 0) {
                    violations.push({ path: ["resourceNames"], rule: "connector-field", message: `resourceNames cannot limit ${unnameable.join(", ")} (RBAC ignores names for them, so the grant would reach every object); move ${unnameable.join(", ")} to a grant without resourceNames` });
                }
            }
            return violations;
        },
        expand(grant, index, context): GrantExpansion {
            const verbs = grant.verbs ? [...grant.verbs] : verbsForAccess(grant.access!);
            const writes = verbs.some((v) => !isReadVerb(v));
            const reads = verbs.some(isReadVerb);
            const access: Access = writes ? (reads ? "readwrite" : "write") : "read";
            const resources = [...grant.resources!];
            const resourceNames = grant.resourceNames ? [...grant.resourceNames] : undefined;
            const risk = rbacRisk(verbs, resources, resourceNames);
            const namespace = grant.namespace ?? context.defaultNamespace;
            const rule: RbacRule = { apiGroups: grant.apiGroups ? [...grant.apiGroups] : [""], resources, ...(resourceNames ? { resourceNames } : {}), verbs };
            return {
                index, connector: "kubernetes", access, actions: [], statements: [],
                rbac: { namespace, rules: [rule] }, risk, needsApproval: writes || risk !== "low",
                reach: [`${verbs.join(", ")} on ${resources.join(", ")}${resourceNames ? ` named ${resourceNames.join(", ")}` : ""} in namespace ${namespace}`],
            };
        },
    };
}
