import { recordParents, registrations, registeredUnder, settled, valueOf } from "../../helpers/mocks";
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AgentidError } from "../../../provider/components/programErrors";
import { AgentFleet } from "../../../provider/components/agentFleet";
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

    it("creates exactly the documents and names agentid show prints, for every sample agent", async () => {
        new AgentFleet("mirror", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS });
        await settled();
        for (const agent of ["billing-reconciler", "billing-reporter", "ops-responder", "research-assistant", "support-triage"]) {
            const shown = JSON.parse((await cli("show", AGENTS, "--agent", agent, "--now", NOW, "--json")).stdout);
            const mine = (type: string, name: string) => registrations.filter((r) => r.type === type && r.name === name).at(-1)!.inputs;
            const role = mine("aws:iam/role:Role", `${agent}-role`);
            assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy), shown.aws.trustPolicy, `${agent} trust`);
            assert.deepStrictEqual(JSON.parse(mine("aws:iam/rolePolicy:RolePolicy", `${agent}-grants`).policy), shown.aws.permissionPolicy, `${agent} permissions`);
            assert.deepStrictEqual(role.tags, shown.aws.tags, `${agent} tags`);
            assert.doesNotMatch(JSON.stringify(shown), /<region>|<account>|\$\{/, `${agent}: show prints real ARNs when the fleet names its account and region`);
            if (shown.kubernetes) {
                assert.deepStrictEqual(mine("kubernetes:core/v1:ServiceAccount", `${agent}-sa`).metadata.annotations, shown.kubernetes.manifests[0].metadata.annotations, `${agent} service account`);
            }
        }
        const billing = JSON.parse((await cli("show", AGENTS, "--agent", "billing-reconciler", "--now", NOW, "--json")).stdout);
        assert.strictEqual(billing.kubernetes.manifests[0].metadata.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/agents/agent-billing-reconciler");
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
        assert.throws(() => new AgentFleet("dupes", { paths: [dir], agents: [inCode as never], now: NOW }), /<AgentFleet agents\[0\]> metadata\.name: error: agent "fixture-agent" is already declared/);
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
        assert.throws(() => new AgentFleet("nocreds", { paths: [AGENTS], now: NOW }), /agents use SaaS connectors but the fleet has no client credentials for github: set AgentFleet oauthClients\.<vendor>/);
    });
});
