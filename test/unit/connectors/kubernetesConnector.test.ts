import * as assert from "assert";
import { catalog } from "../../../provider/connectors/catalog";
import { isReadVerb, kubernetesEscalation, rbacRisk, serviceAccountsActedAs } from "../../../provider/connectors/kubernetes";
import type { Grant } from "../../../provider/declarations/types";

const problems = (grant: Omit<Grant, "connector">) => catalog.validate({ connector: "kubernetes", ...grant }).map((v) => [v.path.join("."), v.rule, v.message]);

describe("kubernetes connector", () => {
    it("names each escalation class a grant falls in, and nothing for plain reads and writes", () => {
        const escalation = (resources: string[], verbs: string[], resourceNames?: string[]) => kubernetesEscalation({ resources, verbs, resourceNames });
        assert.deepStrictEqual([
            escalation(["serviceaccounts/token"], ["create"]),
            escalation(["serviceaccounts/token"], ["get"]),
            escalation(["pods/exec"], ["get"]),
            escalation(["nodes/proxy"], ["get"]),
            escalation(["deployments"], ["patch"]),
            escalation(["cronjobs"], ["create"]),
            escalation(["pods"], ["get", "list", "watch"]),
            escalation(["rolebindings"], ["update"]),
            escalation(["roles"], ["get"]),
            escalation(["roles"], ["create"]),
            escalation(["secrets"], ["get"]),
            escalation(["secrets"], ["get"], []),
            escalation(["secrets"], ["get"], ["app-credentials"]),
            escalation(["configmaps"], ["create", "delete"]),
        ], [
            "mints tokens for service accounts",
            undefined,
            "pods/exec runs commands in, or connects to, other workloads",
            "nodes/proxy runs commands in, or connects to, other workloads",
            "writing deployments runs pods as any service account of the namespace",
            "writing cronjobs runs pods as any service account of the namespace",
            undefined,
            "writing rolebindings changes who may do what in the namespace",
            undefined,
            "writing roles changes who may do what in the namespace",
            "reaches every secret of the namespace (tokens and credentials); name the secrets with resourceNames",
            "reaches every secret of the namespace (tokens and credentials); name the secrets with resourceNames",
            undefined,
            undefined,
        ]);
    });

    it("names which service accounts of the namespace a rule acts as, and none for rules that act as no one else", () => {
        const actsAs = (resources: string[], verbs: string[], resourceNames?: string[]) => serviceAccountsActedAs({ resources, verbs, ...(resourceNames ? { resourceNames } : {}) });
        const podsAsAnyone = (resource: string) => ({ mountsAny: true, reason: `writing ${resource} runs pods as any service account of the namespace and mounts any secret or config map there` });
        assert.deepStrictEqual([
            actsAs(["deployments"], ["patch"]),
            actsAs(["pods"], ["get", "list", "watch"]),
            actsAs(["serviceaccounts/token"], ["create"]),
            actsAs(["serviceaccounts/token"], ["create"], ["builder"]),
            actsAs(["serviceaccounts/token"], ["create"], []),
            actsAs(["serviceaccounts/token"], ["get"]),
            actsAs(["pods/exec"], ["create"]),
            actsAs(["pods/exec"], ["list"]),
            actsAs(["pods/exec"], ["list", "create"]),
            actsAs(["secrets"], ["list"]),
            actsAs(["secrets"], ["get"], []),
            actsAs(["secrets"], ["get"], ["app-config"]),
            actsAs(["secrets"], ["create", "update"]),
            actsAs(["secrets"], ["create", "watch"]),
            actsAs(["configmaps", "pods"], ["get", "create"]),
        ], [
            podsAsAnyone("deployments"),
            undefined,
            { mountsAny: false, reason: "mints tokens for service accounts" },
            { names: ["builder"], mountsAny: false, reason: "mints tokens for service accounts" },
            { mountsAny: false, reason: "mints tokens for service accounts" },
            undefined,
            { mountsAny: false, reason: "pods/exec runs commands in, or connects to, pods of any service account of the namespace" },
            undefined,
            { mountsAny: false, reason: "pods/exec runs commands in, or connects to, pods of any service account of the namespace" },
            { mountsAny: false, reason: "reads every secret of the namespace, service account token secrets included" },
            { mountsAny: false, reason: "reads every secret of the namespace, service account token secrets included" },
            undefined,
            undefined,
            { mountsAny: false, reason: "reads every secret of the namespace, service account token secrets included" },
            podsAsAnyone("pods"),
        ]);
    });

    it("keys a grant by namespace, API groups and resources, whatever their order (the review matches versions by it)", () => {
        const key = (grant: Omit<Grant, "connector">) => catalog.find("kubernetes")!.grantKey!({ connector: "kubernetes", ...grant });
        assert.deepStrictEqual([
            key({ namespace: "support", apiGroups: ["apps", ""], resources: ["pods", "configmaps"], verbs: ["get"] }),
            key({ namespace: "support", apiGroups: ["", "apps"], resources: ["configmaps", "pods"], verbs: ["list"] }),
            key({ resources: ["pods"], verbs: ["get"] }),
        ], ["kubernetes|support|,apps|configmaps,pods", "kubernetes|support|,apps|configmaps,pods", "kubernetes|||pods"]);
    });

    it("refuses resourceNames on create when a plain resource sits beside a subresource, and allows them on the subresource alone", () => {
        assert.deepStrictEqual(problems({ resources: ["serviceaccounts/token", "configmaps"], resourceNames: ["builder"], verbs: ["create"] }), [
            ["resourceNames", "connector-field", "resourceNames cannot limit create (RBAC ignores names for them, so the grant would reach every object); move create to a grant without resourceNames"],
        ]);
        assert.deepStrictEqual(problems({ resources: ["serviceaccounts/token"], resourceNames: ["builder"], verbs: ["create"] }), []);
        assert.deepStrictEqual(problems({ resourceNames: ["builder"], verbs: ["create"] }), [
            ["", "connector-field", "kubernetes grants need `resources`: resource kinds such as configmaps or pods/log"],
        ], "without resources, only the missing field is reported");
    });

    it("expands a grant to one rule in its namespace: the whole expansion", () => {
        const expansion = catalog.expand([{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get", "list"] }], { agent: "a", defaultNamespace: "agents", oauthProviderArn: () => "", workloadIdentityArn: "" })[0];
        assert.deepStrictEqual(expansion, {
            index: 0, connector: "kubernetes", access: "read", actions: [], statements: [],
            rbac: { namespace: "agents", rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }] },
            risk: "low", needsApproval: false, reach: ["get, list on configmaps in namespace agents"],
        });
    });

    it("says what a grant reaches, with the names it is limited to", () => {
        const reach = (grant: Omit<Grant, "connector">) => catalog.expand([{ connector: "kubernetes", ...grant }], { agent: "a", defaultNamespace: "agents", oauthProviderArn: () => "", workloadIdentityArn: "" })[0].reach;
        assert.deepStrictEqual([
            reach({ namespace: "support", resources: ["secrets", "configmaps"], resourceNames: ["app", "db"], verbs: ["get"] }),
            reach({ resources: ["pods"], verbs: ["get", "list"] }),
        ], [["get on secrets, configmaps named app, db in namespace support"], ["get, list on pods in namespace agents"]]);
    });

    it("rates deletes and escalations high, other writes medium, reads low", () => {
        assert.deepStrictEqual([
            rbacRisk(["get", "list", "watch"], ["configmaps"]),
            rbacRisk(["create"], ["configmaps"]),
            rbacRisk(["deletecollection"], ["configmaps"]),
            rbacRisk(["get"], ["secrets"]),
            rbacRisk(["get"], ["secrets"], ["app-credentials"]),
            rbacRisk(["get", "list", "delete"], ["configmaps"]),
        ], ["low", "medium", "high", "high", "low", "high"]);
        assert.deepStrictEqual(["get", "list", "watch", "create", "patch", "delete"].map(isReadVerb), [true, true, true, false, false, false]);
    });

    it("reports each malformed field at its path with the fix", () => {
        assert.deepStrictEqual(problems({ namespace: "Bad_NS", resources: ["Config-Maps"], apiGroups: ["apps", "Not A Group", ""], resourceNames: ["ok-name", "Bad Name"], verbs: ["get", "escalate", "bind", "impersonate", "fetch"] }), [
            ["namespace", "kubernetes-name", `namespace "Bad_NS" is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)`],
            ["resources.0", "resource-format", `"Config-Maps" is not a Kubernetes resource kind; use the plural lowercase name, e.g. configmaps or pods/log`],
            ["apiGroups.1", "kubernetes-name", `API group "Not A Group" is not a DNS subdomain; use "" for the core group or e.g. apps`],
            ["resourceNames.1", "kubernetes-name", `"Bad Name" is not a Kubernetes object name (DNS-1123 subdomain)`],
            ["verbs.1", "kubernetes-verb", `"escalate" lets the agent raise its own privileges; agents may not hold it`],
            ["verbs.2", "kubernetes-verb", `"bind" lets the agent raise its own privileges; agents may not hold it`],
            ["verbs.3", "kubernetes-verb", `"impersonate" lets the agent raise its own privileges; agents may not hold it`],
            ["verbs.4", "kubernetes-verb", `"fetch" is not a Kubernetes verb; use get, list, watch, create, update, patch, delete, deletecollection`],
        ]);
    });

    it("needs resources and either verbs or access, not both, and fields of its own only", () => {
        assert.deepStrictEqual(problems({}), [
            ["", "connector-field", "kubernetes grants need `resources`: resource kinds such as configmaps or pods/log"],
            ["", "connector-field", "kubernetes grants need `verbs` (e.g. [get, list]) or `access` (read, write, readwrite)"],
        ]);
        assert.deepStrictEqual(problems({ resources: ["pods"], verbs: ["get"], access: "read", scopes: ["x"] }), [
            ["scopes", "connector-field", "`scopes` does not apply to kubernetes grants; remove it (allowed: access, namespace, resources, resourceNames, verbs, apiGroups)"],
            ["access", "connector-field", "give either `verbs` or `access` on a kubernetes grant, not both"],
        ]);
        assert.deepStrictEqual(problems({ resources: ["pods/log", "deployments.apps"], verbs: ["get"] }), []);
    });

    it("refuses resourceNames with verbs RBAC cannot limit by name", () => {
        assert.deepStrictEqual(problems({ resources: ["configmaps"], resourceNames: ["app"], verbs: ["get", "create", "deletecollection"] }), [
            ["resourceNames", "connector-field", "resourceNames cannot limit create, deletecollection (RBAC ignores names for them, so the grant would reach every object); move create, deletecollection to a grant without resourceNames"],
        ]);
        assert.deepStrictEqual(problems({ resources: ["configmaps"], resourceNames: ["app"], access: "write" }).map((p) => p[0]), ["resourceNames"]);
        assert.deepStrictEqual(problems({ resources: ["configmaps"], resourceNames: ["app"], access: "read" }), []);
    });

    it("derives the grant's access from its verbs", () => {
        const access = (verbs: string[]) => catalog.expand([{ connector: "kubernetes", resources: ["configmaps"], verbs }], { agent: "a", defaultNamespace: "agents", oauthProviderArn: () => "", workloadIdentityArn: "" })[0];
        assert.deepStrictEqual([["get"], ["patch"], ["get", "patch"]].map((v) => [access(v).access, access(v).needsApproval]), [["read", false], ["write", true], ["readwrite", true]]);
        assert.deepStrictEqual(access(["get", "delete"]).reach, ["get, delete on configmaps in namespace agents"]);
    });
});
