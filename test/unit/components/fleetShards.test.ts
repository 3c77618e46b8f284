import { recordParents, registrations, settled } from "../../helpers/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AgentFleet } from "../../../provider/components/agentFleet";
import { AgentidError } from "../../../provider/components/programErrors";
import { cli, NOW, writeFixtures } from "../../helpers/fixtures";
import { agentDoc, FLEET, fleetDir, validate } from "../../helpers/attacks";

const AGENTS = path.join(__dirname, "../../../../agents");
const CLIENTS = { github: { clientId: "gh-client", clientSecret: pulumi.secret("gh-secret") } };

/** The sample fleet with `spec.stacks: { by: team }` added to its Fleet document. */
function shardedSample(): string {
    const files = Object.fromEntries(fs.readdirSync(AGENTS).map((f) => [f, fs.readFileSync(path.join(AGENTS, f), "utf8")]));
    files["fleet.yaml"] = `${files["fleet.yaml"].trimEnd()}\n  stacks: { by: team, prefix: sample }\n`;
    return writeFixtures(files);
}

/** Agents and custom resources one fleet registered (children recorded through an inherited transformation). */
function registeredBy(parents: ReturnType<typeof recordParents>) {
    return {
        agents: parents.records.filter((r) => r.type === "agentid:index:Agent").map((r) => r.name).sort(),
        resources: parents.records.filter((r) => r.type !== "agentid:index:Agent" && r.type !== "agentid:index:AgentFleet").map((r) => `${r.type} ${r.name}`).sort(),
    };
}

describe("AgentFleet in a sharded fleet (spec.stacks)", () => {
    const dir = shardedSample();

    it("registers only the agents of its stack, and every agent without a stack", async () => {
        const billing = recordParents();
        new AgentFleet("billing", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" }, billing.options);
        const whole = recordParents();
        new AgentFleet("whole", { paths: [dir], now: NOW, oauthClients: CLIENTS }, whole.options);
        await settled();
        assert.deepStrictEqual(registeredBy(billing).agents, ["billing-reconciler", "billing-reporter"]);
        assert.deepStrictEqual(registeredBy(whole).agents, ["billing-reconciler", "billing-reporter", "ops-responder", "research-assistant", "support-triage"]);
        assert.deepStrictEqual(JSON.parse((await cli("stacks", dir, "--now", NOW, "--json")).stdout), { stacks: [
            { name: "sample-billing-eng", agents: ["billing-reconciler", "billing-reporter"] },
            { name: "sample-developer-experience", agents: ["research-assistant"] },
            { name: "sample-sre", agents: ["ops-responder"] },
            { name: "sample-support-platform", agents: ["support-triage"] },
        ] });
    });

    it("validates the whole fleet when it registers one stack: an identity shared with another stack's agent stops the program", () => {
        const shared = shardedSample();
        const ops = path.join(shared, "ops.yaml");
        fs.writeFileSync(ops, fs.readFileSync(ops, "utf8").replace("serviceAccount: ops-responder", "serviceAccount: support-triage").replace("k8s:sa:ops-responder", "k8s:sa:support-triage"));
        const before = registrations.length;
        assert.throws(() => new AgentFleet("one-shard", { paths: [shared], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" }), (e: Error) => {
            assert.ok(e instanceof AgentidError);
            // Neither agent is in the stack being registered (billing): the rule still spans the fleet.
            assert.match(e.message, /support\.yaml:17:5: error: service account agents\/support-triage already belongs to agent "ops-responder" .*\(identity-shared\)/);
            return true;
        });
        assert.strictEqual(registrations.length, before, "nothing is registered");
    });

    it("stops a stack that matches no shard, naming the stacks there are", () => {
        assert.throws(() => new AgentFleet("stray", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "prod" }), (e: Error) => {
            assert.ok(e instanceof AgentidError);
            assert.strictEqual(e.message, `stack "prod" matches no shard of this fleet (spec.stacks.by: team); its stacks are sample-billing-eng, sample-developer-experience, sample-sre, sample-support-platform. ` +
                "Select one of them (agentid stacks PATH lists each with its agents); a stack whose agents have all moved or gone keeps nothing agentid declares — remove it with pulumi destroy.");
            return true;
        });
    });

    it("lets each agent own its OAuth provider (with the fleet's client) and policy engines, so no two stacks create one name", async () => {
        const research = recordParents();
        new AgentFleet("research", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-developer-experience" }, research.options);
        await settled();
        const shared = registeredBy(research).resources.filter((r) => /Oauth2CredentialProvider|PolicyEngine/.test(r));
        assert.deepStrictEqual(shared, [
            "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider research-assistant-oauth-github",
            "aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine research-assistant-engine-research-tools",
        ]);
        const provider = registrations.filter((r) => r.name === "research-assistant-oauth-github").at(-1)!.inputs;
        // The config holds the secret, so the whole object is a secret: its value is under `value`.
        assert.deepStrictEqual([provider.name, provider.oauth2ProviderConfig.value.githubOauth2ProviderConfig.clientId], ["agentid-research-assistant-github", "gh-client"]);
        const shown = JSON.parse((await cli("show", dir, "--agent", "research-assistant", "--now", NOW, "--json")).stdout);
        const policy = registrations.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "research-assistant-grants").at(-1)!.inputs.policy;
        assert.deepStrictEqual(JSON.parse(policy), shown.aws.permissionPolicy, "the component and show agree");
        assert.match(policy, /oauth2credentialprovider\/agentid-research-assistant-github"/);
    });

    it("finds an agent that pulumi state move parented to the stack, through an alias", async () => {
        const seen: { name: string; aliases: unknown }[] = [];
        new AgentFleet("aliased", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-sre" }, {
            transformations: [(args) => { if (args.type === "agentid:index:Agent") seen.push({ name: args.name, aliases: args.opts.aliases }); return undefined; }],
        });
        new AgentFleet("unsharded", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS, stack: "sample-sre" }, {
            transformations: [(args) => { if (args.type === "agentid:index:Agent" && args.name === "ops-responder") seen.push({ name: "unsharded", aliases: args.opts.aliases }); return undefined; }],
        });
        await settled();
        assert.deepStrictEqual(seen, [{ name: "ops-responder", aliases: [{ parent: pulumi.rootStackResource }] }, { name: "unsharded", aliases: undefined }]);
    });
});

