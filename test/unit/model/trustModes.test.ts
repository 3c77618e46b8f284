import * as assert from "assert";
import { buildTrustPolicy } from "../../../provider/platforms/aws/iamDocuments";
import { TRUST_MODES, trustModeOfPrincipal } from "../../../provider/model/trustModes";
import { resolveAgent } from "../../../provider/model/resolvedAgent";
import { resolveSettings } from "../../../provider/model/settings";
import type { AgentDeclaration, AwsTrustMode } from "../../../provider/declarations/types";

const ACCOUNT = "123456789012";
const SETTINGS = resolveSettings({
    trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-a`,
    oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA`,
    clusterName: "prod", awsAccountId: ACCOUNT, awsRegion: "us-east-1",
});
const WORKLOAD_IDENTITY = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/agent-sim-agent`;

function trustOf(trust: AwsTrustMode): string {
    const decl: AgentDeclaration = {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "sim-agent" },
        spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z", identity: { aws: { trust }, kubernetes: { namespace: "agents" } }, grants: [] },
    };
    return JSON.stringify(buildTrustPolicy(resolveAgent(decl, SETTINGS, new Date("2026-12-01T00:00:00Z")), { workloadIdentityArn: WORKLOAD_IDENTITY }));
}

/** The documents buildTrustPolicy wrote before it read the TRUST_MODES table, byte for byte. */
const GOLDEN: Record<AwsTrustMode, string> = {
    irsa: `{"Version":"2012-10-17","Statement":[{"Sid":"AgentTrustIrsa","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA:sub":"system:serviceaccount:agents:sim-agent","oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA:aud":"sts.amazonaws.com"},"DateLessThan":{"aws:CurrentTime":"2027-01-15T00:00:00Z"}}}]}`,
    podIdentity: `{"Version":"2012-10-17","Statement":[{"Sid":"AgentTrustPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"agents","aws:RequestTag/kubernetes-service-account":"sim-agent","aws:SourceAccount":"123456789012"},"ArnEquals":{"aws:SourceArn":"arn:aws:eks:us-east-1:123456789012:cluster/prod"},"DateLessThan":{"aws:CurrentTime":"2027-01-15T00:00:00Z"}}}]}`,
    rolesAnywhere: `{"Version":"2012-10-17","Statement":[{"Sid":"AgentTrustRolesAnywhere","Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Condition":{"StringEquals":{"aws:PrincipalTag/x509SAN/URI":"spiffe://example.org/agents/sim-agent"},"ArnEquals":{"aws:SourceArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/anchor-a"},"DateLessThan":{"aws:CurrentTime":"2027-01-15T00:00:00Z"}}}]}`,
    agentcore: `{"Version":"2012-10-17","Statement":[{"Sid":"AgentTrustAgentCore","Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":["sts:AssumeRole"],"Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/agent-sim-agent"},"DateLessThan":{"aws:CurrentTime":"2027-01-15T00:00:00Z"}}}]}`,
};

describe("trust modes (one table for the builder and the policy pack)", () => {
    for (const mode of Object.keys(GOLDEN) as AwsTrustMode[]) {
        it(`builds the ${mode} trust byte for byte as before the table`, () => assert.strictEqual(trustOf(mode), GOLDEN[mode]));

        it(`writes every ${mode} pin the table lists, with its operator, and the table accepts what it writes`, () => {
            const statement = JSON.parse(trustOf(mode)).Statement[0];
            const m = TRUST_MODES[mode];
            const issuer = mode === "irsa" ? "oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA" : "";
            assert.deepStrictEqual(statement.Action, m.actions);
            for (const pin of m.pins) {
                const value = statement.Condition[pin.operator][pin.key(issuer)];
                assert.ok(pin.accepts(value), `${mode} pin ${pin.key(issuer)} refuses the builder's own value ${value}`);
                assert.ok(pin.accepts(pin.example), `${mode} pin ${pin.key(issuer)} refuses its own example`);
            }
            const [kind, value] = Object.entries(statement.Principal)[0] as [string, string];
            assert.strictEqual(trustModeOfPrincipal(kind, value)?.mode, mode);
        });
    }

    it("refuses patterns and values of the wrong kind in every pin", () => {
        const refused: [AwsTrustMode, number, string][] = [
            ["irsa", 0, "system:serviceaccount:agents:*"], ["irsa", 0, "system:serviceaccount:agents"], ["irsa", 0, "system:serviceaccount:Agents:x"],
            ["irsa", 0, "xsystem:serviceaccount:agents:x"], ["irsa", 0, "system:serviceaccount:agents:x:y"],
            ["irsa", 1, "sts.amazonaws.com.evil"],
            ["podIdentity", 0, "agents*"], ["podIdentity", 1, "Not_A_Name"], ["podIdentity", 2, "12345678901*"],
            ["podIdentity", 3, "arn:aws:eks:us-east-1:*:cluster/prod"], ["podIdentity", 3, "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a"],
            ["rolesAnywhere", 0, "spiffe://example.org/agents/*"], ["rolesAnywhere", 0, "https://example.org/agents/a"],
            ["rolesAnywhere", 0, "xspiffe://example.org/agents/a"], ["rolesAnywhere", 0, "spiffe://example.org/agents/a b"],
            ["rolesAnywhere", 1, "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/*"],
            ["agentcore", 0, "arn:aws:bedrock-agentcore:us-east-1:*:workload-identity-directory/default/workload-identity/agent-x"],
            ["agentcore", 0, "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/g"],
        ];
        for (const [mode, pin, value] of refused) assert.strictEqual(TRUST_MODES[mode].pins[pin].accepts(value), false, `${mode} pin ${pin} accepts ${value}`);
    });

    it("knows each mode by its principal only", () => {
        assert.strictEqual(trustModeOfPrincipal("Service", "rolesanywhere.amazonaws.com")?.mode, "rolesAnywhere");
        assert.strictEqual(trustModeOfPrincipal("Service", "lambda.amazonaws.com"), undefined);
        assert.strictEqual(trustModeOfPrincipal("Federated", "arn:aws:iam::123456789012:saml-provider/corp"), undefined);
        assert.strictEqual(trustModeOfPrincipal("AWS", "pods.eks.amazonaws.com"), undefined);
    });
});
