import * as assert from "assert";
import { catalog } from "../../../provider/connectors/catalog";
import { buildAwsTags, buildDenyAllPolicy, buildPermissionPolicy, buildTrustPolicy, eksClusterArn, roleArnOf } from "../../../provider/platforms/aws/iamDocuments";
import { buildClusterSpiffeId, buildLabels, buildRbac, buildServiceAccount } from "../../../provider/platforms/kubernetes/manifests";
import { placeholderContext, resolveAgent } from "../../../provider/model/resolvedAgent";
import { resolveSettings } from "../../../provider/model/settings";
import type { AgentDeclaration, FleetSettings } from "../../../provider/declarations/types";

/** The pure builders of IAM documents and Kubernetes manifests, beyond what the golden tables pin. */

const ACCOUNT = "123456789012";
const OIDC = `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X`;

function agentOf(spec: Partial<AgentDeclaration["spec"]>, settings: FleetSettings = {}) {
    const decl = {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "doc-agent" },
        spec: { description: "d", owner: { team: "team-a", contact: "a@example.com" }, expiresAt: "2027-01-15T00:00:00Z", grants: [], ...spec },
    } as AgentDeclaration;
    const resolved = resolveSettings(settings);
    return { agent: resolveAgent(decl, resolved, new Date("2026-12-01T00:00:00Z")), settings: resolved };
}