describe("sharded fleet: two label values never share a stack", () => {
    // "Billing_Eng" is not a readable stack name, so its stack carries a hash of it; the value
    // "billing-eng-<that hash>" is already readable and gave the very same stack name.
    const fleet = { ...FLEET, spec: { ...FLEET.spec, stacks: { by: "label:shard" } } };
    const hashed = JSON.parse(JSON.stringify(agentDoc("billing-bot"))) as Record<string, any>;
    hashed.metadata.labels = { shard: "Billing_Eng" };

    it("refuses a label value whose stack name another value already gives, naming both", async () => {
        const billingStack = JSON.parse((await cli("stacks", fleetDir([hashed], fleet), "--now", NOW, "--json")).stdout).stacks[0].name as string;
        const intruder = JSON.parse(JSON.stringify(agentDoc("intruder"))) as Record<string, any>;
        intruder.metadata.labels = { shard: billingStack.replace(/^agents-/, "") };
        const verdict = await validate([hashed, intruder], fleet);
        assert.strictEqual(verdict.code, 1);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.rule, e.path]), [["intruder", "stack-shard", "metadata.labels.shard"]]);
        assert.match(verdict.errors[0].message, new RegExp(`label shard "${intruder.metadata.labels.shard}" gives stack ${billingStack}, which agent "billing-bot" \\(label "Billing_Eng", [^)]+fleet\\.yaml:\\d+\\) already has`));
        const other = JSON.parse(JSON.stringify(agentDoc("other"))) as Record<string, any>;
        other.metadata.labels = { shard: "billing-eng" };
        assert.strictEqual((await validate([hashed, other], fleet)).code, 0, "a distinct stack name is fine");
    });
});
