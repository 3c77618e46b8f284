import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { agentDoc, FLEET, fleetDir } from "../helpers/attacks";
import { BASE_AGENT, cli, NOW, replaceLine, writeFixtures } from "../helpers/fixtures";

describe("agentid diff", () => {
    it("compares the working tree with a git revision", async () => {
        const repo = writeFixtures({ "agents/a.yaml": BASE_AGENT });
        const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
        git("init", "-q"); git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "root");
        git("add", "."); git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "agents");
        fs.writeFileSync(path.join(repo, "agents/a.yaml"), replaceLine(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-02-01T00:00:00Z"));
        const result = await cli("diff", "--base", "git:HEAD", "--head", path.join(repo, "agents"), "--now", NOW, "--json");
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout), { changes: [
            { agent: "fixture-agent", kind: "expiry-extended", risk: "medium", detail: "2027-01-15T00:00:00Z → 2027-02-01T00:00:00Z (+17 days)" },
        ] });
    });

    it("reports an unknown revision as a usage error", async () => {
        const repo = writeFixtures({ "agents/a.yaml": BASE_AGENT });
        execFileSync("git", ["init", "-q"], { cwd: repo });
        const result = await cli("diff", "--base", "git:no-such-rev", "--head", path.join(repo, "agents"));
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /git ls-tree failed for revision "no-such-rev"/);
    });

    it("prints markdown for pull-request comments", async () => {
        const base = writeFixtures({ "a.yaml": BASE_AGENT });
        const head = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "  name: fixture-agent", "  name: other-agent") });
        const result = await cli("diff", "--base", base, "--head", head, "--now", NOW, "--format", "md");
        assert.match(result.stdout, /^\*\*agentid access diff\*\*: 2 changes to 2 agents — 0 high, 1 medium, 1 low risk\.\n/);
    });

    describe("separation of duties", () => {
        const approval = { ticket: "SEC-9", approvers: ["sec@example.com"] };
        const readsBilling = { connector: "aws.secretsmanager", access: "read", resources: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/stripe-key"] };
        const rule = { name: "no-secret-exfiltration", description: "nothing that reads payment secrets may post to chat", forbid: [
            { connector: "aws.secretsmanager", access: "read", resources: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/*"] },
            { connector: "oauth.slack", access: "write" },
        ] };
        const fleet = (rules: unknown[]) => ({ ...FLEET, spec: { ...FLEET.spec, separationOfDuties: rules } });
        type Change = { agent: string; kind: string; risk: string; detail: string };
        const diff = async (base: string, head: string) => {
            const result = await cli("diff", "--base", base, "--head", head, "--now", NOW, "--json");
            return { code: result.code, changes: (JSON.parse(result.stdout) as { changes: Change[] }).changes, doc: JSON.parse(result.stdout), stderr: result.stderr };
        };

        it("reports a change that creates a violation as high risk (exit 1: the head is invalid)", async () => {
            const base = fleetDir([agentDoc("billing-bot", { approval, grants: [readsBilling] })], fleet([rule]));
            const head = fleetDir([agentDoc("billing-bot", { approval, grants: [readsBilling, { connector: "oauth.slack", scopes: ["chat:write"] }] })], fleet([rule]));
            const { code, changes, doc, stderr } = await diff(base, head);
            assert.strictEqual(code, 1);
            assert.deepStrictEqual(changes.map((c) => [c.agent, c.kind, c.risk]), [["billing-bot", "grant-added", "medium"], ["billing-bot", "separation-of-duties", "high"]]);
            assert.match(changes[1].detail, /^separation-of-duties rule "no-secret-exfiltration" \(nothing that reads payment secrets may post to chat\): this agent holds every duty it forbids/);
            assert.deepStrictEqual(doc.errors.map((e: { rule: string; agent: string }) => [e.rule, e.agent]), [["separation-of-duties", "billing-bot"]]);
            assert.match(stderr, /the head declarations break 1 separation-of-duties rule/);
        });

        it("reports the agent whose effective scopes now complete a rule, though another agent changed", async () => {
            const reader = agentDoc("reader", { approval, grants: [readsBilling, { connector: "oauth.slack", scopes: ["channels:read"] }] });
            const base = fleetDir([reader, agentDoc("poster", { grants: [{ connector: "oauth.slack", scopes: ["channels:history"] }] })], fleet([rule]));
            const head = fleetDir([reader, agentDoc("poster", { approval, grants: [{ connector: "oauth.slack", scopes: ["chat:write"] }] })], fleet([rule]));
            const { changes } = await diff(base, head);
            assert.deepStrictEqual(changes.filter((c) => c.kind === "separation-of-duties").map((c) => [c.agent, c.risk]), [["reader", "high"]]);
        });

        it("does not report a conflict the base already had, and compares a base whose only errors are conflicts", async () => {
            const both = agentDoc("billing-bot", { approval, grants: [readsBilling, { connector: "oauth.slack", scopes: ["chat:write"] }] });
            const base = fleetDir([both], fleet([rule]));
            const head = fleetDir([{ ...both, spec: { ...(both.spec as object), expiresAt: "2027-01-10T00:00:00Z" } }], fleet([rule]));
            const { code, changes } = await diff(base, head);
            assert.strictEqual(code, 1, "the head still breaks the rule");
            assert.deepStrictEqual(changes.map((c) => c.kind), ["expiry-shortened"]);
        });

        it("rates removing or changing a rule in the Fleet document high, adding one low", async () => {
            const agents = [agentDoc("reader", { grants: [readsBilling] })];
            const removed = await diff(fleetDir(agents, fleet([rule])), fleetDir(agents, fleet([])));
            assert.deepStrictEqual(removed.changes.map((c) => [c.agent, c.kind, c.risk]), [["(fleet)", "fleet-setting-changed", "high"]]);
            assert.match(removed.changes[0].detail, /^separationOfDuties: .* \(loosens a guardrail or moves trust\)$/);
            const widened = { ...rule, forbid: [...rule.forbid, { connector: "aws.kms", access: "read" }] };
            assert.deepStrictEqual((await diff(fleetDir(agents, fleet([rule])), fleetDir(agents, fleet([widened])))).changes.map((c) => c.risk), ["high"]);
            const added = await diff(fleetDir(agents, fleet([])), fleetDir(agents, fleet([rule])));
            assert.deepStrictEqual(added.changes.map((c) => [c.kind, c.risk]), [["fleet-setting-changed", "low"]]);
        });
    });
});