describe("AWS documents", () => {
    it("puts the role beside its IRSA OIDC provider (account and partition), else in the fleet's account, else nowhere known", () => {
        assert.strictEqual(roleArnOf(agentOf({ identity: { aws: { trust: "irsa", oidcProviderArn: OIDC } } }).agent), `arn:aws-cn:iam::${ACCOUNT}:role/agents/agent-doc-agent`);
        assert.strictEqual(roleArnOf(agentOf({ identity: { aws: { trust: "rolesAnywhere" } } }, { awsAccountId: "210987654321" }).agent), "arn:aws:iam::210987654321:role/agents/agent-doc-agent");
        assert.strictEqual(roleArnOf(agentOf({ identity: { aws: { trust: "irsa", oidcProviderArn: OIDC } } }, { awsAccountId: "210987654321" }).agent), `arn:aws-cn:iam::210987654321:role/agents/agent-doc-agent`);
        assert.strictEqual(roleArnOf(agentOf({ identity: { aws: { trust: "rolesAnywhere" } } }).agent), undefined);
        assert.strictEqual(roleArnOf(agentOf({ identity: { kubernetes: {} } }).agent), undefined);
        assert.strictEqual(eksClusterArn("eu-west-1", ACCOUNT, "prod"), `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`);
    });

    it("derives the IRSA issuer from the provider ARN of any partition", () => {
        const trust = buildTrustPolicy(agentOf({ identity: { aws: { trust: "irsa", oidcProviderArn: OIDC }, kubernetes: { namespace: "bots", serviceAccount: "sa-1" } } }).agent, { workloadIdentityArn: "" });
        assert.deepStrictEqual(trust.Statement[0].Condition, {
            StringEquals: { "oidc.eks.cn-north-1.amazonaws.com.cn/id/X:sub": "system:serviceaccount:bots:sa-1", "oidc.eks.cn-north-1.amazonaws.com.cn/id/X:aud": "sts.amazonaws.com" },
            DateLessThan: { "aws:CurrentTime": "2027-01-15T00:00:00Z" },
        });
    });

    it("takes no account from a fleet's OIDC provider for a role that is not IRSA's", () => {
        for (const trust of ["rolesAnywhere", "podIdentity", "agentcore"] as const) {
            assert.strictEqual(roleArnOf(agentOf({ identity: { aws: { trust } } }, { oidcProviderArn: OIDC }).agent), undefined, trust);
        }
    });

    it("pins no made-up EKS cluster ARN in a Pod Identity trust missing the cluster name, region or account (such an agent fails validation)", () => {
        const sent = (settings: FleetSettings, clusterName?: string) => {
            const agent = agentOf({ identity: { aws: { trust: "podIdentity", ...(clusterName ? { clusterName } : {}) } } }, settings).agent;
            return JSON.parse(JSON.stringify(buildTrustPolicy(agent, { workloadIdentityArn: "" })));
        };
        const document = (stringEquals: Record<string, string>, arnEquals: Record<string, string>) => ({
            Version: "2012-10-17",
            Statement: [{
                Sid: "AgentTrustPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "doc-agent", ...stringEquals },
                    ArnEquals: arnEquals, DateLessThan: { "aws:CurrentTime": "2027-01-15T00:00:00Z" },
                },
            }],
        });
        const account = { "aws:SourceAccount": ACCOUNT };
        assert.deepStrictEqual(sent({ awsAccountId: ACCOUNT, awsRegion: "eu-west-1" }), document(account, {}));
        assert.deepStrictEqual(sent({ awsAccountId: ACCOUNT }, "prod"), document(account, {}));
        assert.deepStrictEqual(sent({ awsRegion: "eu-west-1" }, "prod"), document({}, {}));
        assert.deepStrictEqual(sent({ awsAccountId: ACCOUNT, awsRegion: "eu-west-1" }, "prod"), document(account, { "aws:SourceArn": `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod` }));
    });

    it("refuses to build a trust policy for an agent without an AWS identity", () => {
        assert.throws(() => buildTrustPolicy(agentOf({ identity: { kubernetes: {} } }).agent, { workloadIdentityArn: "" }), /^Error: agent doc-agent has no AWS identity \(identity\.aws\); no trust policy to build$/);
    });

    it("has no permission policy without statements, and a deny-all for disabled agents", () => {
        assert.strictEqual(buildPermissionPolicy([], "2027-01-15T00:00:00Z"), undefined);
        assert.deepStrictEqual(buildDenyAllPolicy(), { Version: "2012-10-17", Statement: [{ Sid: "AgentExpiredDenyAll", Effect: "Deny", Action: ["*"], Resource: ["*"] }] });
    });

    it("keeps a statement's own conditions beside the expiry", () => {
        const expansions = catalog.expand([{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bkt/p/*"] }], placeholderContext("doc-agent", resolveSettings({})));
        assert.deepStrictEqual(buildPermissionPolicy(expansions, "2027-01-15T00:00:00Z")!.Statement[1].Condition,
            { StringLike: { "s3:prefix": ["p/*"] }, DateLessThan: { "aws:CurrentTime": "2027-01-15T00:00:00Z" } });
    });

    it("tags the role with owner, expiry, grants digest and the approval when there is one", () => {
        const plain = agentOf({ identity: { aws: { trust: "agentcore" } } }).agent;
        assert.deepStrictEqual(buildAwsTags(plain), {
            "agentid:name": "doc-agent", "agentid:owner-team": "team-a", "agentid:owner-contact": "a@example.com",
            "agentid:expires-at": "2027-01-15T00:00:00Z", "agentid:grants-digest": plain.grantsDigest,
        });
        const approved = agentOf({ identity: { aws: { trust: "agentcore" } }, approval: { ticket: "SEC-1", approvers: ["s@example.com"], grantsDigest: "sha256:abc" } }).agent;
        assert.deepStrictEqual([buildAwsTags(approved)["agentid:approval"], buildAwsTags(approved)["agentid:approved-digest"]], ["SEC-1", "sha256:abc"]);
        const ticketOnly = agentOf({ identity: { aws: { trust: "agentcore" } }, approval: { ticket: "SEC-2", approvers: ["s@example.com"] } }).agent;
        assert.deepStrictEqual(Object.keys(buildAwsTags(ticketOnly)).filter((k) => k.includes("approv")), ["agentid:approval"]);
    });
});

describe("Kubernetes manifests", () => {
    it("label every object with the manager and the agent", () => {
        assert.deepStrictEqual(buildLabels(agentOf({ identity: { kubernetes: {} } }).agent), { "app.kubernetes.io/managed-by": "agentid", "agentid.dev/agent": "doc-agent" });
    });

    it("annotate the service account with the IRSA role only for IRSA agents", () => {
        const irsa = agentOf({ identity: { aws: { trust: "irsa", oidcProviderArn: OIDC } } }).agent;
        const pod = agentOf({ identity: { aws: { trust: "podIdentity" } } }).agent;
        assert.strictEqual(buildServiceAccount(irsa, "arn:role").metadata.annotations["eks.amazonaws.com/role-arn"], "arn:role");
        assert.strictEqual("eks.amazonaws.com/role-arn" in buildServiceAccount(irsa).metadata.annotations, false);
        assert.strictEqual("eks.amazonaws.com/role-arn" in buildServiceAccount(pod, "arn:role").metadata.annotations, false);
        assert.deepStrictEqual(buildServiceAccount(irsa).automountServiceAccountToken, false);
    });

    it("build the whole ServiceAccount document", () => {
        const agent = agentOf({ identity: { kubernetes: { namespace: "agents", serviceAccount: "sa-1" } } }).agent;
        assert.deepStrictEqual(buildServiceAccount(agent), {
            apiVersion: "v1", kind: "ServiceAccount",
            metadata: {
                name: "sa-1", namespace: "agents", labels: { "app.kubernetes.io/managed-by": "agentid", "agentid.dev/agent": "doc-agent" },
                annotations: {
                    "pulumi.com/patchForce": "true", "agentid.dev/owner-team": "team-a", "agentid.dev/owner-contact": "a@example.com",
                    "agentid.dev/expires-at": "2027-01-15T00:00:00Z", "agentid.dev/spiffe-id": "spiffe://example.org/agents/doc-agent",
                },
            },
            automountServiceAccountToken: false,
        });
    });

    it("annotate the service account with owner, expiry, SPIFFE ID and, for an approved agent only, its ticket; no IRSA role without AWS", () => {
        const approval = { ticket: "SEC-7", approvers: ["s@example.com"] };
        const approved = agentOf({ identity: { kubernetes: { namespace: "agents" } }, approval }).agent;
        const plain = agentOf({ identity: { kubernetes: { namespace: "agents" } } }).agent;
        const annotations = {
            "pulumi.com/patchForce": "true", "agentid.dev/owner-team": "team-a", "agentid.dev/owner-contact": "a@example.com",
            "agentid.dev/expires-at": "2027-01-15T00:00:00Z", "agentid.dev/spiffe-id": plain.spiffeId,
        };
        assert.deepStrictEqual(buildServiceAccount(approved, "arn:role").metadata.annotations, { ...annotations, "agentid.dev/approval": "SEC-7" });
        assert.deepStrictEqual(buildServiceAccount(plain, "arn:role").metadata.annotations, annotations);
    });

    it("build one Role and RoleBinding per namespace, rules in declared order, bound to the agent's service account", () => {
        const { agent, settings } = agentOf({ identity: { kubernetes: { namespace: "bots", serviceAccount: "sa-1" } } });
        const expansions = catalog.expand([
            { connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] },
            { connector: "kubernetes", resources: ["pods"], verbs: ["list"] },
            { connector: "kubernetes", namespace: "support", resources: ["secrets"], resourceNames: ["app"], verbs: ["get"] },
            { connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bkt"] },
        ], placeholderContext(agent.name, settings));
        const labels = { "app.kubernetes.io/managed-by": "agentid", "agentid.dev/agent": "doc-agent" };
        const annotations = { "pulumi.com/patchForce": "true" };
        const binding = (namespace: string) => ({
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "agent-doc-agent", namespace, labels, annotations },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "agent-doc-agent" },
            subjects: [{ kind: "ServiceAccount", name: "sa-1", namespace: "bots" }],
        });
        assert.deepStrictEqual(buildRbac(agent, expansions), [
            {
                namespace: "support",
                role: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "agent-doc-agent", namespace: "support", labels, annotations }, rules: [
                    { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
                    { apiGroups: [""], resources: ["secrets"], resourceNames: ["app"], verbs: ["get"] },
                ] },
                roleBinding: binding("support"),
            },
            {
                namespace: "agents",
                role: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "agent-doc-agent", namespace: "agents", labels, annotations }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }] },
                roleBinding: binding("agents"),
            },
        ]);
    });

    it("give the agent's pods exactly its SPIFFE ID with its SVID lifetimes", () => {
        const { agent } = agentOf({ identity: { kubernetes: { namespace: "bots", serviceAccount: "sa-1", clusterSpiffeId: true }, spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:bots", "k8s:sa:sa-1"], x509SvidTtl: 600, jwtSvidTtl: 120 } } });
        assert.deepStrictEqual(buildClusterSpiffeId(agent), {
            apiVersion: "spire.spiffe.io/v1alpha1", kind: "ClusterSPIFFEID",
            metadata: { name: "agent-doc-agent", labels: { "app.kubernetes.io/managed-by": "agentid", "agentid.dev/agent": "doc-agent" }, annotations: { "pulumi.com/patchForce": "true" } },
            spec: {
                spiffeIDTemplate: "spiffe://example.org/agents/doc-agent", namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "bots" } }, podSelector: {},
                workloadSelectorTemplates: ["k8s:sa:sa-1"], ttl: "600s", jwtTtl: "120s", hint: "doc-agent",
            },
        });
    });
});
