import { newProgram, recordParents, registeredBy as registeredDuring, registrations, settled, valueOf } from "../../helpers/mocks";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AgentFleet, AgentFleetArgs } from "../../../provider/components/agentFleet";
import { AgentidError } from "../../../provider/components/programErrors";
import { cli, NOW, writeFixtures } from "../../helpers/fixtures";
import { agentDoc, FLEET, fleetDir, simulate, validate } from "../../helpers/attacks";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import { fleetDigest, sealValidatedFleet, VALIDATED_FLEET_ENV } from "../../../provider/guardrails/validatedFleet";

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
        newProgram(); // another stack's program
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

    it("validates the whole fleet when it registers one stack: an identity shared with another stack's agent stops the program", async () => {
        const shared = shardedSample();
        const ops = path.join(shared, "ops.yaml");
        fs.writeFileSync(ops, fs.readFileSync(ops, "utf8").replace("serviceAccount: ops-responder", "serviceAccount: support-triage").replace("k8s:sa:ops-responder", "k8s:sa:support-triage"));
        const { registered } = await registeredDuring(() => {
            assert.throws(() => new AgentFleet("one-shard", { paths: [shared], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" }), (e: Error) => {
                assert.ok(e instanceof AgentidError);
                // Neither agent is in the stack being registered (billing): the rule still spans the fleet.
                assert.match(e.message, /support\.yaml:17:5: error: service account agents\/support-triage already belongs to agent "ops-responder" .*\(identity-shared\)/);
                return true;
            });
        });
        assert.deepStrictEqual(registered, [], "nothing is registered");
    });

    it("stops a stack that matches no shard, naming the stacks there are", () => {
        assert.throws(() => new AgentFleet("stray", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "prod" }), (e: Error) => {
            assert.ok(e instanceof AgentidError);
            assert.strictEqual(e.message, `stack "prod" matches no shard of this fleet (spec.stacks.by: team); its stacks are sample-billing-eng, sample-developer-experience, sample-sre, sample-support-platform. ` +
                "Select one of them (agentid stacks PATH lists each with its agents); a stack whose agents have all moved or gone keeps nothing agentid declares — remove it with pulumi destroy.");
            return true;
        });
    });

    it("says a sharded fleet with no agent has no stacks, so any stack of it is to be destroyed", () => {
        const empty = writeFixtures({ "fleet.yaml": "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: empty }\nspec:\n  stacks: { by: team }\n" });
        assert.throws(() => new AgentFleet("emptied", { paths: [empty], now: NOW, stack: "platform" }), (e: Error) => e instanceof AgentidError &&
            e.message.startsWith('stack "platform" matches no shard of this fleet (spec.stacks.by: team); its stacks are none. Select one of them'));
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
        newProgram(); // another stack's program
        new AgentFleet("unsharded", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS, stack: "sample-sre" }, {
            transformations: [(args) => { if (args.type === "agentid:index:Agent" && args.name === "ops-responder") seen.push({ name: "unsharded", aliases: args.opts.aliases }); return undefined; }],
        });
        await settled();
        assert.deepStrictEqual(seen, [{ name: "ops-responder", aliases: [{ parent: pulumi.rootStackResource }] }, { name: "unsharded", aliases: undefined }]);
    });
});

