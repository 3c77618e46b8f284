import * as assert from "assert";
import { buildAccessMatrix, describeResource, AccessCheck } from "../../../provider/platforms/kubernetes/accessMatrix";
import { renderAccessReview } from "../../../provider/platforms/kubernetes/accessReview";
import { resolveSettings } from "../../../provider/model/settings";
import { resolveAgent } from "../../../provider/model/resolvedAgent";
import type { AgentDeclaration, Grant } from "../../../provider/declarations/types";
import { NOW_DATE } from "../../helpers/fixtures";

const settings = resolveSettings({ defaultNamespace: "agents" });

function agentWith(grants: Grant[], extra: Partial<AgentDeclaration["spec"]> = {}) {
    const declaration: AgentDeclaration = {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "reader" },
        spec: {
            description: "reads config", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
            identity: { kubernetes: { namespace: "agents", serviceAccount: "reader-sa" } }, grants, ...extra,
        },
    };
    return resolveAgent(declaration, settings, NOW_DATE);
}

/** `expected verb resource namespace why`, one string per row, in the matrix's order. */
const rows = (checks: readonly AccessCheck[]) => checks.map((c) => `${c.expected} ${c.verb} ${describeResource(c)} ${c.namespace ?? "(cluster)"} ${c.why}`);

const CLUSTER_ROWS = [
    "deny list namespaces (cluster) cluster scope",
    "deny create clusterrolebindings.rbac.authorization.k8s.io (cluster) cluster scope",
    "deny escalate clusterroles.rbac.authorization.k8s.io (cluster) cluster scope",
    "deny bind clusterroles.rbac.authorization.k8s.io (cluster) cluster scope",
    "deny impersonate users (cluster) cluster scope",
    "deny impersonate serviceaccounts (cluster) cluster scope",
];

