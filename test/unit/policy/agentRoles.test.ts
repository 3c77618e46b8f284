import * as assert from "assert";
import { agentRolesOf, agentServiceAccountsOf, objectName, selectorsOf, workloadTrustReason } from "../../../provider/policy/agentRoles";
import { kubernetesAccess, pinnedTrust } from "../../../provider/policy/policies";
import { ResourceView, UNKNOWN } from "../../../provider/policy/resourceView";
import { StackView } from "../../../provider/policy/stackView";
import { ACCOUNT, AGENT_URN, ANCHOR, CLUSTER, clusterRoleBinding, CONFIG, doc, ISSUER, OIDC, resource, role, serviceAccount, SPIFFE, TRUST, until } from "./stacks";
import { assume, ROLE_ARN } from "./simulator";

/**
 * Which roles and service accounts are agents' (provider/policy/agentRoles.ts), reason by reason; which accounts a
 * Pod Identity or Roles Anywhere trust admits is judged by the IAM simulator (it cannot judge IRSA subjects).
 */

describe("agent roles: what a trust policy says about its role", () => {
    const trustReading = (key: string) => [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole", Condition: { StringEquals: { [key]: "x" } } }];

    it("takes a trust reading a workload's session keys (any case) for an agent's, and only AWS's own global keys", () => {
        const keys = ["aws:RequestTag/kubernetes-namespace", "AWS:principaltag/X509SAN/URI", "aws:RequestTag/team", "aws:PrincipalTag/department",
            "saml:aws:PrincipalTag/x509SAN/URI", "myorg:aws:RequestTag/kubernetes-namespace"];
        assert.deepStrictEqual(keys.map((key) => workloadTrustReason(trustReading(key))), [
            "its trust reads the workload condition key aws:RequestTag/kubernetes-namespace", "its trust reads the workload condition key AWS:principaltag/X509SAN/URI",
            undefined, undefined, undefined, undefined,
        ]);
    });

    it("reads Allow statements only: a Deny naming an agent service trusts nobody", () => {
        const pods = { Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] };
        assert.strictEqual(workloadTrustReason([{ Effect: "Deny", ...pods }]), undefined);
        assert.strictEqual(workloadTrustReason([{ Effect: "Deny", ...pods }, { Effect: "Allow", ...pods }]), "it trusts pods.eks.amazonaws.com");
    });

    it("takes a statement allowing sts:AssumeRoleWithWebIdentity (any case, among other actions) for an agent's, whoever its principal", () => {
        const allowing = (principal: unknown, action: unknown) => workloadTrustReason([{ Effect: "Allow", Principal: principal, Action: action }]);
        assert.deepStrictEqual([
            allowing({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, ["sts:AssumeRole", "STS:AssumeRoleWithWebIdentity"]),
            allowing("*", "sts:assumerolewithwebidentity"),
            allowing({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, ["sts:AssumeRole", "sts:TagSession"]),
            allowing("*", "sts:AssumeRoleWithSAML"),
        ], ["it allows sts:AssumeRoleWithWebIdentity", "it allows sts:AssumeRoleWithWebIdentity", undefined, undefined]);
    });

    it("skips condition blocks that are not objects and still finds a workload key in the next one", () => {
        const reading = (Condition: Record<string, unknown>) => workloadTrustReason([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole", Condition }]);
        assert.deepStrictEqual([
            reading({ StringEquals: null }),
            reading({ StringEquals: undefined }),
            reading({ StringEquals: "aws:RequestTag/kubernetes-namespace" }),
            reading({ StringEquals: null, StringLike: undefined, ForAnyValue: { "aws:RequestTag/kubernetes-service-account": "triage" } }),
        ], [undefined, undefined, undefined, "its trust reads the workload condition key aws:RequestTag/kubernetes-service-account"]);
    });
});

/** A trust an IAM principal of the account may use: no workload in it. */
const ACCOUNT_TRUST = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" });
const ROLE = "aws:iam/role:Role";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const plainRole = (name: string, props: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}) =>
    resource(ROLE, name, { name, assumeRolePolicy: JSON.stringify(ACCOUNT_TRUST), ...props }, extra);

describe("agent roles of a stack: every reason a role is an agent's, first one first", () => {
    it("gives the agentid tag, the agent- name, a Pod Identity association and an enclosing Agent as reasons, and passes a role with none (named or auto-named)", () => {
        const tagged = plainRole("billing-runner", { tags: { "agentid:name": "billing" } });
        const named = plainRole("agent-reports", { tags: { team: "data" } });
        const associated = plainRole("sync-runner");
        const declared = plainRole("triage-runner", {}, { parent: AGENT_URN });
        const ordinary = plainRole("deploy-runner", { tags: { team: "platform" } });
        const untagged = plainRole("ci-runner", { tags: null });
        const autonamed = plainRole("web-runner", { name: undefined });
        const association = resource(ASSOCIATION, "sync-pods", { clusterName: "prod", namespace: "sync", serviceAccount: "sync", roleArn: `arn:aws:iam::${ACCOUNT}:role/sync-runner` });
        const trust = { kind: "known", statements: ACCOUNT_TRUST.Statement };
        assert.deepStrictEqual(agentRolesOf(new StackView([tagged, named, associated, declared, ordinary, untagged, autonamed, association])), [
            { role: tagged, reason: "it is tagged agentid:name", trust },
            { role: named, reason: "it is named agent-…", trust },
            { role: associated, reason: `pods assume it through Pod Identity association "sync-pods"`, trust },
            { role: declared, reason: "an agentid Agent declares it", trust },
        ]);
    });
});

describe("agent roles: the namespace and name of a Kubernetes object", () => {
    it("reads metadata.name and metadata.namespace, defaults the namespace, and gives nothing without a name", () => {
        const named = (props: Record<string, unknown>) => objectName(resource("kubernetes:core/v1:ServiceAccount", "sa", props));
        assert.deepStrictEqual([
            named({ metadata: { name: "triage", namespace: "agents" } }),
            named({ metadata: { name: "triage" } }),
            named({ metadata: { name: "triage", namespace: 7 } }),
            named({ metadata: { name: 7, namespace: "agents" } }),
            named({ metadata: { namespace: "agents" } }),
            named({}),
        ], [
            { namespace: "agents", name: "triage" }, { namespace: "default", name: "triage" }, { namespace: "default", name: "triage" },
            undefined, undefined, undefined,
        ]);
    });
});

describe("agent roles: a SPIRE entry's selectors", () => {
    it("reads them as type:value in the entry's order, leaves out those without a text type and value, and gives none for selectors that are not a list", () => {
        const selectors = (value: unknown) => selectorsOf(resource("agentid:spire:Entry", "e", { spiffeId: SPIFFE, selectors: value }));
        assert.deepStrictEqual([
            selectors([{ type: "unix", value: "uid:1000" }, null, { type: "unix" }, { value: "uid:1001" }, { type: 7, value: "x" }, { type: "k8s", value: 8 }, { type: "docker", value: "label:app:triage" }]),
            selectors({ type: "unix", value: "uid:1000" }),
            selectors(undefined),
        ], [["unix:uid:1000", "docker:label:app:triage"], [], []]);
    });
});

/** Whether a pod's session tags (EKS Pod Identity) let it assume the role, says the simulator. */
const assumeAsPod = (trust: object, namespace: string, name: string) => assume(trust, {
    principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole",
    context: { "aws:RequestTag/kubernetes-namespace": namespace, "aws:RequestTag/kubernetes-service-account": name, "aws:SourceAccount": ACCOUNT, "aws:SourceArn": CLUSTER },
});

describe("agent service accounts: the accounts a stack's agents run as", () => {
    const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
    const IRSA_REASON = "it assumes an IAM role through IRSA (eks.amazonaws.com/role-arn)";

    it("finds the accounts agentid declares, annotates or labels and those an IRSA annotation names, each with its reason, and no other", () => {
        const agentRole = role(ACCOUNT_TRUST);
        const declared = serviceAccount("triage", {}, {}, { parent: AGENT_URN });
        const annotated = serviceAccount("billing", {}, { "agentid.dev/owner-team": "finance" });
        const labelled = serviceAccount("reports", { metadata: { name: "reports", namespace: "data", labels: { "app.kubernetes.io/managed-by": "agentid" } } });
        const helm = serviceAccount("web", { metadata: { name: "web", namespace: "data", labels: { "app.kubernetes.io/managed-by": "Helm" } } });
        const irsa = serviceAccount("sync", {}, { [ROLE_ARN_ANNOTATION]: ROLE_ARN });
        const foreign = serviceAccount("legacy", {}, { [ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role/legacy-runner` });
        const unnamed = serviceAccount("unnamed", { metadata: { namespace: "agents", annotations: { "agentid.dev/owner-team": "support", [ROLE_ARN_ANNOTATION]: ROLE_ARN } } });
        const bare = serviceAccount("bare", { metadata: undefined });
        const ordinary = serviceAccount("default", {}, { "mirror.agentid.dev/source": "registry" });
        const stack = new StackView([agentRole, declared, annotated, labelled, helm, irsa, foreign, unnamed, bare, ordinary]);
        assert.deepStrictEqual(agentServiceAccountsOf(stack, agentRolesOf(stack)), [
            { namespace: "agents", name: "triage", reason: "an agentid Agent declares it", roles: [], resource: declared },
            { namespace: "agents", name: "billing", reason: "it carries agentid.dev annotations", roles: [], resource: annotated },
            { namespace: "data", name: "reports", reason: "it is labelled app.kubernetes.io/managed-by: agentid", roles: [], resource: labelled },
            { namespace: "agents", name: "sync", reason: IRSA_REASON, roles: [agentRole], resource: irsa },
            { namespace: "agents", name: "legacy", reason: IRSA_REASON, roles: [], resource: foreign },
        ]);
    });

    it("links an IRSA annotation not known at preview to the agent role it is computed from, and only to that one", () => {
        const agentRole = role(ACCOUNT_TRUST);
        const computed = serviceAccount("triage", {}, { [ROLE_ARN_ANNOTATION]: UNKNOWN as unknown as string }, { propertyDependencies: { metadata: [agentRole.urn] } });
        const elsewhere = serviceAccount("billing", {}, { [ROLE_ARN_ANNOTATION]: UNKNOWN as unknown as string }, { propertyDependencies: { automountServiceAccountToken: [agentRole.urn] } });
        const stack = new StackView([agentRole, computed, elsewhere]);
        assert.deepStrictEqual(agentServiceAccountsOf(stack, agentRolesOf(stack)), [
            { namespace: "agents", name: "triage", reason: IRSA_REASON, roles: [agentRole], resource: computed },
            { namespace: "agents", name: "billing", reason: IRSA_REASON, roles: [], resource: elsewhere },
        ]);
    });

    it("reads the IRSA subjects of a role's Allow statements under :sub keys only, whatever else its conditions hold", () => {
        const sub = `${ISSUER}:sub`;
        const tokens = { Sid: "Tokens", Effect: "Allow", Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity", Condition: {
            StringEquals: { [sub]: ["system:serviceaccount:agents:triage", "system:serviceaccount:ci:builder", "repo:example/app:ref:refs/heads/main"], [`${ISSUER}:aud`]: "sts.amazonaws.com",
                "aws:PrincipalTag/owner": "system:serviceaccount:agents:decoy" },
        } };
        const notThem = { Sid: "NotThem", Effect: "Deny", Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { [sub]: "system:serviceaccount:agents:blocked" } } };
        // As a program may hand it over (an object, not JSON): condition blocks that are null, undefined or text are skipped.
        const trust = doc({ ...tokens, Condition: { Bool: null, Null: undefined, StringNotLike: "system:serviceaccount:agents:text", ...tokens.Condition } }, notThem);
        const agentRole = role(trust, { assumeRolePolicy: trust });
        const stack = new StackView([agentRole]);
        const reason = `IAM role "triage-role" trusts its tokens`;
        assert.deepStrictEqual(agentServiceAccountsOf(stack, agentRolesOf(stack)), [
            { namespace: "agents", name: "triage", reason, roles: [agentRole] },
            { namespace: "ci", name: "builder", reason, roles: [agentRole] },
        ]);
        // The simulator drops OIDC-provider keys (`<issuer>:sub`) and refuses every IRSA request, so it cannot judge these:
        // IAM admits a token whose subject is any of the :sub values, and an explicit Deny overrides every Allow.
    });

    it("reads Pod Identity session tags pinned in any order, every pinned namespace with every pinned account, and none when either is not pinned — as the simulator admits them", async () => {
        const pinned = (condition: Record<string, string | string[]>) => doc({ Sid: "Pods", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: condition, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } });
        const reordered = pinned({ "aws:SourceAccount": ACCOUNT, "AWS:RequestTag/Kubernetes-Service-Account": "triage", "aws:RequestTag/kubernetes-namespace": "agents" });
        const twoNamespaces = pinned({ "aws:RequestTag/kubernetes-namespace": ["ci", "sandbox"], "aws:RequestTag/kubernetes-service-account": "builder", "aws:SourceAccount": ACCOUNT });
        const namespaceOnly = pinned({ "aws:RequestTag/kubernetes-namespace": "web", "aws:SourceAccount": ACCOUNT });
        const accountOnly = pinned({ "aws:RequestTag/kubernetes-service-account": "deployer", "aws:SourceAccount": ACCOUNT });
        const roles = [reordered, twoNamespaces, namespaceOnly, accountOnly].map((trust, i) => resource(ROLE, `role-${i}`, { name: `runner-${i}`, assumeRolePolicy: JSON.stringify(trust) }));
        const stack = new StackView(roles);
        assert.deepStrictEqual(agentServiceAccountsOf(stack, agentRolesOf(stack)), [
            { namespace: "agents", name: "triage", reason: `IAM role "role-0" trusts its pods`, roles: [roles[0]] },
            { namespace: "ci", name: "builder", reason: `IAM role "role-1" trusts its pods`, roles: [roles[1]] },
            { namespace: "sandbox", name: "builder", reason: `IAM role "role-1" trusts its pods`, roles: [roles[1]] },
        ]);
        const pods: [object, string, string][] = [
            [reordered, "agents", "triage"], [reordered, "sandbox", "triage"], [reordered, "agents", "builder"],
            [twoNamespaces, "ci", "builder"], [twoNamespaces, "sandbox", "builder"], [twoNamespaces, "agents", "builder"], [twoNamespaces, "ci", "triage"],
        ];
        const judged: string[] = [];
        for (const [trust, namespace, name] of pods) judged.push(`${namespace}/${name}: ${await assumeAsPod(trust, namespace, name)}`);
        assert.deepStrictEqual(judged, [
            "agents/triage: Allowed", "sandbox/triage: Denied", "agents/builder: Denied",
            "ci/builder: Allowed", "sandbox/builder: Allowed", "agents/builder: Denied", "ci/triage: Denied",
        ]);
    });

    it("lets the pack review the RBAC of every account a Pod Identity trust pinning two namespaces admits (which agent-pinned-trust refuses too)", async () => {
        const trust = doc({ ...TRUST.podIdentity.Statement[0], Condition: { ...TRUST.podIdentity.Statement[0].Condition,
            StringEquals: { ...TRUST.podIdentity.Statement[0].Condition.StringEquals, "aws:RequestTag/kubernetes-namespace": ["agents", "sandbox"] } } });
        const sandboxTriage = { kind: "ServiceAccount", name: "triage", namespace: "sandbox" };
        const stack = [role(trust), clusterRoleBinding("sandbox-view", { kind: "ClusterRole", name: "view" }, [sandboxTriage])];
        assert.deepStrictEqual(kubernetesAccess.check(stack, CONFIG).map((v) => v.message), [
            `kubernetes.rbac.authorization.k8s.io.v1.ClusterRoleBinding "sandbox-view" binds agent service account sandbox/triage to ClusterRole "view" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`,
        ]);
        assert.deepStrictEqual(pinnedTrust.check(stack, CONFIG).map((v) => v.message), [
            `aws.iam.Role "triage-role" (triage-runner) is an agent role (it trusts pods.eks.amazonaws.com) and trust statement AgentTrustPodIdentity pins the pod's namespace (aws:RequestTag/kubernetes-namespace) to ["agents","sandbox"]; it must name exactly one, e.g. "agents"`,
        ]);
        assert.strictEqual(await assumeAsPod(trust, "sandbox", "triage"), "Allowed", "pods of sandbox running as triage receive the role's credentials");
    });

    it("passes over the trust of an agent role it cannot read", () => {
        const unreadable = [role(ACCOUNT_TRUST, { assumeRolePolicy: "{ not json" }), role(ACCOUNT_TRUST, { assumeRolePolicy: UNKNOWN }), role(ACCOUNT_TRUST, { assumeRolePolicy: undefined })]
            .map((r, i) => ({ ...r, urn: `${r.urn}-${i}` }));
        const stack = new StackView(unreadable);
        const roles = agentRolesOf(stack);
        assert.deepStrictEqual(roles.map((r) => r.trust.kind), ["invalid", "unknown", "absent"]);
        assert.deepStrictEqual(agentServiceAccountsOf(stack, roles), []);
    });

    it("follows a Roles Anywhere trust's SVID to the one namespace and account a SPIRE entry's Kubernetes selectors pin, and nowhere else", async () => {
        const OTHER_SVID = "spiffe://example.org/agents/reports";
        const DENIED_SVID = "spiffe://example.org/agents/ops";
        const trust = doc({ Sid: "Svid", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Condition: { StringEquals: { "aws:PrincipalTag/x509Subject/CN": OTHER_SVID, "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: { "aws:SourceArn": ANCHOR }, ...until() } });
        // As a program may hand it over (an object): a Deny statement naming another SVID, and condition blocks that are null or undefined.
        const handedOver = doc({ ...trust.Statement[0], Condition: { Bool: null, Null: undefined, ...trust.Statement[0].Condition } },
            { Sid: "NotOps", Effect: "Deny", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": DENIED_SVID } } });
        const agentRole = role(trust, { assumeRolePolicy: handedOver });
        const entry = (name: string, spiffeId: string, selectors: unknown) => resource("agentid:spire:Entry", name, { spiffeId, parentId: "spiffe://example.org/node/a", selectors });
        const k8s = (...values: string[]) => values.map((value) => ({ type: "k8s", value }));
        const stack = new StackView([
            agentRole,
            entry("triage", SPIFFE, [...k8s("ns:agents", "sa:triage"), { type: "unix", value: "sa:root" }, null, { type: "k8s", value: 42 }, { type: "k8s" }]),
            entry("two-namespaces", SPIFFE, k8s("ns:agents", "ns:sandbox", "sa:builder")),
            entry("two-accounts", SPIFFE, k8s("ns:ci", "sa:builder", "sa:deployer")),
            entry("no-account", SPIFFE, k8s("ns:web")),
            entry("not-a-list", SPIFFE, "k8s:ns:agents"),
            entry("reports", OTHER_SVID, k8s("ns:data", "sa:reports")),
            entry("ops", DENIED_SVID, k8s("ns:ops", "sa:ops")),
        ]);
        assert.deepStrictEqual(agentServiceAccountsOf(stack, agentRolesOf(stack)), [
            { namespace: "agents", name: "triage", reason: `IAM role "triage-role" trusts the SVID SPIRE issues its pods`, roles: [agentRole] },
        ]);
        const svid = (uri: string) => assume(trust, { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": uri, "aws:PrincipalTag/x509Subject/CN": OTHER_SVID, "aws:SourceArn": ANCHOR } });
        assert.deepStrictEqual([await svid(SPIFFE), await svid(OTHER_SVID)], ["Allowed", "Denied"], "the role trusts the triage SVID, not the reports one");
    });

    it("binds the account a Pod Identity association names to the agent role it names (by ARN, or computed from it at preview), and skips an association naming no account", () => {
        const agentRole = role(ACCOUNT_TRUST);
        const association = (name: string, props: Record<string, unknown>, extra: Partial<ResourceView> = {}) => resource(ASSOCIATION, name, { clusterName: "prod", ...props }, extra);
        const byArn = association("triage-pods", { namespace: "agents", serviceAccount: "triage", roleArn: ROLE_ARN });
        const computed = association("billing-pods", { namespace: "agents", serviceAccount: "billing", roleArn: UNKNOWN }, { propertyDependencies: { roleArn: [agentRole.urn] } });
        const foreign = association("legacy-pods", { namespace: "legacy", serviceAccount: "legacy", roleArn: `arn:aws:iam::${ACCOUNT}:role/legacy-runner` });
        const noNamespace = association("no-namespace", { serviceAccount: "sync", roleArn: ROLE_ARN });
        const noAccount = association("no-account", { namespace: "sync", serviceAccount: UNKNOWN, roleArn: ROLE_ARN });
        const stack = new StackView([agentRole, byArn, computed, foreign, noNamespace, noAccount]);
        assert.deepStrictEqual(agentServiceAccountsOf(stack, agentRolesOf(stack)), [
            { namespace: "agents", name: "triage", reason: `Pod Identity association "triage-pods" gives it an IAM role`, roles: [agentRole] },
            { namespace: "agents", name: "billing", reason: `Pod Identity association "billing-pods" gives it an IAM role`, roles: [agentRole] },
            { namespace: "legacy", name: "legacy", reason: `Pod Identity association "legacy-pods" gives it an IAM role`, roles: [] },
        ]);
    });
});
