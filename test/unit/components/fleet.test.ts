import { newProgram, recordParents, Registered, registeredBy, valueOf } from "../../helpers/mocks";
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AgentidError } from "../../../provider/components/programErrors";
import { AgentFleet } from "../../../provider/components/agentFleet";
import { Agent } from "../../../provider/components/agent";
import { execFile } from "child_process";
import { createHash } from "crypto";
import { canonicalJson } from "../../../provider/declarations/digest";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import { BASE_AGENT, NOW, replaceLine, writeFixtures } from "../../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../../agents");
const CLIENTS = { github: { clientId: "gh-client", clientSecret: pulumi.secret("gh-secret") } };
const BIN = path.join(__dirname, "../../../provider/cli/main.js");
const SAMPLE_AGENTS = ["billing-reconciler", "billing-reporter", "ops-responder", "research-assistant", "support-triage"];

/** `agentid show --json` run as its own process, as a reviewer or pipeline would. */
function showProcess(agent: string): Promise<any> {
    return new Promise((resolve, reject) => execFile(process.execPath, [BIN, "show", AGENTS, "--agent", agent, "--now", NOW, "--json"], (error, stdout, stderr) => {
        if (error) reject(new Error(`agentid show --agent ${agent} failed: ${stderr}`));
        else resolve(JSON.parse(stdout));
    }));
}

/** An AgentCore agent's declaration with SaaS grants (the YAML lines under `grants:`), by default one GitHub scope. */
function agentcoreAgent(name: string, grants = "    - connector: oauth.github\n      scopes: [read:org]"): string {
    return [
        "apiVersion: agentid/v1", "kind: Agent", `metadata: { name: ${name} }`, "spec:", "  description: Talks to SaaS",
        "  owner: { team: platform, contact: platform@example.com }", "  expiresAt: 2027-01-15T00:00:00Z",
        "  identity:", "    aws: { trust: agentcore }", "  grants:", grants,
    ].join("\n") + "\n";
}

