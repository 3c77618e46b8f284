import { recordParents, registrations, registeredUnder, settled, valueOf } from "../../helpers/mocks";
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AgentidError } from "../../../provider/agent";
import { AgentFleet } from "../../../provider/fleet";
import { BASE_AGENT, cli, NOW, replaceLine, writeFixtures } from "../../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../../agents");
const CLIENTS = { github: { clientId: "gh-client", clientSecret: pulumi.secret("gh-secret") } };

describe("AgentFleet", () => {
    it("creates one Agent per declaration, parented to the fleet, sharing OAuth providers and policy engines", async () => {
        const parents = recordParents();
        const fleet = new AgentFleet("sample", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS }, parents.options);
        await settled();
        const agents = parents.records.filter((r) => r.type === "agentid:index:Agent");
        assert.deepStrictEqual(agents.map((a) => [a.name, a.parent]).sort(), [
            ["billing-reconciler", "sample"], ["billing-reporter", "sample"], ["ops-responder", "sample"], ["research-assistant", "sample"], ["support-triage", "sample"],
        ]);
        const shared = registeredUnder("sample").filter((r) => r.custom).map((r) => [r.type, r.name]).sort();
        assert.deepStrictEqual(shared, [
            ["aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider", "sample-oauth-github"],
            ["aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine", "sample-engine-research-tools"],
            ["aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine", "sample-engine-support-tools"],
        ]);
        assert.deepStrictEqual(registeredUnder("research-assistant").filter((r) => r.type.includes("Oauth2CredentialProvider")), [], "agents use the fleet's provider");
        assert.deepStrictEqual(await valueOf(fleet.expired), []);
    });

    it("returns show's IAM documents exactly as the component creates them (rolesAnywhere)", async () => {
        const shown = JSON.parse((await cli("show", AGENTS, "--agent", "support-triage", "--now", NOW, "--json")).stdout);
        // The sample agents were registered by the previous test under the same names.
        const role = registrations.find((r) => r.type === "aws:iam/role:Role" && r.name === "support-triage-role")!.inputs;
        const policy = registrations.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "support-triage-grants")!.inputs;
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy), shown.aws.trustPolicy);
        assert.deepStrictEqual(JSON.parse(policy.policy), shown.aws.permissionPolicy);
        assert.strictEqual(shown.aws.trustPolicy.Statement[0].Sid, "AgentTrustRolesAnywhere");
    });

    it("stops the program with the whole report and registers nothing when a declaration is invalid", () => {
        const before = registrations.length;
        const dir = writeFixtures({
            "good.yaml": BASE_AGENT,
            "bad.yaml": replaceLine(replaceLine(BASE_AGENT, "  name: fixture-agent", "  name: bad-one"), "      access: read", "      access: readwrite"),
        });
        assert.throws(() => new AgentFleet("broken", { paths: [dir], now: NOW }), (e: Error) => {
            assert.ok(e instanceof AgentidError);
            assert.strictEqual(e.message, [
                "agentid: 1 problem in the agent declarations; nothing was changed:",
                `  ${path.join(dir, "bad.yaml")}:16:7: error: grant 0 (aws.s3, readwrite, risk medium) needs spec.approval with a ticket and approvers before it can be applied (approval-required)`,
            ].join("\n"));
            return true;
        });
        assert.strictEqual(registrations.length, before);
    });

    it("validates in-code declarations together with files, catching duplicate names across both", () => {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT });
        const inCode = { apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "fixture-agent" }, spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-01", identity: { kubernetes: {} }, grants: [{ connector: "kubernetes", resources: ["pods"], verbs: ["get"] }] } } as const;
        assert.throws(() => new AgentFleet("dupes", { paths: [dir], agents: [inCode as never], now: NOW }), /<AgentFleet agents\[0\]>:4:3: error: agent "fixture-agent" is already declared/);
    });

    it("reports a missing declaration path", () => {
        assert.throws(() => new AgentFleet("nopath", { paths: ["/nonexistent/agents"], now: NOW }), /\/nonexistent\/agents: error: no such file or directory/);
    });

    it("lists expired agents and keeps them as tombstones", async () => {
        const dir = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "  name: fixture-agent", "  name: old-agent") });
        const fleet = new AgentFleet("ageing", { paths: [dir], now: "2027-02-01T00:00:00Z" });
        await settled();
        assert.deepStrictEqual(await valueOf(fleet.expired), ["old-agent"]);
        assert.deepStrictEqual(registeredUnder("old-agent").map((r) => r.type), ["agentid:index:Agent"]);
    });

    it("requires OAuth client credentials for vendors the fleet uses", () => {
        assert.throws(() => new AgentFleet("nocreds", { paths: [AGENTS], now: NOW }), /agents use oauth\.github but the fleet has no client credentials/);
    });
});
