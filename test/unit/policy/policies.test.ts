import * as assert from "assert";
import { approvedWrites, leastPrivilege, noShadowAgents, noStaticCredentials, ownerAndExpiry, pinnedTrust, ResourceView } from "../../../provider/policy/policies";

const AGENT_URN = "urn:pulumi:dev::fleet::agentid:index:AgentFleet$agentid:index:Agent::triage";
const CONFIG = { now: "2026-12-01T00:00:00Z" };
const TAGS = {
    "agentid:name": "triage", "agentid:owner-team": "support", "agentid:owner-contact": "support@example.com",
    "agentid:expires-at": "2027-01-15T00:00:00Z", "agentid:grants-digest": "sha256:aaa",
};
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{
    Sid: "AgentTrustRolesAnywhere", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole"],
    Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/triage" }, DateLessThan: { "aws:CurrentTime": "2027-01-15T00:00:00Z" } },
}] });

function role(props: Record<string, unknown> = {}): ResourceView {
    return { type: "aws:iam/role:Role", name: "triage-role", urn: `${AGENT_URN}$aws:iam/role:Role::triage-role`, parent: AGENT_URN, props: { name: "agent-triage", tags: TAGS, maxSessionDuration: 3600, assumeRolePolicy: TRUST, ...props } };
}
function policy(statements: object[]): ResourceView {
    return { type: "aws:iam/rolePolicy:RolePolicy", name: "triage-grants", urn: `${AGENT_URN}$aws:iam/rolePolicy:RolePolicy::triage-grants`, parent: AGENT_URN,
        props: { role: "agent-triage", name: "agentid-grants", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } };
}
const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
const READ = { Sid: "Grant0", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"] };

describe("agentid-guardrails policies", () => {
    describe("agent-owner-and-expiry", () => {
        it("passes an agent role with owner and expiry tags", () => assert.deepStrictEqual(ownerAndExpiry.check([agent, role()], CONFIG), []));
        it("flags a missing contact and an expiry beyond the lifetime", () => {
            const bad = role({ tags: { ...TAGS, "agentid:owner-contact": "nobody", "agentid:expires-at": "2027-12-01T00:00:00Z" } });
            assert.deepStrictEqual(ownerAndExpiry.check([agent, bad], CONFIG), [
                "role agent-triage has no owner contact e-mail (tag agentid:owner-contact)",
                "role agent-triage expires 2027-12-01T00:00:00Z, more than 90 days from now",
            ]);
        });
        it("honours a configured lifetime", () => {
            assert.deepStrictEqual(ownerAndExpiry.check([agent, role()], { ...CONFIG, maxLifetimeDays: 30 }), ["role agent-triage expires 2027-01-15T00:00:00Z, more than 30 days from now"]);
        });
    });

    describe("agent-least-privilege", () => {
        it("passes exact actions on exact resources", () => assert.deepStrictEqual(leastPrivilege.check([role(), policy([READ])], CONFIG), []));
        it("flags wildcards and IAM writes", () => {
            assert.deepStrictEqual(leastPrivilege.check([role(), policy([{ Effect: "Allow", Action: ["s3:*", "iam:PassRole"], Resource: ["*"] }])], CONFIG), [
                `policy triage-grants on role agent-triage: "s3:*" grants every action of the service; list the exact actions, e.g. s3:Get…`,
                "policy triage-grants on role agent-triage: iam:PassRole is an IAM/STS write action",
                `policy triage-grants on role agent-triage: "*" as a resource means everything; name the exact resources`,
            ]);
        });
        it("ignores the deny-all of a disabled agent", () => {
            assert.deepStrictEqual(leastPrivilege.check([role(), policy([{ Effect: "Deny", Action: ["*"], Resource: ["*"] }])], CONFIG), []);
        });
    });

    describe("agent-trust-pinned", () => {
        it("passes a trust pinned to one SPIFFE ID with the expiry condition", () => assert.deepStrictEqual(pinnedTrust.check([role()], CONFIG), []));
        it("flags long sessions, a missing expiry and an unpinned subject", () => {
            const loose = JSON.stringify({ Statement: [{ Sid: "Open", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringLike: { "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/*" } } }] });
            assert.deepStrictEqual(pinnedTrust.check([role({ maxSessionDuration: 43200, assumeRolePolicy: loose })], CONFIG), [
                "role agent-triage allows sessions of 43200s; agents get at most 3600s",
                "role agent-triage: trust statement Open has no DateLessThan aws:CurrentTime expiry condition",
                "role agent-triage: trust statement Open does not pin one subject (sub, SPIFFE URI SAN, service account or source ARN)",
            ]);
        });
    });

    describe("no-static-credentials", () => {
        it("passes a stack without static credentials", () => assert.deepStrictEqual(noStaticCredentials.check([role(), { type: "kubernetes:core/v1:Secret", name: "config", urn: "u", props: { type: "Opaque" } }], CONFIG), []));
        it("flags access keys, login profiles and service-account token secrets", () => {
            assert.deepStrictEqual(noStaticCredentials.check([
                { type: "aws:iam/accessKey:AccessKey", name: "ci-key", urn: "u1", props: {} },
                { type: "aws:iam/userLoginProfile:UserLoginProfile", name: "alice-login", urn: "u2", props: {} },
                { type: "kubernetes:core/v1:Secret", name: "bot-token", urn: "u3", props: { type: "kubernetes.io/service-account-token" } },
            ], CONFIG).map((m) => m.split(":")[0]), ["ci-key", "alice-login", "bot-token"]);
        });
    });

    describe("no-shadow-agents", () => {
        it("passes an agent role under an Agent component", () => assert.deepStrictEqual(noShadowAgents.check([agent, role()], CONFIG), []));
        it("flags an agent-named role outside any Agent", () => {
            const shadow: ResourceView = { ...role(), parent: undefined, urn: "urn:pulumi:dev::fleet::aws:iam/role:Role::rogue" };
            assert.deepStrictEqual(noShadowAgents.check([shadow], CONFIG),
                ["role agent-triage is tagged or named as an agent but is not managed by an agentid Agent (shadow agent)"]);
        });
    });

    describe("agent-write-approved", () => {
        const WRITE = { Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::tickets/outbound/*"] };
        it("passes read-only roles and approved writes with a matching digest", () => {
            assert.deepStrictEqual(approvedWrites.check([role(), policy([READ])], CONFIG), []);
            const approved = role({ tags: { ...TAGS, "agentid:approval": "SEC-1", "agentid:approved-digest": "sha256:aaa" } });
            assert.deepStrictEqual(approvedWrites.check([approved, policy([WRITE])], CONFIG), []);
        });
        it("flags writes without approval, and an approval for other grants", () => {
            assert.deepStrictEqual(approvedWrites.check([role(), policy([WRITE])], CONFIG), ["role agent-triage holds write actions (s3:PutObject) without an approval (tag agentid:approval)"]);
            const stale = role({ tags: { ...TAGS, "agentid:approval": "SEC-1", "agentid:approved-digest": "sha256:bbb" } });
            assert.deepStrictEqual(approvedWrites.check([stale, policy([WRITE])], CONFIG), ["role agent-triage: approval SEC-1 was for sha256:bbb, the grants are now sha256:aaa"]);
        });
    });

    it("does not start a policy server when the policies are imported", () => {
        assert.strictEqual(Object.keys(require.cache).some((k) => k.includes("@pulumi/policy/server")), false);
    });
});