const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
const manifestKey = (m: { kind: string; metadata: { name: string; namespace?: string } }) => `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;

/** What `show` says an agent gets, in the shape compared below (order-independent lists sorted). */
function shownDocuments(shown: any) {
    const trust = shown.aws?.trustPolicy.Statement[0];
    return {
        role: shown.aws && {
            name: shown.aws.roleName, path: shown.aws.path, maxSessionDuration: shown.aws.maxSessionDuration, permissionsBoundary: shown.aws.permissionsBoundaryArn,
            tags: shown.aws.tags, trustPolicy: shown.aws.trustPolicy,
        },
        permissionPolicy: shown.aws?.permissionPolicy,
        exclusive: shown.aws && { policyNames: shown.aws.permissionPolicy ? ["agentid-grants"] : [], policyArns: [] },
        workloadIdentity: shown.aws?.workloadIdentity ? `agent-${shown.name}` : undefined,
        podIdentity: trust?.Sid === "AgentTrustPodIdentity" ? {
            clusterName: trust.Condition.ArnEquals["aws:SourceArn"].split("cluster/")[1], roleArn: shown.aws.roleArn,
            namespace: trust.Condition.StringEquals["aws:RequestTag/kubernetes-namespace"], serviceAccount: trust.Condition.StringEquals["aws:RequestTag/kubernetes-service-account"],
        } : undefined,
        manifests: [...(shown.kubernetes?.manifests ?? [])].sort(byKey(manifestKey)),
        spire: shown.spire?.entry,
        cedar: [...(shown.cedar ?? [])].map((c: { name: string; statement: string }) => ({ name: c.name, statement: c.statement })).sort(byKey((c) => c.name)),
    };
}

/** The same shape from what the component registered; any resource type not mapped here fails the test. */
function registeredDocuments(mine: Registered[]) {
    const MAPPED = [
        "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        "aws:bedrock/agentcoreWorkloadIdentity:AgentcoreWorkloadIdentity", "aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws:bedrock/agentcorePolicy:AgentcorePolicy",
        "kubernetes:core/v1:ServiceAccount", "kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        "kubernetes:spire.spiffe.io/v1alpha1:ClusterSPIFFEID", "agentid:spire:Entry",
    ];
    assert.deepStrictEqual(mine.filter((r) => !MAPPED.includes(r.type)).map((r) => r.type), [], "a resource the comparison does not cover");
    const all = (type: string) => mine.filter((r) => r.type === type).map((r) => r.inputs);
    const one = (type: string) => {
        const found = all(type);
        assert.ok(found.length <= 1, `${found.length} × ${type}`);
        return found[0];
    };
    const role = one("aws:iam/role:Role");
    const policy = one("aws:iam/rolePolicy:RolePolicy");
    const policies = one("aws:iam/rolePoliciesExclusive:RolePoliciesExclusive");
    const attachments = one("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive");
    const entry = one("agentid:spire:Entry");
    return {
        role: role && {
            name: role.name, path: role.path, maxSessionDuration: role.maxSessionDuration, permissionsBoundary: role.permissionsBoundary,
            tags: role.tags, trustPolicy: JSON.parse(role.assumeRolePolicy),
        },
        permissionPolicy: policy && JSON.parse(policy.policy),
        exclusive: role && { policyNames: policies.policyNames, policyArns: attachments.policyArns },
        workloadIdentity: one("aws:bedrock/agentcoreWorkloadIdentity:AgentcoreWorkloadIdentity")?.name,
        podIdentity: one("aws:eks/podIdentityAssociation:PodIdentityAssociation"),
        manifests: mine.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs as Parameters<typeof manifestKey>[0]).sort(byKey(manifestKey)),
        spire: entry && { ...entry, expiresAt: Date.parse(entry.expiresAt) / 1000, admin: false, downstream: false },
        cedar: all("aws:bedrock/agentcorePolicy:AgentcorePolicy").map((p) => ({ name: p.name, statement: p.definition.cedar.statement })).sort(byKey((c) => c.name)),
    };
}

describe("AgentFleet", () => {
    it("creates one Agent per declaration, parented to the fleet, sharing OAuth providers and policy engines", async () => {
        const parents = recordParents();
        const { result: fleet, registered } = await registeredBy(() => new AgentFleet("sample", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS }, parents.options));
        const agents = parents.records.filter((r) => r.type === "agentid:index:Agent");
        assert.deepStrictEqual(agents.map((a) => [a.name, a.parent]).sort(), SAMPLE_AGENTS.map((a) => [a, "sample"]));
        const shared = registered.filter((r) => r.custom && r.name.startsWith("sample-")).map((r) => [r.type, r.name]).sort();
        assert.deepStrictEqual(shared, [
            ["aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider", "sample-oauth-github"],
            ["aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine", "sample-engine-research-tools"],
            ["aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine", "sample-engine-support-tools"],
        ]);
        assert.deepStrictEqual(registered.filter((r) => r.name.startsWith("research-assistant-") && r.type.includes("Oauth2CredentialProvider")), [], "agents use the fleet's provider");
        assert.deepStrictEqual(registered.filter((r) => r.type.endsWith("AgentcorePolicyEngine")).map((r) => r.inputs.description).sort(),
            ["agentid tool policies for gateway research-tools", "agentid tool policies for gateway support-tools"]);
        assert.deepStrictEqual(await valueOf(fleet.expired), []);
    });

    it("registers a fleet written only in code (no paths)", async () => {
        const inCode = { apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "code-only" }, spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-01T00:00:00Z", identity: { kubernetes: { serviceAccount: "code-only" } }, grants: [{ connector: "kubernetes", resources: ["pods"], verbs: ["get"] }] } };
        const { result: fleet, registered } = await registeredBy(() => new AgentFleet("code", { agents: [inCode as never], now: NOW }));
        assert.deepStrictEqual(Object.keys(fleet.agents), ["code-only"]);
        assert.deepStrictEqual(registered.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount").map((r) => r.inputs.metadata.name), ["code-only"]);
    });

    it("shares one credential provider per vendor when the fleet names no account and region (its ARN known only once created)", async () => {
        const { registered } = await registeredBy(() => new AgentFleet("unplaced", { paths: [writeFixtures({ "a.yaml": agentcoreAgent("unplaced-reader") })], now: NOW, oauthClients: CLIENTS }));
        assert.deepStrictEqual(registered.filter((r) => r.type.endsWith("AgentcoreOauth2CredentialProvider")).map((r) => [r.name, r.inputs.name]), [["unplaced-oauth-github", "agentid-github"]]);
        const policy = JSON.parse(registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "unplaced-reader-grants")!.inputs.policy);
        assert.ok(JSON.stringify(policy).includes("oauth2credentialprovider/agentid-github"), "the agent's policy names the fleet's provider");
    });

    it("registers, for every sample agent, exactly the documents `agentid show --json` prints as a separate (process)", async () => {
        const [{ registered }, ...shown] = await Promise.all([
            registeredBy(() => new AgentFleet("mirror", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS })),
            ...SAMPLE_AGENTS.map(showProcess),
        ]);
        assert.deepStrictEqual(shown.map((s) => s.name), SAMPLE_AGENTS);
        for (const agent of shown) {
            const mine = registered.filter((r) => r.name.startsWith(`${agent.name}-`));
            assert.deepStrictEqual(registeredDocuments(mine), shownDocuments(agent), agent.name);
            assert.doesNotMatch(JSON.stringify(agent), /<region>|<account>|\$\{/, `${agent.name}: show prints real ARNs when the fleet names its account and region`);
        }
        // The fleet's shared OAuth providers are exactly the vendors the agents' documents use.
        const vendors = [...new Set(shown.flatMap((a) => a.aws?.oauthProviders ?? []))].sort();
        assert.deepStrictEqual(registered.filter((r) => r.type.endsWith(":AgentcoreOauth2CredentialProvider")).map((r) => r.name).sort(), vendors.map((v) => `mirror-oauth-${v}`));
    });

    it("outputs, for every sample agent, the digest of its declared grants (pinned by an approval or not)", async () => {
        const { result: fleet } = await registeredBy(() => new AgentFleet("digests", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS }));
        const declared = validateDeclarations([AGENTS], { now: new Date(NOW) }).declarations;
        assert.ok(declared.some((d) => d.declaration.spec.approval?.grantsDigest !== undefined) && declared.some((d) => d.declaration.spec.approval?.grantsDigest === undefined));
        for (const { declaration } of declared) {
            const expected = `sha256:${createHash("sha256").update(canonicalJson(declaration.spec.grants)).digest("hex")}`;
            assert.strictEqual(await valueOf(fleet.agents[declaration.metadata.name].grantsDigest), expected, declaration.metadata.name);
        }
    });

    it("stops the program with the whole report and registers nothing when a declaration is invalid", async () => {
        const { registered } = await registeredBy(() => {
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
        });
        assert.deepStrictEqual(registered, []);
    });

    it("registers nothing when one of its agents takes an identity an Agent of the program already holds, whichever agent it is", async () => {
        // Every agent's identities are claimed before the fleet registers anything: the clash of its last agent
        // used to stop the program after the fleet and its first agents had been registered.
        await registeredBy(() => new Agent("holder", {
            description: "Holds the account", owner: { team: "ops", contact: "ops@example.com" }, expiresAt: "2027-01-15T00:00:00Z", now: NOW,
            identity: { kubernetes: { serviceAccount: "taken" } }, grants: [{ connector: "kubernetes", verbs: ["get"], resources: ["agents/configmaps"] }],
        }));
        const named = (name: string) => replaceLine(BASE_AGENT, "  name: fixture-agent", `  name: ${name}`);
        const withAccount = (name: string, account: string) => replaceLine(named(name), "    aws:", `    kubernetes:\n      serviceAccount: ${account}\n    aws:`);
        const dir = writeFixtures({ "a.yaml": named("a-first"), "b.yaml": withAccount("b-second", "free-one"), "c.yaml": withAccount("c-third", "taken") });
        const { registered } = await registeredBy(() => assert.throws(() => new AgentFleet("late-clash", { paths: [dir], now: NOW }),
            (e: Error) => e instanceof AgentidError && /agent c-third is invalid: .*service account agents\/taken already belongs to agent "holder"/.test(e.message.replace(/\n/g, " "))));
        assert.deepStrictEqual(registered, []);
        // Nor is anything claimed: a program that goes on may give b-second's account to an agent it does create.
        assert.doesNotThrow(() => new Agent("late", {
            description: "Takes the account the failed fleet never created", owner: { team: "ops", contact: "ops@example.com" }, expiresAt: "2027-01-15T00:00:00Z", now: NOW,
            identity: { kubernetes: { serviceAccount: "free-one" } }, grants: [{ connector: "kubernetes", verbs: ["get"], resources: ["agents/configmaps"] }],
        }));
        // The fleet's first agent clashing stops it the same way.
        const first = writeFixtures({ "a.yaml": withAccount("a-takes", "taken"), "b.yaml": named("b-free") });
        const { registered: none } = await registeredBy(() => assert.throws(() => new AgentFleet("early-clash", { paths: [first], now: NOW }),
            (e: Error) => e instanceof AgentidError && /agent a-takes is invalid: .*service account agents\/taken already belongs to agent "holder"/.test(e.message.replace(/\n/g, " "))));
        assert.deepStrictEqual(none, []);
    });

    it("names the fleet that holds an identity when an Agent created after it takes one of its agents'", async () => {
        const holder = replaceLine(replaceLine(BASE_AGENT, "  name: fixture-agent", "  name: fleet-holder"), "    aws:", "    kubernetes:\n      serviceAccount: fleet-held\n    aws:");
        await registeredBy(() => new AgentFleet("holding", { paths: [writeFixtures({ "a.yaml": holder })], now: NOW }));
        assert.throws(() => new Agent("intruder", {
            description: "Wants the fleet's account", owner: { team: "ops", contact: "ops@example.com" }, expiresAt: "2027-01-15T00:00:00Z", now: NOW,
            identity: { kubernetes: { serviceAccount: "fleet-held" } }, grants: [{ connector: "kubernetes", verbs: ["get"], resources: ["agents/configmaps"] }],
        }), (e: Error) => e instanceof AgentidError && e.message.includes('service account agents/fleet-held already belongs to agent "fleet-holder" (the AgentFleet "holding"); one identity, one agent'));
    });

    it("validates in-code declarations together with files, catching duplicate names across both", () => {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT });
        const inCode = { apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "fixture-agent" }, spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-01", identity: { kubernetes: {} }, grants: [{ connector: "kubernetes", resources: ["pods"], verbs: ["get"] }] } } as const;
        assert.throws(() => new AgentFleet("dupes", { paths: [dir], agents: [inCode as never], now: NOW }), /<AgentFleet agents\[0\]> metadata\.name: error: agent "fixture-agent" is already declared/);
    });

    it("keeps the program's settings when a Fleet document written in code sets them to undefined: the boundary on the role, the namespaces an agent may use", async () => {
        // `permissionsBoundaryArn: process.env.BOUNDARY` with the variable unset: a key left out, not a setting that clears the program's.
        const BOUNDARY = "arn:aws:iam::123456789012:policy/agent-boundary";
        const fleetInCode = { apiVersion: "agentid/v1", kind: "Fleet", metadata: { name: "fleet" }, spec: { permissionsBoundaryArn: undefined, allowedNamespaces: undefined, separationOfDuties: undefined } };
        const { registered } = await registeredBy(() => new AgentFleet("kept", { paths: [writeFixtures({ "a.yaml": BASE_AGENT })], agents: [fleetInCode as never], settings: { permissionsBoundaryArn: BOUNDARY }, now: NOW }));
        assert.deepStrictEqual(registered.filter((r) => r.type === "aws:iam/role:Role").map((r) => [r.name, r.inputs.permissionsBoundary]), [["fixture-agent-role", BOUNDARY]]);
        const inPayments = replaceLine(replaceLine(BASE_AGENT, "      trust: rolesAnywhere", null).replace("    aws:\n      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc", "    kubernetes:\n      namespace: payments"),
            "    - connector: aws.s3", "    - connector: kubernetes\n      verbs: [get]").replace("      access: read\n", "").replace("arn:aws:s3:::bucket/prefix/*", "payments/configmaps");
        const dir = writeFixtures({ "a.yaml": inPayments });
        assert.throws(() => new AgentFleet("narrow", { paths: [dir], agents: [fleetInCode as never], settings: { allowedNamespaces: ["agents"] }, now: NOW }), (error: Error) =>
            error instanceof AgentidError && error.message === "agentid: 1 problem in the agent declarations; nothing was changed:\n" +
            `  ${path.join(dir, "a.yaml")}:13:7: error: namespace "payments" is not in the fleet's allowedNamespaces (agents); add it to the Fleet document if agents belong there (kubernetes-namespace)`);
        newProgram(); // the same agent in a program of its own: one program declares an agent once
        assert.doesNotThrow(() => new AgentFleet("wide", { paths: [dir], agents: [fleetInCode as never], now: NOW }), "the same agent is valid where the program names no namespaces");
    });

    it("stops on an arg it does not take: a misspelt `paths` would validate no file and leave the stack with no agent", async () => {
        const { registered } = await registeredBy(() => {
            const dir = writeFixtures({ "a.yaml": BASE_AGENT });
            assert.throws(() => new AgentFleet("misspelt", { path: [dir], now: NOW } as never), (e: Error) => {
                assert.ok(e instanceof AgentidError);
                assert.strictEqual(e.message, "the AgentFleet's args are invalid:\n" +
                    "  an AgentFleet takes no arg \"path\"; did you mean paths? (its args: paths, settings, now, platforms, oauthClients, spireSocket, stack, agents); an arg it does not take would be ignored (unknown-argument)");
                return true;
            });
            assert.throws(() => new AgentFleet("misspelt-twice", { path: [dir], setting: {}, now: NOW } as never), (e: Error) => e instanceof AgentidError && e.message.split("\n").length === 3
                && /\n {2}an AgentFleet takes no arg "path";.*\n {2}an AgentFleet takes no arg "setting"; did you mean settings\?/.test(e.message));
        });
        assert.deepStrictEqual(registered, []);
    });

    it("reports a missing declaration path", () => {
        assert.throws(() => new AgentFleet("nopath", { paths: ["/nonexistent/agents"], now: NOW }), /\/nonexistent\/agents: error: no such file or directory/);
    });

    it("lists expired agents and keeps them as tombstones", async () => {
        const dir = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "  name: fixture-agent", "  name: old-agent") });
        const { result: fleet, registered } = await registeredBy(() => new AgentFleet("ageing", { paths: [dir], now: "2027-02-01T00:00:00Z" }));
        assert.deepStrictEqual(await valueOf(fleet.expired), ["old-agent"]);
        assert.deepStrictEqual(registered.map((r) => [r.type, r.name]), [["agentid:index:AgentFleet", "ageing"], ["agentid:index:Agent", "old-agent"]]);
    });

    it("summarises each agent from its resolved declaration: canonical expiry (a date, an offset), status and owner, active and expired (disable, delete)", async () => {
        // The summary was once parsed again from each declaration; it must say what each Agent's own outputs say.
        const agent = (name: string, expiresAt: string, onExpiry?: string) => replaceLine(replaceLine(BASE_AGENT, "  name: fixture-agent", `  name: ${name}`),
            "  expiresAt: 2027-01-15T00:00:00Z", `  expiresAt: "${expiresAt}"${onExpiry ? `\n  onExpiry: ${onExpiry}` : ""}`);
        const dir = writeFixtures({
            "a.yaml": agent("dated-disabled", "2027-01-15", "disable"), "b.yaml": agent("offset-active", "2027-01-19T23:30:00-01:00"),
            "c.yaml": agent("offset-deleted", "2027-01-19T12:00:00+02:00"), "d.yaml": agent("dated-deleted", "2027-01-19", "delete"),
        });
        const { result: fleet } = await registeredBy(() => new AgentFleet("summarised", { paths: [dir], now: "2027-01-20T00:00:00Z" }));
        const owner = "platform <platform@example.com>";
        const summary = {
            "dated-disabled": { status: "expired", expiresAt: "2027-01-15T00:00:00Z", owner },
            "offset-active": { status: "active", expiresAt: "2027-01-20T00:30:00Z", owner },
            "offset-deleted": { status: "expired", expiresAt: "2027-01-19T10:00:00Z", owner },
            "dated-deleted": { status: "expired", expiresAt: "2027-01-19T00:00:00Z", owner },
        };
        assert.deepStrictEqual(await valueOf(fleet.summary), summary);
        assert.deepStrictEqual(await valueOf(fleet.expired), ["dated-disabled", "offset-deleted", "dated-deleted"]);
        for (const [name, a] of Object.entries(fleet.agents)) {
            assert.deepStrictEqual({ status: await valueOf(a.status), expiresAt: await valueOf(a.expiresAt) }, { status: summary[name as keyof typeof summary].status, expiresAt: summary[name as keyof typeof summary].expiresAt }, name);
        }
    });

    describe("with one OAuth client per agent (oauthClientSharing: perAgent)", () => {
        // The names are prefixes of each other on purpose.
        const perAgentFleet = () => writeFixtures({ "reader.yaml": agentcoreAgent("gh-reader"), "reader-two.yaml": agentcoreAgent("gh-reader-two") });
        const client = (id: string) => ({ clientId: id, clientSecret: pulumi.secret(`${id}-secret`) });

        it("gives each agent a credential provider of its own client: never another agent's, nor the fleet-wide one", async () => {
            const { result: fleet, registered } = await registeredBy(() => new AgentFleet("own-clients", {
                paths: [perAgentFleet()], now: NOW, settings: { oauthClientSharing: "perAgent" },
                oauthClients: { "github": client("fleet-wide"), "gh-reader/github": client("reader-client"), "gh-reader-two/github": client("two-client"), "gh-reader-twin/github": client("twin-client"), "ops-agent/github": client("ops-client") },
            }));
            const providers = registered.filter((r) => r.type.endsWith("AgentcoreOauth2CredentialProvider"))
                // The whole configuration is a secret (its client secret is): the mocks see it wrapped.
                .map((r) => [r.name, r.inputs.name, r.inputs.oauth2ProviderConfig.value]).sort();
            assert.deepStrictEqual(providers, [
                ["gh-reader-oauth-github", "agentid-gh-reader-github", { githubOauth2ProviderConfig: { clientId: "reader-client", clientSecret: "reader-client-secret" } }],
                ["gh-reader-two-oauth-github", "agentid-gh-reader-two-github", { githubOauth2ProviderConfig: { clientId: "two-client", clientSecret: "two-client-secret" } }],
            ]);
            assert.deepStrictEqual(Object.keys(fleet.agents).sort(), ["gh-reader", "gh-reader-two"]);
        });

        it("names each missing client by <agent>/<vendor> and registers nothing", async () => {
            const { registered } = await registeredBy(() => {
                assert.throws(() => new AgentFleet("missing-client", { paths: [perAgentFleet()], now: NOW, settings: { oauthClientSharing: "perAgent" }, oauthClients: { "github": client("fleet-wide"), "gh-reader/github": client("reader-client") } }),
                    (e: Error) => e instanceof AgentidError && e.message === "agents use SaaS connectors but the fleet has no client credentials for gh-reader-two/github: " +
                        "set AgentFleet oauthClients.<agent>/<vendor> (clientId, clientSecret) — in the root program, config agentid:oauthClients (secret)");
            });
            assert.deepStrictEqual(registered, []);
        });
    });

    it("names every vendor whose fleet-wide client is missing, each once and sorted", () => {
        const dir = writeFixtures({
            "a.yaml": agentcoreAgent("slack-and-github", "    - connector: oauth.slack\n      scopes: [channels:read]\n    - connector: oauth.github\n      scopes: [read:org]"),
            "b.yaml": agentcoreAgent("github-too", "    - connector: oauth.github\n      scopes: [read:user]"),
        });
        assert.throws(() => new AgentFleet("two-vendors", { paths: [dir], now: NOW }), (e: Error) => e instanceof AgentidError && e.message ===
            "agents use SaaS connectors but the fleet has no client credentials for github, slack: set AgentFleet oauthClients.<vendor> (clientId, clientSecret) — in the root program, config agentid:oauthClients (secret)");
        assert.doesNotThrow(() => new AgentFleet("two-vendors-aws-off", { paths: [dir], now: NOW, platforms: { aws: false } }), "without AWS no credential provider is made, so no client is needed");
    });

    it("hands the SPIRE server's socket to every agent's registration entry", async () => {
        const { registered } = await registeredBy(() => new AgentFleet("socketed", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS, spireSocket: "/run/spire/admin.sock" }));
        const entries = (of: typeof registered) => of.filter((r) => r.type === "agentid:spire:Entry").map((r) => [r.name, r.inputs.socketPath]).sort();
        assert.deepStrictEqual(entries(registered), [["ops-responder-spire", "/run/spire/admin.sock"], ["support-triage-spire", "/run/spire/admin.sock"]]);
        // Without one, the entries name none (the provider's default socket is used): another program.
        newProgram();
        const { registered: unsocketed } = await registeredBy(() => new AgentFleet("unsocketed", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS }));
        assert.deepStrictEqual(entries(unsocketed), [["ops-responder-spire", undefined], ["support-triage-spire", undefined]]);
    });

    it("requires OAuth client credentials for vendors the fleet uses", () => {
        assert.throws(() => new AgentFleet("nocreds", { paths: [AGENTS], now: NOW }), /agents use SaaS connectors but the fleet has no client credentials for github: set AgentFleet oauthClients\.<vendor>/);
    });
});