describe("AgentFleet given the fleet its --all run validated (one validation per run, not per shard)", () => {
    /** What `agentid plan|up --all` hands its shards' programs: the fleet validated at NOW, sealed; `edit` plays the runner's verdict. */
    function sealedRun(dir: string, edit: (decls: ReturnType<typeof validateDeclarations>["declarations"]) => void = () => undefined): Record<string, string> {
        const now = new Date(NOW);
        const digest = fleetDigest([dir], now);
        const report = validateDeclarations([dir], { now });
        edit(report.declarations);
        return sealValidatedFleet(fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-run-")), [dir], report, now, "pinned", digest);
    }
    /** What the programs below logged (under mocks, pulumi.log writes to the console). */
    let said: string[] = [];
    /** Runs `fn` with the run's environment, as a shard's program under the engine sees it. */
    function inRun<T>(env: Record<string, string>, fn: () => T): T {
        const before = { ...process.env };
        const log = console.log;
        Object.assign(process.env, env);
        console.log = (line: string) => { said.push(line); };
        try {
            return fn();
        } finally {
            console.log = log;
            for (const key of Object.values(VALIDATED_FLEET_ENV)) if (before[key] === undefined) delete process.env[key]; else process.env[key] = before[key];
        }
    }
    const notUsed = (reason: string) => `info: [runtime] the fleet validated by this agentid run is not used (${reason}): validating it here`;
    beforeEach(() => { said = []; });
    /** The owners the fleet summarises: the verdict's, when the program used it (the runner's verdict below says runner@…). */
    const ownersOf = async (fleet: AgentFleet) => Object.values(await valueOf(fleet.summary)).map((a) => a.owner).sort();
    const byRunner = (decls: ReturnType<typeof validateDeclarations>["declarations"]) => { for (const d of decls) d.declaration.spec.owner.contact = "runner@example.com"; };

    it("registers its shard from the run's sealed verdict instead of validating the files again", async () => {
        const dir = shardedSample();
        const fleet = inRun(sealedRun(dir, byRunner), () => new AgentFleet("handed", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" }));
        assert.deepStrictEqual(await ownersOf(fleet), ["billing-eng <runner@example.com>", "billing-eng <runner@example.com>"]);
        assert.deepStrictEqual(Object.keys(fleet.agents).sort(), ["billing-reconciler", "billing-reporter"]);
        assert.deepStrictEqual(said, []);
    });

    it("validates the fleet itself when a declaration file changed after the run validated it", async () => {
        const dir = shardedSample();
        const env = sealedRun(dir);
        const ops = path.join(dir, "ops.yaml");
        fs.writeFileSync(ops, fs.readFileSync(ops, "utf8").replace("serviceAccount: ops-responder", "serviceAccount: support-triage").replace("k8s:sa:ops-responder", "k8s:sa:support-triage"));
        const { registered } = await registeredDuring(() => {
            assert.throws(() => inRun(env, () => new AgentFleet("changed", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" })),
                (e: Error) => e instanceof AgentidError && /support\.yaml:17:5: error: service account agents\/support-triage already belongs to agent "ops-responder" .*\(identity-shared\)/.test(e.message));
        });
        assert.deepStrictEqual(registered, [], "nothing is registered");
        assert.deepStrictEqual(said, [notUsed("the declaration files differ from those it validated")]);
    });

    it("attack: a verdict rewritten without the run's key (a grant of iam:CreateUser slipped in) is not used; the files are validated and registered", async () => {
        const dir = shardedSample();
        const env = sealedRun(dir);
        const inject = (sealed: { mac: string; body: string }) => {
            const verdict = JSON.parse(sealed.body);
            verdict.agents.find((a: any) => a.declaration.metadata.name === "research-assistant").declaration.spec.grants.push({ connector: "aws.iam", actions: ["iam:CreateUser"], resources: ["*"] });
            return JSON.stringify(verdict);
        };
        const policyOf = async (env: Record<string, string>) => {
            const before = registrations.length;
            inRun(env, () => new AgentFleet("rewritten", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-developer-experience" }));
            await settled();
            return JSON.parse(registrations.slice(before).find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "research-assistant-grants")!.inputs.policy);
        };
        const file = env[VALIDATED_FLEET_ENV.file];
        const sealed = JSON.parse(fs.readFileSync(file, "utf8"));
        fs.writeFileSync(file, JSON.stringify({ mac: sealed.mac, body: inject(sealed) }));
        assert.strictEqual(await simulate(await policyOf(env), "iam:CreateUser", `arn:aws:iam::123456789012:user/intruder`), "Denied");
        assert.deepStrictEqual(said, [notUsed("its seal does not match")]);
        // The control: the same rewrite sealed with the run's key is trusted as the runner's verdict — the key is what stops it.
        const { createHmac } = await import("crypto");
        const body = inject(sealed);
        fs.writeFileSync(file, JSON.stringify({ mac: createHmac("sha256", Buffer.from(env[VALIDATED_FLEET_ENV.key], "hex")).update(body).digest("hex"), body }));
        assert.strictEqual(await simulate(await policyOf(env), "iam:CreateUser", `arn:aws:iam::123456789012:user/intruder`), "Allowed");
    });

    it("validates the fleet itself when the program adds declarations or settings in code: the run validated its files alone", async () => {
        const dir = shardedSample();
        const env = sealedRun(dir, byRunner);
        const fromFiles = ["billing-eng <billing-eng@example.com>", "billing-eng <billing-eng@example.com>"];
        const billing = (args: Partial<AgentFleetArgs>) => inRun(env, () => new AgentFleet("in-code", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng", ...args }));
        assert.notDeepStrictEqual(await ownersOf(billing({})), fromFiles, "the control: this verdict is used as it is");
        // Settings from code, even none, are the program's own: validated here, so the files' owners.
        assert.deepStrictEqual(await ownersOf(billing({ settings: {} })), fromFiles);
        // A tightening the run never saw is applied: every sample agent outlives a 7-day lifetime.
        assert.throws(() => billing({ settings: { maxLifetimeDays: 7 } }), (e: Error) => e instanceof AgentidError && /expiresAt .* more than 7 days/.test(e.message));
        // A declaration in code joins the fleet: validated with the files, its clash with a file's agent found.
        const inCode = { apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "billing-reconciler" }, spec: { description: "d", owner: { team: "billing-eng", contact: "t@example.com" }, expiresAt: "2027-01-01T00:00:00Z", identity: { kubernetes: {} }, grants: [{ connector: "kubernetes", resources: ["pods"], verbs: ["get"] }] } };
        assert.throws(() => billing({ agents: [inCode as never] }), (e: Error) => e instanceof AgentidError && /<AgentFleet agents\[0\]> metadata\.name: error: agent "billing-reconciler" is already declared/.test(e.message));
        assert.deepStrictEqual(said, []);
    });

    it("validates the fleet itself with another clock, without the run's key, or when run on its own", async () => {
        const dir = shardedSample();
        const env = sealedRun(dir, byRunner);
        const owners = async (env: Record<string, string>, now = NOW) => ownersOf(inRun(env, () => new AgentFleet("own", { paths: [dir], now, oauthClients: CLIENTS, stack: "sample-billing-eng" })));
        const fromFiles = ["billing-eng <billing-eng@example.com>", "billing-eng <billing-eng@example.com>"];
        assert.notDeepStrictEqual(await owners(env), fromFiles, "the control: this verdict is used as it is");
        assert.deepStrictEqual(await owners(env, "2026-12-01T00:00:01Z"), fromFiles);
        assert.deepStrictEqual(await owners({ [VALIDATED_FLEET_ENV.file]: env[VALIDATED_FLEET_ENV.file], [VALIDATED_FLEET_ENV.key]: "" }), fromFiles);
        assert.deepStrictEqual(await owners({ [VALIDATED_FLEET_ENV.file]: env[VALIDATED_FLEET_ENV.file], [VALIDATED_FLEET_ENV.key]: "00".repeat(32) }), fromFiles);
        assert.deepStrictEqual(await owners({}), fromFiles);
        assert.deepStrictEqual(said, [notUsed("it was made with another clock"), notUsed("its seal does not match"), notUsed("its seal does not match")]);
    });
    it("attack: a program whose only declaration file cannot be read does not adopt an empty fleet's verdict (it would register no agent)", async () => {
        const env = sealedRun(fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-empty-")));
        const { registered } = await registeredDuring(() => {
            // /proc/self/mem is a regular file whose reading fails (EIO): the program's declarations cannot be read.
            assert.throws(() => inRun(env, () => new AgentFleet("unreadable", { paths: ["/proc/self/mem"], now: NOW, oauthClients: CLIENTS })), (e: Error) => {
                assert.ok(e instanceof AgentidError);
                assert.strictEqual(e.message, "agentid: 1 problem in the agent declarations; nothing was changed:\n  /proc/self/mem: error: cannot read the file: input/output error (EIO)");
                return true;
            });
        });
        assert.deepStrictEqual(registered, [], "nothing is registered");
        assert.deepStrictEqual(said, [notUsed("the declaration files differ from those it validated")]);
    });

    it("attack: a program given a missing path and a non-file beside the validated files, or a dangling link added among them, validates itself and stops", () => {
        const dir = shardedSample();
        const env = sealedRun(dir);
        const missing = path.join(dir, "absent.yaml");
        assert.throws(() => inRun(env, () => new AgentFleet("more-paths", { paths: [dir, missing, "/dev/null"], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" })), (e: Error) => {
            assert.ok(e instanceof AgentidError);
            assert.strictEqual(e.message, `agentid: 2 problems in the agent declarations; nothing was changed:\n  ${missing}: error: no such file or directory\n  /dev/null: error: a character device, not a regular file or a directory`);
            return true;
        });
        const target = path.join(dir, "nowhere.yaml");
        fs.symlinkSync(target, path.join(dir, "gone.yaml"));
        assert.throws(() => inRun(env, () => new AgentFleet("dangling", { paths: [dir], now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" })), (e: Error) => {
            assert.ok(e instanceof AgentidError);
            assert.strictEqual(e.message, "agentid: 1 problem in the agent declarations; nothing was changed:\n" +
                `  ${path.join(dir, "gone.yaml")}:1:1: error: a dangling symbolic link (its target ${JSON.stringify(target)} does not exist); remove it or fix the target (file-unusable)`);
            return true;
        });
        assert.deepStrictEqual(said, [notUsed("the declaration files differ from those it validated"), notUsed("the declaration files differ from those it validated")]);
    });

    it("adopts the verdict in a program given the same files one by one, in another order", async () => {
        const dir = shardedSample();
        const files = fs.readdirSync(dir).map((f) => path.join(dir, f)).reverse();
        const env = sealedRun(dir, byRunner);
        const fleet = inRun(env, () => new AgentFleet("reordered", { paths: files, now: NOW, oauthClients: CLIENTS, stack: "sample-billing-eng" }));
        assert.deepStrictEqual(await ownersOf(fleet), ["billing-eng <runner@example.com>", "billing-eng <runner@example.com>"]);
        assert.deepStrictEqual(said, []);
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
