import * as assert from "assert";
import { kubernetesAccess, ResourceView, UNKNOWN } from "../../../provider/policy/policies";
import { rulesProblems } from "../../../provider/policy/kubernetes";
import { AGENT_URN, clusterRoleBinding, CONFIG, doc, ISSUER, k8sRole, resource, role, roleBinding, SA_ANNOTATIONS, serviceAccount, TRIAGE_SA, TRUST } from "./stacks";
import { KubeObject, rbacAllows, RbacRequest } from "../../helpers/rbacAuthorizer";

/**
 * agent-kubernetes-access on hand-written stacks: which service accounts a binding reaches and which role
 * it grants, each claim judged by an RBAC oracle written from the Kubernetes documentation (test/helpers/rbacAuthorizer.ts)
 * that shares no code with the pack — the violating stack lets the agent's service account make the
 * request, its compliant twin does not, and the pack flags exactly the first.
 */

const messages = (found: { message: string }[]) => found.map((v) => v.message);
const check = (stack: ResourceView[]) => messages(kubernetesAccess.check(stack, CONFIG));
/** The stack's resources as Kubernetes objects: the kind is the last part of the Pulumi type token. */
function kubeObjectsOf(resources: readonly { type: string; props: Record<string, unknown> }[]): KubeObject[] {
    return resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => ({ ...r.props, kind: r.type.split(":").pop()! }));
}
const reaches = (stack: ResourceView[], account: { namespace: string; name: string }, request: RbacRequest) => rbacAllows(kubeObjectsOf(stack), account, request);

const TRIAGE = { namespace: "agents", name: "triage" };
const sa = serviceAccount("triage", {}, SA_ANNOTATIONS);
const WILD = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];
const EXACT = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }];
const UNNAMED_SECRETS = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }];
const DELETE_PODS: RbacRequest = { namespace: "agents", verb: "delete", group: "", resource: "pods" };
const GET_SECRET: RbacRequest = { namespace: "agents", verb: "get", group: "", resource: "secrets", name: "stripe-key" };

const RB = "kubernetes.rbac.authorization.k8s.io.v1.RoleBinding";
const CRB = "kubernetes.rbac.authorization.k8s.io.v1.ClusterRoleBinding";
/** The pack's three findings on a rule of `*` apiGroups, resources and verbs. */
const wildFindings = (prefix: string) => ["apiGroups", "resources", "verbs"].map((field) => `${prefix}: rule 1 holds "*" in ${field}, which matches everything; name the exact ${field}`);
const SECRETS_FINDING = "rule 1 reaches every secret of the namespace (other identities' tokens and credentials) without an approval (annotation agentid.dev/approval on the service account); name the secrets it needs in resourceNames, or declare the grant with spec.approval";

const clusterRole = (name: string, rules: object[]) => resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", name, { metadata: { name }, rules });
/** A RoleBinding with the metadata given as is (a computed name, no namespace, no metadata at all). */
const bindingWith = (name: string, metadata: object | undefined, roleRef: object | undefined, subjects: unknown) =>
    resource("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", name, { ...(metadata ? { metadata } : {}), ...(roleRef ? { roleRef } : {}), subjects });
const NAMESPACELESS_TRIAGE = { kind: "ServiceAccount", name: "triage" };
/** The agent service account in the namespace "default" (no namespace given). */
const defaultSa = resource("kubernetes:core/v1:ServiceAccount", "triage", { metadata: { name: "triage", annotations: SA_ANNOTATIONS }, automountServiceAccountToken: false });
const billing = serviceAccount("billing", {}, SA_ANNOTATIONS);

interface Case {
    gap: string;
    violating: ResourceView[];
    messages: string[];
    compliant: ResourceView[];
    account?: { namespace: string; name: string };
    attempt: RbacRequest;
}