describe("Kubernetes access matrix (the oracle for SubjectAccessReview)", () => {
    it("allows each declared verb and denies every neighbour of a one-verb grant", () => {
        const matrix = buildAccessMatrix(agentWith([{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] }]), settings)!;
        assert.deepStrictEqual(matrix.subject, {
            user: "system:serviceaccount:agents:reader-sa",
            groups: ["system:serviceaccounts", "system:serviceaccounts:agents", "system:authenticated"],
        });
        assert.strictEqual(matrix.effect, "active");
        assert.deepStrictEqual(rows(matrix.checks), [
            "allow get configmaps support declared",
            ...["list", "watch", "create", "update", "patch", "delete", "deletecollection"].map((v) => `deny ${v} configmaps support other verb`),
            ...["escalate", "bind", "impersonate"].map((v) => `deny ${v} configmaps support escalation`),
            "deny escalate roles.rbac.authorization.k8s.io support escalation",
            "deny bind roles.rbac.authorization.k8s.io support escalation",
            "deny impersonate serviceaccounts support escalation",
            "deny get secrets support other resource",
            "deny list secrets support other resource",
            "deny create pods support other resource",
            "deny create pods/exec support other resource",
            "deny create serviceaccounts/token support other resource",
            "deny create rolebindings.rbac.authorization.k8s.io support other resource",
            "deny get configmaps agents other namespace",
            "deny get configmaps default other namespace",
            "deny get configmaps kube-system other namespace",
            "deny get secrets agents other resource",
            "deny list secrets agents other resource",
            "deny create pods agents other resource",
            "deny create pods/exec agents other resource",
            "deny create serviceaccounts/token agents other resource",
            "deny create rolebindings.rbac.authorization.k8s.io agents other resource",
            "deny get configmaps (cluster) cluster scope",
            ...CLUSTER_ROWS,
        ]);
    });

    it("reads verbs from access, groups and subresources from the declaration, and keeps a declared sensitive resource allowed", () => {
        const matrix = buildAccessMatrix(agentWith([
            { connector: "kubernetes", namespace: "ops", apiGroups: ["apps"], resources: ["deployments"], access: "read" },
            { connector: "kubernetes", namespace: "ops", resources: ["pods/log", "secrets"], verbs: ["get"] },
        ]), settings)!;
        const allowed = rows(matrix.checks.filter((c) => c.expected === "allow"));
        assert.deepStrictEqual(allowed, [
            "allow get deployments.apps ops declared", "allow list deployments.apps ops declared", "allow watch deployments.apps ops declared",
            "allow get pods/log ops declared", "allow get secrets ops declared",
        ]);
        const inOps = rows(matrix.checks.filter((c) => c.namespace === "ops" && c.expected === "deny"));
        assert.ok(inOps.includes("deny list secrets ops other verb"), "a declared get on secrets still denies list");
        assert.ok(!inOps.some((r) => r.startsWith("deny get secrets ops")), "the declared row is not also a neighbour");
        assert.ok(inOps.includes("deny create pods/log ops other verb"));
        assert.deepStrictEqual(matrix.checks.find((c) => c.resource === "pods" && c.subresource === "log" && c.verb === "get"), {
            verb: "get", group: "", resource: "pods", subresource: "log", namespace: "ops", expected: "allow", why: "declared",
        });
    });

    it("uses the fleet's default namespace for a grant without one, and checks the SA's own namespace as a neighbour only when not granted", () => {
        const matrix = buildAccessMatrix(agentWith([{ connector: "kubernetes", resources: ["configmaps"], verbs: ["list"] }]), settings)!;
        assert.deepStrictEqual(rows(matrix.checks).filter((r) => r.includes(" other namespace")), [
            "deny list configmaps default other namespace", "deny list configmaps kube-system other namespace",
        ]);
        assert.strictEqual(rows(matrix.checks)[0], "allow list configmaps agents declared");
    });

    it("expects nothing allowed once the agent has expired, whatever onExpiry says", () => {
        for (const onExpiry of ["delete", "disable"] as const) {
            const matrix = buildAccessMatrix(agentWith([{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] }],
                { expiresAt: "2026-11-30T00:00:00Z", onExpiry }), settings)!;
            assert.strictEqual(matrix.effect, `expired, onExpiry: ${onExpiry}`);
            assert.deepStrictEqual(matrix.checks.filter((c) => c.expected === "allow"), []);
            assert.strictEqual(rows(matrix.checks)[0], "deny get configmaps support declared");
        }
    });

    it("checks an agent without kubernetes grants against its own namespace and cluster scope", () => {
        const matrix = buildAccessMatrix(agentWith([{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::b/p/*"] }]), settings)!;
        assert.deepStrictEqual(rows(matrix.checks), [
            "deny get secrets agents other resource", "deny list secrets agents other resource", "deny create pods agents other resource",
            "deny create pods/exec agents other resource", "deny create serviceaccounts/token agents other resource",
            "deny create rolebindings.rbac.authorization.k8s.io agents other resource",
            ...CLUSTER_ROWS,
        ]);
    });

    it("has no matrix for an agent without a Kubernetes identity", () => {
        const agent = agentWith([{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::b/p/*"] }], { identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a" } } });
        assert.strictEqual(buildAccessMatrix(agent, settings), undefined);
    });
});

describe("access review table", () => {
    it("prints expected and actual answers and marks each disagreement", () => {
        const text = renderAccessReview({
            agent: "reader", server: "https://127.0.0.1:6443", user: "system:serviceaccount:agents:reader-sa", effect: "active", disagreements: 1,
            answers: [
                { verb: "get", group: "", resource: "configmaps", namespace: "support", expected: "allow", why: "declared", allowed: true, reason: "RBAC: allowed by RoleBinding", agrees: true },
                { verb: "list", group: "", resource: "secrets", namespace: "support", expected: "deny", why: "other resource", allowed: true, reason: "RBAC: allowed by RoleBinding", agrees: false },
                { verb: "list", group: "", resource: "namespaces", expected: "deny", why: "cluster scope", allowed: false, reason: "", agrees: true },
            ],
        });
        assert.strictEqual(text, [
            "what the API server allows system:serviceaccount:agents:reader-sa (https://127.0.0.1:6443, agent reader, active):",
            "     expected  answer  verb  resource    namespace  why",
            "     allow     allow   get   configmaps  support    declared",
            "  ✗  deny      allow   list  secrets     support    other resource",
            "     deny      deny    list  namespaces  (cluster)  cluster scope",
            "  1 of 3 checks disagree with the declaration (marked ✗)",
            "",
        ].join("\n"));
    });
});
