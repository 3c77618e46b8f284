import * as assert from "assert";
import { checkAgent } from "../../../provider/guardrails/agentRules";
import { resolveSettings } from "../../../provider/model/settings";
import type { AgentDeclaration, FleetSettings } from "../../../provider/declarations/types";

/** The branches of each guardrail (test/unit/guardrails/validate.test.ts has one file-level fixture per rule). */

const NOW = new Date("2026-12-01T00:00:00Z");
const ACCOUNT = "123456789012";
const CORE = { trust: "agentcore" };
const READ = { connector: "aws.s3", access: "read" as const, resources: ["arn:aws:s3:::bkt/p/*"] };

function check(spec: Record<string, unknown>, settings: FleetSettings = {}, name = "guard-agent"): [string, string][] {
    const decl = {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
        spec: { description: "d", owner: { team: "team-a", contact: "a@example.com" }, expiresAt: "2027-01-15T00:00:00Z", grants: [READ], identity: { aws: { trust: "agentcore" } }, ...spec },
    } as unknown as AgentDeclaration;
    return checkAgent(decl, resolveSettings(settings), NOW).map((v) => [v.path.join("."), v.rule]);
}
const messages = (spec: Record<string, unknown>, settings: FleetSettings = {}) => {
    const decl = { apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "guard-agent" }, spec: { description: "d", owner: { team: "team-a", contact: "a@example.com" }, expiresAt: "2027-01-15T00:00:00Z", grants: [READ], identity: { aws: { trust: "agentcore" } }, ...spec } } as unknown as AgentDeclaration;
    return checkAgent(decl, resolveSettings(settings), NOW).map((v) => v.message);
};