const CASES: Case[] = [
    {
        gap: "a ServiceAccount subject without a namespace binds the account of the RoleBinding's namespace",
        violating: [sa, k8sRole("admin", WILD), bindingWith("triage-admin", { name: "triage-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, [NAMESPACELESS_TRIAGE])],
        messages: wildFindings(`${RB} "triage-admin" (agents/triage-admin) gives agent service account agents/triage Role "admin"`),
        compliant: [sa, k8sRole("admin", WILD, "billing"), bindingWith("triage-admin", { name: "triage-admin", namespace: "billing" }, { kind: "Role", name: "admin" }, [NAMESPACELESS_TRIAGE])],
        attempt: DELETE_PODS,
    },
    {
        gap: "a ServiceAccount subject with an empty namespace binds the account of the RoleBinding's namespace (the authorizer reads \"\" as none)",
        violating: [sa, k8sRole("admin", WILD), bindingWith("triage-admin", { name: "triage-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, [{ ...NAMESPACELESS_TRIAGE, namespace: "" }])],
        messages: wildFindings(`${RB} "triage-admin" (agents/triage-admin) gives agent service account agents/triage Role "admin"`),
        compliant: [sa, k8sRole("admin", WILD, "billing"), bindingWith("triage-admin", { name: "triage-admin", namespace: "billing" }, { kind: "Role", name: "admin" }, [{ ...NAMESPACELESS_TRIAGE, namespace: "" }])],
        attempt: DELETE_PODS,
    },
    {
        gap: "a RoleBinding whose name is computed (not known at preview) still binds and grants in its namespace",
        violating: [sa, k8sRole("admin", WILD), bindingWith("triage-admin", { name: UNKNOWN, namespace: "agents" }, { kind: "Role", name: "admin" }, [NAMESPACELESS_TRIAGE])],
        messages: wildFindings(`${RB} "triage-admin" gives agent service account agents/triage Role "admin"`),
        compliant: [sa, k8sRole("admin", WILD, "billing"), bindingWith("triage-admin", { name: UNKNOWN, namespace: "billing" }, { kind: "Role", name: "admin" }, [NAMESPACELESS_TRIAGE])],
        attempt: DELETE_PODS,
    },
    {
        gap: "a RoleBinding with a computed name is reviewed by the Role of its namespace, not a same-named Role of \"default\"",
        violating: [sa, k8sRole("reader", EXACT, "default"), k8sRole("reader", WILD), bindingWith("triage-reader", { name: UNKNOWN, namespace: "agents" }, { kind: "Role", name: "reader" }, [TRIAGE_SA])],
        messages: wildFindings(`${RB} "triage-reader" gives agent service account agents/triage Role "reader"`),
        compliant: [sa, k8sRole("reader", WILD, "default"), k8sRole("reader", EXACT), bindingWith("triage-reader", { name: UNKNOWN, namespace: "agents" }, { kind: "Role", name: "reader" }, [TRIAGE_SA])],
        attempt: DELETE_PODS,
    },
    {
        gap: "a RoleBinding is reviewed by the Role of its own namespace, not a same-named Role of another",
        violating: [sa, k8sRole("reader", EXACT, "billing"), k8sRole("reader", WILD), roleBinding("triage-reader", { kind: "Role", name: "reader" }, [TRIAGE_SA])],
        messages: wildFindings(`${RB} "triage-reader" (agents/triage-reader) gives agent service account agents/triage Role "reader"`),
        compliant: [sa, k8sRole("reader", WILD, "billing"), k8sRole("reader", EXACT), roleBinding("triage-reader", { kind: "Role", name: "reader" }, [TRIAGE_SA])],
        attempt: DELETE_PODS,
    },
    {
        gap: "a RoleBinding is reviewed by the Role it names, not another Role of its namespace",
        violating: [sa, k8sRole("reader", EXACT), k8sRole("admin", WILD), roleBinding("triage-admin", { kind: "Role", name: "admin" }, [TRIAGE_SA])],
        messages: wildFindings(`${RB} "triage-admin" (agents/triage-admin) gives agent service account agents/triage Role "admin"`),
        compliant: [sa, k8sRole("admin", WILD), k8sRole("reader", EXACT), roleBinding("triage-reader", { kind: "Role", name: "reader" }, [TRIAGE_SA])],
        attempt: DELETE_PODS,
    },
    {
        gap: "a RoleBinding to a ClusterRole is reviewed by that ClusterRole's rules, not another's",
        violating: [sa, clusterRole("narrow", EXACT), clusterRole("wide", WILD), roleBinding("triage-wide", { kind: "ClusterRole", name: "wide" }, [TRIAGE_SA])],
        messages: wildFindings(`${RB} "triage-wide" (agents/triage-wide) gives agent service account agents/triage ClusterRole "wide"`),
        compliant: [sa, clusterRole("wide", WILD), clusterRole("narrow", EXACT), roleBinding("triage-narrow", { kind: "ClusterRole", name: "narrow" }, [TRIAGE_SA])],
        attempt: DELETE_PODS,
    },
    {
        gap: "a ClusterRoleBinding of system:authenticated, the group every service account's token authenticates into",
        violating: [sa, clusterRole("pod-reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), clusterRoleBinding("everyone", { kind: "ClusterRole", name: "pod-reader" }, [{ kind: "Group", name: "system:authenticated" }])],
        messages: [`${CRB} "everyone" binds agent service account agents/triage to ClusterRole "pod-reader" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`],
        compliant: [sa, clusterRole("pod-reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), clusterRoleBinding("everyone", { kind: "ClusterRole", name: "pod-reader" }, [{ kind: "Group", name: "system:unauthenticated" }])],
        attempt: { namespace: "payments", verb: "get", group: "", resource: "pods" },
    },
    {
        gap: "a RoleBinding without a namespace binds and grants in \"default\" (with or without metadata)",
        violating: [defaultSa, resource("kubernetes:rbac.authorization.k8s.io/v1:Role", "admin", { metadata: { name: "admin" }, rules: WILD }),
            bindingWith("triage-admin", undefined, { kind: "Role", name: "admin" }, [NAMESPACELESS_TRIAGE]), bindingWith("triage-admin-2", { name: "triage-admin-2" }, { kind: "Role", name: "admin" }, [NAMESPACELESS_TRIAGE])],
        messages: [
            ...wildFindings(`${RB} "triage-admin" gives agent service account default/triage Role "admin"`),
            ...wildFindings(`${RB} "triage-admin-2" gives agent service account default/triage Role "admin"`),
        ],
        compliant: [defaultSa, k8sRole("admin", WILD), bindingWith("triage-admin", { name: "triage-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, [NAMESPACELESS_TRIAGE])],
        account: { namespace: "default", name: "triage" },
        attempt: { ...DELETE_PODS, namespace: "default" },
    },
    {
        gap: "a binding of two agent service accounts to unnamed secrets, only one of them approved",
        violating: [serviceAccount("triage", {}, { ...SA_ANNOTATIONS, "agentid.dev/approval": "SEC-7" }), billing, k8sRole("secrets-reader", UNNAMED_SECRETS),
            roleBinding("secrets", { kind: "Role", name: "secrets-reader" }, [TRIAGE_SA, { kind: "ServiceAccount", name: "billing", namespace: "agents" }])],
        messages: [`${RB} "secrets" (agents/secrets) gives agent service account agents/triage, agents/billing Role "secrets-reader": ${SECRETS_FINDING}`],
        compliant: [serviceAccount("triage", {}, { ...SA_ANNOTATIONS, "agentid.dev/approval": "SEC-7" }), billing, k8sRole("secrets-reader", UNNAMED_SECRETS),
            roleBinding("secrets", { kind: "Role", name: "secrets-reader" }, [TRIAGE_SA])],
        account: { namespace: "agents", name: "billing" },
        attempt: GET_SECRET,
    },
    {
        gap: "unnamed secrets bound to an agent service account the stack does not declare (an IAM role trusts its tokens): no approval to read",
        violating: [role(TRUST.irsa), k8sRole("secrets-reader", UNNAMED_SECRETS), roleBinding("secrets", { kind: "Role", name: "secrets-reader" }, [TRIAGE_SA])],
        messages: [`${RB} "secrets" (agents/secrets) gives agent service account agents/triage Role "secrets-reader": ${SECRETS_FINDING}`],
        compliant: [role(TRUST.irsa), k8sRole("secrets-reader", [{ ...UNNAMED_SECRETS[0], resourceNames: ["triage-webhook"] }]), roleBinding("secrets", { kind: "Role", name: "secrets-reader" }, [TRIAGE_SA])],
        attempt: GET_SECRET,
    },
    {
        gap: "unnamed secrets bound to a declared agent service account with null or no annotations: no approval to read",
        violating: [role(TRUST.irsa), resource("kubernetes:core/v1:ServiceAccount", "triage", { metadata: { name: "triage", namespace: "agents", annotations: null }, automountServiceAccountToken: false }),
            resource("kubernetes:core/v1:ServiceAccount", "billing", { metadata: { name: "billing", namespace: "agents" }, automountServiceAccountToken: false }),
            resource("aws:iam/role:Role", "billing-role", { name: "billing-runner", tags: {}, assumeRolePolicy: JSON.stringify(doc({ ...TRUST.irsa.Statement[0], Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:billing" } } })) }),
            k8sRole("secrets-reader", UNNAMED_SECRETS), roleBinding("secrets", { kind: "Role", name: "secrets-reader" }, [TRIAGE_SA, { kind: "ServiceAccount", name: "billing", namespace: "agents" }])],
        messages: [`${RB} "secrets" (agents/secrets) gives agent service account agents/triage, agents/billing Role "secrets-reader": ${SECRETS_FINDING}`],
        compliant: [role(TRUST.irsa), resource("kubernetes:core/v1:ServiceAccount", "triage", { metadata: { name: "triage", namespace: "agents", annotations: { "agentid.dev/approval": "SEC-7" } }, automountServiceAccountToken: false }),
            k8sRole("secrets-reader", UNNAMED_SECRETS), roleBinding("secrets", { kind: "Role", name: "secrets-reader" }, [TRIAGE_SA])],
        account: { namespace: "agents", name: "billing" },
        attempt: GET_SECRET,
    },
];

describe("agent-kubernetes-access: objects without a namespace live where their Kubernetes provider puts them", () => {
    // The attack: the pack read every namespace-less object as "default", but pulumi-kubernetes puts it in the
    // provider's `namespace` option, else the kubeconfig context's namespace. A RoleBinding and Role written
    // without one, under a provider set to "agents", gave agents/triage every verb while the pack saw default/triage.
    const K8S_PROVIDER = "pulumi:providers:kubernetes";
    const under = (namespace: string | undefined, ...resources: ResourceView[]) =>
        resources.map((r) => ({ ...r, provider: { type: K8S_PROVIDER, props: namespace === undefined ? {} : { namespace } } }));
    /** What the provider applies (its docs: metadata.namespace, else the provider's namespace, else the context's). */
    const applied = (stack: ResourceView[], contextNamespace = "default") => kubeObjectsOf(stack).map((o) => {
        const view = stack.find((r) => r.props === (o as unknown) || (r.props.metadata !== undefined && r.props.metadata === o.metadata));
        const metadata = (o.metadata ?? {}) as Record<string, unknown>;
        const namespace = typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace
            : (view?.provider?.props.namespace as string | undefined) ?? contextNamespace;
        return { ...o, metadata: { ...metadata, namespace } };
    });
    const admin = () => resource("kubernetes:rbac.authorization.k8s.io/v1:Role", "admin", { metadata: { name: "admin" }, rules: WILD });
    const binding = (subjects: unknown, namespace?: unknown) =>
        bindingWith("triage-admin", { name: "triage-admin", ...(namespace !== undefined ? { namespace } : {}) }, { kind: "Role", name: "admin" }, subjects);
    const UNSEEN = `${RB} "triage-admin" gives agent service account agents/triage Role "admin" in a namespace the stack does not show — its metadata.namespace (or a subject's namespace) is not written or not known at preview, and its Kubernetes provider names no namespace, so the kubeconfig context's applies — so where it grants, and whom, cannot be reviewed; write metadata.namespace and each subject's namespace from known values`;

    it("reads the provider's namespace option: the binding and Role under a provider set to agents are reviewed there", () => {
        const violating = [sa, ...under("agents", admin(), binding([NAMESPACELESS_TRIAGE]))];
        const twin = [sa, ...under("billing", admin(), binding([NAMESPACELESS_TRIAGE]))];
        assert.deepStrictEqual(check(violating), wildFindings(`${RB} "triage-admin" gives agent service account agents/triage Role "admin"`));
        assert.deepStrictEqual(check(twin), []);
        assert.strictEqual(rbacAllows(applied(violating), TRIAGE, DELETE_PODS), true);
        assert.strictEqual(rbacAllows(applied(twin), TRIAGE, DELETE_PODS), false);
    });

    it("refuses a binding of an agent's account whose namespace no stack shows: none written and none in the provider (the context's applies)", () => {
        const violating = [sa, ...under(undefined, admin(), binding([NAMESPACELESS_TRIAGE]))];
        assert.deepStrictEqual(check(violating), [UNSEEN]);
        // The oracle, with the kubeconfig context in agents: the agent deletes pods there.
        assert.strictEqual(rbacAllows(applied(violating, "agents"), TRIAGE, DELETE_PODS), true);
        assert.deepStrictEqual(check([sa, ...under(undefined, k8sRole("admin", WILD, "billing"), binding([NAMESPACELESS_TRIAGE], "billing"))]), []);
        assert.deepStrictEqual(check([sa, ...under(undefined, admin(), binding([{ kind: "ServiceAccount", name: "builder" }]))]), [], "no agent account of that name");
    });

    it("refuses one whose namespace, or whose subject's namespace, is not known at preview (before: read as default, or as binding nobody)", () => {
        assert.deepStrictEqual(check([sa, admin(), binding([NAMESPACELESS_TRIAGE], UNKNOWN)]), [UNSEEN]);
        const subjectUnknown = bindingWith("triage-admin", { name: "triage-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, [{ kind: "ServiceAccount", name: "triage", namespace: UNKNOWN }]);
        assert.deepStrictEqual(check([sa, k8sRole("admin", WILD), subjectUnknown]), [UNSEEN.replace(`${RB} "triage-admin"`, `${RB} "triage-admin" (agents/triage-admin)`)]);
        assert.strictEqual(rbacAllows(kubeObjectsOf([sa, k8sRole("admin", WILD), { ...subjectUnknown, props: { ...subjectUnknown.props, subjects: [TRIAGE_SA] } }]), TRIAGE, DELETE_PODS), true);
    });

    it("refuses a binding that may reach an agent's account whose own namespace no stack shows: by name, its namespace's group, or its user name", () => {
        // Before: the account read as "<a namespace the stack does not show>/triage", which no subject written with a
        // namespace matched, so a RoleBinding in agents passed unreviewed — yet with the kubeconfig context in agents
        // the account is agents/triage, and the binding gives it every verb there.
        const unseenSa = { ...resource("kubernetes:core/v1:ServiceAccount", "triage", { metadata: { name: "triage", annotations: SA_ANNOTATIONS }, automountServiceAccountToken: false }), provider: { type: K8S_PROVIDER, props: {} } };
        const inAgents = (subject: object) => [unseenSa, k8sRole("admin", WILD), bindingWith("triage-admin", { name: "triage-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, [subject])];
        const MAY = `${RB} "triage-admin" (agents/triage-admin) may give agent service account triage Role "admin": the account's namespace is one the stack does not show — its metadata.namespace is not written or not known at preview, and its Kubernetes provider names no namespace, so the kubeconfig context's applies — so whether this binding reaches it cannot be reviewed; write the ServiceAccount's metadata.namespace from known values`;
        for (const subject of [TRIAGE_SA, { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccounts:agents" }, { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccount:agents:triage" }]) {
            assert.deepStrictEqual(check(inAgents(subject)), [MAY], JSON.stringify(subject));
            // The oracle, with the kubeconfig context in agents: the agent deletes pods there.
            assert.strictEqual(rbacAllows(applied(inAgents(subject), "agents"), TRIAGE, DELETE_PODS), true, JSON.stringify(subject));
        }
        assert.deepStrictEqual(check(inAgents({ kind: "ServiceAccount", name: "builder", namespace: "agents" })), [], "another account's name");
        assert.deepStrictEqual(check(inAgents({ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccount:agents:builder" })), [], "another account's user");
    });

    it("reads no other Group or User as reaching an agent's account whose namespace no stack shows, nor one whose name is no text", () => {
        const unseenAccount = (name: string) => ({ ...resource("kubernetes:core/v1:ServiceAccount", name, { metadata: { name, annotations: SA_ANNOTATIONS }, automountServiceAccountToken: false }), provider: { type: K8S_PROVIDER, props: {} } });
        const inAgents = (account: ResourceView, subject: object) => [account, k8sRole("admin", WILD), bindingWith("triage-admin", { name: "triage-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, [subject])];
        // Groups that are no namespace's service-account group, and names that are no text: nobody bound, no exception.
        for (const group of ["system:unauthenticated", "alice", "system:serviceaccount:agents:triage"]) {
            const stack = inAgents(unseenAccount("triage"), { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: group });
            assert.deepStrictEqual(check(stack), [], group);
            assert.strictEqual(rbacAllows(applied(stack, "agents"), TRIAGE, DELETE_PODS), false, group);
        }
        for (const name of [undefined, 7, ["system:serviceaccounts:agents"]]) {
            assert.deepStrictEqual(check(inAgents(unseenAccount("triage"), { kind: "Group", name })), [], JSON.stringify(name) ?? "no name");
            assert.deepStrictEqual(check(inAgents(unseenAccount("triage"), { kind: "User", name })), [], JSON.stringify(name) ?? "no name");
        }
        // A User name holding system:serviceaccount:<ns>: further in is no service account's: the authorizer matches the
        // whole name. (Only an account whose own name holds ':' — which the API server refuses — ends such a name.)
        const stack = inAgents(unseenAccount("agents:triage"), { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "x:system:serviceaccount:agents:triage" });
        assert.deepStrictEqual(check(stack), []);
    });

    it("names every agent account a binding may reach whose namespace no stack shows, comma-separated", () => {
        const unseenAccount = (name: string) => ({ ...resource("kubernetes:core/v1:ServiceAccount", name, { metadata: { name, annotations: SA_ANNOTATIONS }, automountServiceAccountToken: false }), provider: { type: K8S_PROVIDER, props: {} } });
        const stack = [unseenAccount("triage"), unseenAccount("billing"), k8sRole("admin", WILD),
            bindingWith("agents-admin", { name: "agents-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccounts:agents" }])];
        assert.deepStrictEqual(check(stack), [`${RB} "agents-admin" (agents/agents-admin) may give agent service account triage, billing Role "admin": the account's namespace is one the stack does not show — its metadata.namespace is not written or not known at preview, and its Kubernetes provider names no namespace, so the kubeconfig context's applies — so whether this binding reaches it cannot be reviewed; write the ServiceAccount's metadata.namespace from known values`]);
        // The oracle, with the kubeconfig context in agents: both accounts delete pods there.
        for (const account of [TRIAGE, { namespace: "agents", name: "billing" }]) assert.strictEqual(rbacAllows(applied(stack, "agents"), account, DELETE_PODS), true, account.name);
    });

    it("an empty metadata.namespace is none: the provider's namespace applies", () => {
        assert.deepStrictEqual(check([sa, ...under("agents", admin(), binding([NAMESPACELESS_TRIAGE], ""))]), wildFindings(`${RB} "triage-admin" gives agent service account agents/triage Role "admin"`));
    });

    it("an empty namespace option of the provider is none too: the context's applies, which no stack shows", () => {
        assert.deepStrictEqual(check([sa, ...under("", admin(), binding([NAMESPACELESS_TRIAGE]))]), [UNSEEN]);
    });

    describe("a subject's namespace not known at preview", () => {
        const inAgents = (subjects: unknown[]) => bindingWith("triage-admin", { name: "triage-admin", namespace: "agents" }, { kind: "Role", name: "admin" }, subjects);
        const reviewed = wildFindings(`${RB} "triage-admin" (agents/triage-admin) gives agent service account agents/triage Role "admin"`);
        const unseen = UNSEEN.replace(`${RB} "triage-admin"`, `${RB} "triage-admin" (agents/triage-admin)`);

        it("on one ServiceAccount subject among others is enough to refuse the binding", () => {
            assert.deepStrictEqual(check([sa, k8sRole("admin", WILD), inAgents([{ kind: "User", name: "alice" }, { kind: "ServiceAccount", name: "triage", namespace: UNKNOWN }])]), [unseen]);
        });

        it("on a Group or User subject changes nothing: the authorizer reads no namespace there (whatever it is, the Group binds agents/triage)", () => {
            for (const other of [{ kind: "Group", name: "system:serviceaccounts:agents" }, { kind: "User", name: "system:serviceaccount:agents:triage" }]) {
                assert.deepStrictEqual(check([sa, k8sRole("admin", WILD), inAgents([{ ...other, namespace: UNKNOWN }])]), reviewed, other.kind);
                for (const namespace of ["agents", "billing", "unseen"]) {
                    assert.strictEqual(reaches([sa, k8sRole("admin", WILD), inAgents([{ ...other, namespace }])], TRIAGE, DELETE_PODS), true, `${other.kind} ${namespace}`);
                }
            }
        });

        it("is not read from entries that are no subject beside the agent's own (null, absent, text, a number): the binding is reviewed", () => {
            assert.deepStrictEqual(check([sa, k8sRole("admin", WILD), inAgents([null, undefined, "system:serviceaccount:agents:triage", 7, TRIAGE_SA])]), reviewed);
        });
    });
});

describe("agent-kubernetes-access: whom a binding reaches and which rules it grants (judged by an RBAC oracle)", () => {
    for (const c of CASES) {
        describe(c.gap, () => {
            it("is flagged on the binding, each finding whole", () => assert.deepStrictEqual(check(c.violating), c.messages));
            it("passes the compliant twin", () => assert.deepStrictEqual(check(c.compliant), []));
            it(`oracle: the violating stack lets the agent ${c.attempt.verb} ${c.attempt.resource} in ${c.attempt.namespace}; the twin does not`, () => {
                assert.strictEqual(reaches(c.violating, c.account ?? TRIAGE, c.attempt), true);
                assert.strictEqual(reaches(c.compliant, c.account ?? TRIAGE, c.attempt), false);
            });
        });
    }

    describe("subjects that are not the agent's service account bind nothing", () => {
        const viewer = clusterRole("viewer", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
        const GET_PODS: RbacRequest = { namespace: "agents", verb: "get", group: "", resource: "pods" };
        const OTHERS: unknown[] = [
            null, undefined, "system:serviceaccount:agents:triage", 7,
            { name: "system:serviceaccount:agents:triage" }, { kind: "Other", name: "system:serviceaccount:agents:triage" },
            { kind: "User", name: "alice" }, { kind: "User", name: "system:serviceaccount:agents:billing" },
            // The agent account's name in another namespace, or alone, is no user name of agents/triage.
            { kind: "User", name: "system:serviceaccount:billing:triage" }, { kind: "User", name: "triage" },
            { kind: "ServiceAccount", name: "triage", namespace: "billing" }, { kind: "ServiceAccount", name: "billing", namespace: "agents" },
            { kind: "Group", name: "system:serviceaccounts:billing" }, { kind: "Group", name: "system:unauthenticated" },
        ];
        for (const subject of OTHERS) {
            it(`${JSON.stringify(subject) ?? "undefined"}: no finding, and the oracle agrees; beside the agent's own subject, the binding is flagged`, () => {
                const alone = [sa, viewer, clusterRoleBinding("others", { kind: "ClusterRole", name: "viewer" }, [subject as object])];
                assert.deepStrictEqual(check(alone), []);
                assert.strictEqual(reaches(alone, TRIAGE, GET_PODS), false);
                const beside = [sa, viewer, clusterRoleBinding("others", { kind: "ClusterRole", name: "viewer" }, [subject as object, TRIAGE_SA])];
                assert.deepStrictEqual(check(beside), [
                    `${CRB} "others" binds agent service account agents/triage to ClusterRole "viewer" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`,
                ]);
                assert.strictEqual(reaches(beside, TRIAGE, GET_PODS), true);
            });
        }

        it("a binding without subjects, or with subjects that are no list, binds nobody (the oracle agrees)", () => {
            for (const subjects of [undefined, null, TRIAGE_SA, "system:serviceaccount:agents:triage"]) {
                const stack = [sa, viewer, resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "odd", { metadata: { name: "odd" }, roleRef: { kind: "ClusterRole", name: "viewer" }, subjects })];
                assert.deepStrictEqual(check(stack), [], JSON.stringify(subjects));
                assert.strictEqual(reaches(stack, TRIAGE, GET_PODS), false);
            }
        });

        it("leaves alone a RoleBinding of a service account that is no agent's, even to a role the stack does not define", () => {
            assert.deepStrictEqual(check([sa, roleBinding("builder-admin", { kind: "ClusterRole", name: "admin" }, [{ kind: "ServiceAccount", name: "builder", namespace: "agents" }])]), []);
        });
    });

    describe("subjects not known at preview", () => {
        const computed = (extra: Partial<ResourceView>) => resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "computed",
            { metadata: { name: "computed" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: UNKNOWN }, extra);

        it("bind nothing when the engine reports no dependency for them", () => {
            assert.deepStrictEqual(check([sa, computed({})]), []);
        });

        it("an entry of the list not known at preview binds the accounts it was computed from; an entry that is no subject binds none, even computed from them", () => {
            const listed = (subjects: unknown[], dependencies: string[]) => resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "computed",
                { metadata: { name: "computed" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects }, { propertyDependencies: { subjects: dependencies } });
            const bound = `${CRB} "computed" binds agent service account agents/triage to ClusterRole "view" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`;
            assert.deepStrictEqual(check([sa, listed([UNKNOWN], [sa.urn])]), [bound]);
            assert.deepStrictEqual(check([sa, listed([UNKNOWN], [billing.urn])]), []);
            assert.deepStrictEqual(check([sa, listed([null, "system:serviceaccount:agents:triage", 7], [sa.urn])]), []);
        });

        it("a subject whose kind or name is not known binds the accounts it was computed from, whatever else it says", () => {
            const one = (subject: object, dependencies: string[]) => resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "computed",
                { metadata: { name: "computed" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: [subject] }, { propertyDependencies: { subjects: dependencies } });
            const bound = `${CRB} "computed" binds agent service account agents/triage to ClusterRole "view" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`;
            for (const subject of [{ kind: UNKNOWN, name: "triage", namespace: "agents" }, { kind: UNKNOWN, name: "billing", namespace: "agents" },
                { kind: "ServiceAccount", name: UNKNOWN, namespace: "agents" }]) {
                assert.deepStrictEqual(check([sa, one(subject, [sa.urn])]), [bound], String(subject.kind));
                assert.deepStrictEqual(check([sa, one(subject, [billing.urn])]), [], String(subject.kind));
            }
        });

        it("a RoleBinding whose subjects are not known, computed from the agent's account, is reviewed in its own namespace", () => {
            const computedRoleBinding = bindingWith("computed", { name: "computed", namespace: "agents" }, { kind: "Role", name: "admin" }, UNKNOWN);
            assert.deepStrictEqual(check([sa, k8sRole("admin", WILD), { ...computedRoleBinding, propertyDependencies: { subjects: [sa.urn] } }]),
                wildFindings(`${RB} "computed" (agents/computed) gives agent service account agents/triage Role "admin"`));
        });

        it("bind only declared agent service accounts they were computed from (an undeclared one has no URN to come from)", () => {
            assert.deepStrictEqual(check([role(TRUST.irsa), computed({ propertyDependencies: { subjects: [sa.urn] } })]), []);
            assert.deepStrictEqual(check([sa, computed({ propertyDependencies: { subjects: [sa.urn] } })]), [
                `${CRB} "computed" binds agent service account agents/triage to ClusterRole "view" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`,
            ]);
        });
    });

    describe("roles whose rules cannot be reviewed", () => {
        it("flags rules not known at preview outside an Agent, and leaves an Agent's to be checked once known", () => {
            for (const rules of [UNKNOWN, [{ apiGroups: [""], resources: ["pods"], verbs: UNKNOWN }]]) {
                const computed = resource("kubernetes:rbac.authorization.k8s.io/v1:Role", "reader", { metadata: { name: "reader", namespace: "agents" }, rules });
                assert.deepStrictEqual(check([sa, computed, roleBinding("triage-reader", { kind: "Role", name: "reader" }, [TRIAGE_SA])]), [
                    `${RB} "triage-reader" (agents/triage-reader) gives agent service account agents/triage Role "reader", whose rules are not known at preview (computed from other resources' outputs), so they cannot be reviewed — write them from known values`,
                ]);
                const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
                const declared = { ...computed, parent: AGENT_URN };
                assert.deepStrictEqual(check([agent, sa, declared, roleBinding("triage-reader", { kind: "Role", name: "reader" }, [TRIAGE_SA])]), []);
            }
        });

        it("names a missing roleRef, kind or name as such, beside roles whose own names are not known", () => {
            const nameless = [
                resource("kubernetes:rbac.authorization.k8s.io/v1:Role", "computed-role", { metadata: { name: UNKNOWN, namespace: "agents" }, rules: EXACT }),
                resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "computed-cluster-role", { metadata: { name: UNKNOWN }, rules: EXACT }),
                resource("kubernetes:rbac.authorization.k8s.io/v1:Role", "no-metadata-role", { rules: EXACT }),
            ];
            const undefinedRole = (label: string) => `${label}, which this stack does not define, so its rules cannot be reviewed (built-in roles such as admin or edit reach secrets and workloads) — define a Role with the exact rules here`;
            const gives = (name: string) => `${RB} "${name}" (agents/${name}) gives agent service account agents/triage`;
            assert.deepStrictEqual(check([sa, ...nameless,
                bindingWith("no-ref", { name: "no-ref", namespace: "agents" }, undefined, [TRIAGE_SA]),
                bindingWith("no-name", { name: "no-name", namespace: "agents" }, { kind: "Role" }, [TRIAGE_SA]),
                bindingWith("no-cluster-name", { name: "no-cluster-name", namespace: "agents" }, { kind: "ClusterRole" }, [TRIAGE_SA]),
                bindingWith("no-kind", { name: "no-kind", namespace: "agents" }, { name: "reader" }, [TRIAGE_SA]),
                bindingWith("cluster-viewer", { name: "cluster-viewer", namespace: "agents" }, { kind: "ClusterRole", name: "viewer" }, [TRIAGE_SA]),
                bindingWith("computed-name", { name: "computed-name", namespace: "agents" }, { kind: "Role", name: UNKNOWN }, [TRIAGE_SA]),
                resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "cluster-no-ref", { metadata: { name: "cluster-no-ref" }, subjects: [TRIAGE_SA] }),
            ]), [
                `${CRB} "cluster-no-ref" binds agent service account agents/triage to role "?" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`,
                undefinedRole(`${gives("no-ref")} role "?"`),
                undefinedRole(`${gives("no-name")} Role "?"`),
                undefinedRole(`${gives("no-cluster-name")} ClusterRole "?"`),
                undefinedRole(`${gives("no-kind")} role "reader"`),
                undefinedRole(`${gives("cluster-viewer")} ClusterRole "viewer"`),
                undefinedRole(`${gives("computed-name")} Role (a name not known at preview)`),
            ]);
        });
    });

    describe("rules an agent may not hold (rulesProblems)", () => {
        it("skips entries that are no rule, counting them in the rule numbers, and names every pattern of every field", () => {
            assert.deepStrictEqual(rulesProblems([null, undefined, "get", {
                apiGroups: ["apps"], resources: ["*", "pods/*"], verbs: ["get", "*"], resourceNames: ["web-?"], nonResourceURLs: ["/metrics/*"],
            }]), [
                `rule 4 holds "*", "pods/*" in resources, which matches everything; name the exact resources`,
                `rule 4 holds "*" in verbs, which matches everything; name the exact verbs`,
                `rule 4 holds "web-?" in resourceNames, which matches everything; name the exact resourceNames`,
                `rule 4 holds "/metrics/*" in nonResourceURLs, which matches everything; name the exact nonResourceURLs`,
            ]);
        });

        it("reads rules that are no list as none", () => {
            for (const rules of [undefined, null, {}, "secrets"]) assert.deepStrictEqual(rulesProblems(rules), [], JSON.stringify(rules));
        });

        it("refuses unnamed secrets unless told the agent is approved (not approved by default)", () => {
            assert.deepStrictEqual(rulesProblems(UNNAMED_SECRETS), [SECRETS_FINDING]);
            assert.deepStrictEqual(rulesProblems(UNNAMED_SECRETS, false), [SECRETS_FINDING]);
            assert.deepStrictEqual(rulesProblems(UNNAMED_SECRETS, true), []);
        });
    });

    describe("token automount", () => {
        const mountFinding = (label: string, reason: string, setting: string) =>
            `kubernetes.core.v1.ServiceAccount "${label}" (agents/triage) is an agent service account (${reason}) that mounts a long-lived API token into every pod (${setting}); agents use SPIFFE or IAM credentials — set automountServiceAccountToken: false, or declare identity.kubernetes.automountToken: true`;

        it("says nothing of an agent service account the stack does not declare (no resource to set it on)", () => {
            assert.deepStrictEqual(check([role(TRUST.irsa)]), []);
        });

        it("flags a mounted token on a service account with null or no annotations, naming the setting", () => {
            for (const metadata of [{ name: "triage", namespace: "agents", annotations: null }, { name: "triage", namespace: "agents" }]) {
                const mounted = resource("kubernetes:core/v1:ServiceAccount", "triage", { metadata, automountServiceAccountToken: true });
                assert.deepStrictEqual(check([role(TRUST.irsa), mounted]), [
                    mountFinding("triage", `IAM role "triage-role" trusts its tokens`, "automountServiceAccountToken is true"),
                ], JSON.stringify(metadata));
            }
        });

        it("leaves an Agent's setting unknown at preview to be checked once known, even with its annotations known", () => {
            const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
            assert.deepStrictEqual(check([agent, serviceAccount("triage", { automountServiceAccountToken: UNKNOWN }, SA_ANNOTATIONS, { parent: AGENT_URN })]), []);
        });
    });
});