describe("guardrails, branch by branch", () => {
    it("accepts a plain valid agent", () => assert.deepStrictEqual(check({}), []));

    it("lifetime: up to maxLifetimeDays after now, exactly at the limit included", () => {
        assert.deepStrictEqual([check({ expiresAt: "2027-03-01T00:00:00Z" }), check({ expiresAt: "2027-03-01T00:00:01Z" })], [[], [["spec.expiresAt", "expiry-too-far"]]]);
        assert.deepStrictEqual(check({ expiresAt: "2026-12-31" }, { maxLifetimeDays: 30 }), []);
        assert.deepStrictEqual(messages({ expiresAt: "2027-01-01T00:00:01Z" }, { maxLifetimeDays: 31 }), ["expiresAt 2027-01-01T00:00:01Z is more than 31 days after now (2026-12-01T00:00:00Z); set it on or before 2027-01-01T00:00:00Z"]);
        assert.deepStrictEqual(check({ expiresAt: "2020-01-01" }), [], "an agent already expired is valid (reported expired)");
    });

    it("review date: a real date, not after expiry (on the day is fine)", () => {
        assert.deepStrictEqual([check({ reviewBy: "2027-01-15" }), check({ reviewBy: "2027-01-15T00:00:01Z" }), check({ reviewBy: "2027-02-30" })],
            [[], [["spec.reviewBy", "review-after-expiry"]], [["spec.reviewBy", "date-invalid"]]]);
        assert.deepStrictEqual(check({ expiresAt: "someday", reviewBy: "2027-01-01" }), [["spec.expiresAt", "date-invalid"]]);
    });

    it("owner: tag-safe team and contact, the contact an e-mail address", () => {
        assert.deepStrictEqual(check({ owner: { team: "team#1", contact: "a@example.com" } }), [["spec.owner.team", "tag-value"]]);
        assert.deepStrictEqual(check({ owner: { team: "Équipe ops_1:/=+-@", contact: "a@example.com" } }), []);
        assert.deepStrictEqual(check({ owner: { team: "t".repeat(257), contact: "a@example.com" } }), [["spec.owner.team", "tag-value"]]);
        assert.deepStrictEqual(check({ owner: { team: "t", contact: "<a@example.com>" } }), [["spec.owner.contact", "contact-email"], ["spec.owner.contact", "tag-value"]]);
        assert.deepStrictEqual(check({ owner: { team: "t", contact: "nobody" } }), [["spec.owner.contact", "contact-email"]]);
    });

    it("SPIFFE ID: inside the trust domain, not the domain itself, not another agent's reserved ID", () => {
        assert.deepStrictEqual([
            check({ identity: { aws: CORE, spiffeId: "spiffe://example.org/agents/guard-agent" } }),
            check({ identity: { aws: CORE, spiffeId: "spiffe://example.org/workloads/guard" } }),
            check({ identity: { aws: CORE, spiffeId: "spiffe://other.org/agents/guard-agent" } }),
            check({ identity: { aws: CORE, spiffeId: "spiffe://example.org" } }),
            check({ identity: { aws: CORE, spiffeId: "spiffe://example.org/agents/victim" } }),
            check({ identity: { aws: CORE, spiffeId: "spiffe://example.org/agents/victim/sub" } }),
        ], [[], [], [["spec.identity.spiffeId", "spiffe-trust-domain"]], [["spec.identity.spiffeId", "spiffe-id"]], [["spec.identity.spiffeId", "identity-shared"]], []]);
    });

    it("Kubernetes identity: a DNS-1123 service account, never a pattern; namespaces as the fleet allows", () => {
        assert.deepStrictEqual([
            check({ identity: { aws: CORE, kubernetes: { namespace: "agents", serviceAccount: "sa.one" } } }),
            check({ identity: { aws: CORE, kubernetes: { serviceAccount: "sa:one" } } }),
            check({ identity: { aws: CORE, kubernetes: { serviceAccount: "sa-*" } } }),
            check({ identity: { aws: CORE, kubernetes: { namespace: "kube-system" } } }),
        ], [[], [["spec.identity.kubernetes.serviceAccount", "kubernetes-name"]], [["spec.identity.kubernetes.serviceAccount", "wildcard-resource"]], [["spec.identity.kubernetes.namespace", "kubernetes-namespace"]]]);
    });

    it("AWS trust: what each mode needs, from the agent or (for account and region) the fleet only", () => {
        const missing = (trust: string, settings: FleetSettings = {}, own: Record<string, unknown> = {}) => messages({ identity: { aws: { trust, ...own } } }, settings);
        assert.deepStrictEqual(missing("rolesAnywhere"), ["trust rolesAnywhere needs a Roles Anywhere trust anchor ARN: set identity.aws.trustAnchorArn or the fleet's trustAnchorArn"]);
        assert.deepStrictEqual(missing("irsa"), ["trust irsa needs the EKS cluster's IAM OIDC provider ARN: set identity.aws.oidcProviderArn or the fleet's oidcProviderArn"]);
        assert.deepStrictEqual(missing("podIdentity", {}, { clusterName: "prod" }), [
            "trust podIdentity needs the fleet's AWS account (the trust pins the cluster's ARN): set the fleet's awsAccountId",
            "trust podIdentity needs the cluster's region: set the fleet's awsRegion",
        ]);
        assert.deepStrictEqual(missing("podIdentity", { awsAccountId: ACCOUNT, awsRegion: "us-east-1" }), ["trust podIdentity needs the EKS cluster name: set identity.aws.clusterName or the fleet's clusterName"]);
        assert.deepStrictEqual([missing("rolesAnywhere", { trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/a` }), missing("agentcore")], [[], []]);
        assert.deepStrictEqual(check({ identity: { aws: { trust: "irsa", oidcProviderArn: "arn:aws:iam::*:oidc-provider/x", permissionsBoundaryArn: "arn:aws:s3:::b", clusterName: "-x" } } }),
            [["spec.identity.aws.oidcProviderArn", "trust-setting"], ["spec.identity.aws.permissionsBoundaryArn", "trust-setting"], ["spec.identity.aws.clusterName", "trust-setting"]]);
        assert.deepStrictEqual(check({ identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:210987654321:trust-anchor/a` } } }, { awsAccountId: ACCOUNT }),
            [["spec.identity.aws.trustAnchorArn", "trust-setting"]]);
    });

    it("SPIRE: parent inside the domain and not the agent itself, exact DNS names, selectors pinning its own service account", () => {
        const spire = (s: Record<string, unknown>, identity: Record<string, unknown> = { kubernetes: { namespace: "agents" } }) =>
            check({ identity: { aws: CORE, ...identity, spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:guard-agent"], ...s } } });
        assert.deepStrictEqual([
            spire({}),
            spire({ parentId: "spiffe://other.org/node/a" }),
            spire({ parentId: "spiffe://example.org/agents/guard-agent" }),
            spire({ dnsNames: ["api.example.org", "*.example.org", "bad_host!"] }),
            spire({ selectors: ["k8s:ns:agents"] }),
            spire({ selectors: ["k8s:ns:agents", "k8s:sa:other"] }),
            spire({ selectors: ["k8s:ns:agents", "k8s:ns:support", "k8s:sa:guard-agent"] }),
            spire({ selectors: ["unix:uid:1000"] }, {}),
            spire({ selectors: ["k8s:ns:agents"] }, {}),
            spire({ selectors: ["k8s:ns:agents", "k8s:sa:anyone"] }, {}),
        ], [
            [],
            [["spec.identity.spire.parentId", "spiffe-trust-domain"]],
            [["spec.identity.spire.parentId", "spire-entry"]],
            [["spec.identity.spire.dnsNames.1", "spire-entry"], ["spec.identity.spire.dnsNames.2", "spire-entry"]],
            [["spec.identity.spire.selectors", "spire-selectors"]],
            [["spec.identity.spire.selectors", "spire-selectors"]],
            [["spec.identity.spire.selectors", "spire-selectors"]],
            [],
            [["spec.identity.spire.selectors", "spire-selectors"]],
            [],
        ]);
        assert.match(messages({ identity: { aws: CORE, kubernetes: {}, spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:sa:x"] } } })[0], /exactly k8s:ns:agents and k8s:sa:guard-agent \(found k8s:sa:x\)$/);
        assert.match(messages({ identity: { aws: CORE, kubernetes: {}, spire: { parentId: "spiffe://example.org/node/a", selectors: ["unix:uid:1"] } } })[0], /\(found neither\)$/);
    });

    it("grant placement: gateways the fleet knows, allowed namespaces, an IAM role for AWS-enforced grants", () => {
        assert.deepStrictEqual(check({ grants: [{ connector: "tool.helpdesk", tools: ["crm/x"] }] }), [["spec.grants.0.connector", "missing-setting"]]);
        assert.deepStrictEqual(check({ grants: [{ connector: "tool.helpdesk", tools: ["crm/x"] }] }, { gateways: { helpdesk: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/h-1` } }), []);
        assert.deepStrictEqual(check({ grants: [{ connector: "kubernetes", namespace: "kube-system", resources: ["pods"], verbs: ["get"] }], identity: { kubernetes: {} } }), [["spec.grants.0.namespace", "kubernetes-namespace"]]);
        assert.deepStrictEqual(check({ grants: [{ connector: "kubernetes", namespace: "Bad_NS", resources: ["pods"], verbs: ["get"] }], identity: { kubernetes: {} } }), [["spec.grants.0.namespace", "kubernetes-name"]], "the name's format is reported once");
        assert.deepStrictEqual(check({ identity: { kubernetes: {} } }), [["spec.identity", "missing-identity"]]);
        assert.deepStrictEqual(check({ identity: undefined }), [["spec", "missing-identity"]]);
        assert.deepStrictEqual(check({ grants: [{ connector: "oauth.github", scopes: ["read:org"] }], identity: { kubernetes: {} } }), [["spec.identity", "missing-identity"]]);
    });

    it("approval: write-level and high-risk grants need one, whose digest (when given) matches", () => {
        const write = { connector: "aws.sqs", access: "write", resources: [`arn:aws:sqs:us-east-1:${ACCOUNT}:q`] };
        assert.deepStrictEqual(check({ grants: [READ, write] }), [["spec.grants.1", "approval-required"]]);
        assert.deepStrictEqual(messages({ grants: [write] }), ["grant 0 (aws.sqs, write, risk medium) needs spec.approval with a ticket and approvers before it can be applied"]);
        assert.deepStrictEqual(check({ grants: [write], approval: { ticket: "T-1", approvers: ["s@example.com"] } }), []);
        assert.deepStrictEqual(check({ grants: [write], approval: { ticket: "T-1", approvers: ["s@example.com"], grantsDigest: "sha256:0" } }), [["spec.approval.grantsDigest", "grants-digest-mismatch"]]);
        assert.deepStrictEqual(check({ grants: [{ ...write, access: "nope" }] }).map((v) => v[1]), ["connector-field"], "no approval check while a grant is invalid");
    });
});
