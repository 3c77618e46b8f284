import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { BASE_AGENT, cli, NOW, replaceLine, writeFixtures } from "../helpers/fixtures";

const BIN = path.join(__dirname, "../../provider/cli/main.js");
const AGENTS = path.join(__dirname, "../../../agents");

describe("agentid validate", () => {
    it("exits 0 on a valid fleet and says so", async () => {
        const result = await cli("validate", AGENTS, "--now", NOW);
        assert.deepStrictEqual(result, { code: 0, stdout: "5 agents in 5 files: all valid\n", stderr: "" });
    });

    it("exits 1 with file:line:col lines naming the rule", async () => {
        const dir = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "    contact: platform@example.com", "    contact: nobody") });
        const result = await cli("validate", dir, "--now", NOW);
        assert.strictEqual(result.code, 1);
        assert.strictEqual(result.stdout,
            `${path.join(dir, "a.yaml")}:9:5: error: spec.owner.contact must be an e-mail address such as team@example.com (contact-email)\n` +
            "1 error in 1 agent (1 file)\n");
    });

    it("prints exactly the JSON contract with --json", async () => {
        const dir = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-02-30") });
        const result = await cli("validate", dir, "--now", NOW, "--json");
        assert.strictEqual(result.code, 1);
        assert.deepStrictEqual(JSON.parse(result.stdout), {
            valid: false, agents: 1,
            errors: [{
                file: path.join(dir, "a.yaml"), line: 10, column: 3, agent: "fixture-agent", path: "spec.expiresAt", rule: "date-invalid",
                message: `expiresAt "2027-02-30" is not a real date; write an RFC 3339 date-time (2027-02-28T00:00:00Z) or a date (2027-02-28)`,
            }],
        });
    });

    it("exits 2 for an unknown flag, a missing path and no path", async () => {
        assert.strictEqual((await cli("validate", AGENTS, "--frobnicate")).code, 2);
        const missing = await cli("validate", "/nonexistent/agents");
        assert.deepStrictEqual([missing.code, missing.stdout], [2, ""]);
        assert.match(missing.stderr, /no such file or directory: \/nonexistent\/agents/);
        assert.strictEqual((await cli("validate")).code, 2);
        assert.strictEqual((await cli("validate", AGENTS, "--now", "yesterday")).code, 2);
    });

    it("never shows a stack trace for broken YAML", async () => {
        const dir = writeFixtures({ "a.yaml": "apiVersion: agentid/v1\nkind: Agent\nmetadata: {name: x\n" });
        const result = await cli("validate", dir, "--now", NOW);
        assert.strictEqual(result.code, 1);
        assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /);
        assert.match(result.stdout, /a\.yaml:\d+:\d+: error: invalid YAML: .* \(yaml-syntax\)/);
    });

    it("prints one JSON error document when paths are invalid", async () => {
        const result = await cli("validate", "/nonexistent", "--json");
        assert.deepStrictEqual([result.code, JSON.parse(result.stdout)], [2, {
            error: { code: "environment", message: "no such file or directory: /nonexistent" }, missing: ["/nonexistent"],
        }]);
    });
});

describe("agentid (process)", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

    it("exits 0, 1 and 2 as a real process", () => {
        const bad = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "      access: read", "      access: readwrite") });
        assert.deepStrictEqual([run("validate", AGENTS, "--now", NOW).status, run("validate", bad, "--now", NOW).status, run("validate", "--nope").status], [0, 1, 2]);
    });

    for (const command of ["validate", "show", "expired", "digest"]) {
        it(`shows an example in ${command} --help`, () => {
            const result = run(command, "--help");
            assert.strictEqual(result.status, 0);
            assert.match(result.stdout, new RegExp(`Example:\\n  agentid ${command} `));
            assert.match(result.stdout, /--now ISO/);
        });
    }

    it("lists every command with no arguments and exits 2", () => {
        const result = run();
        assert.strictEqual(result.status, 2);
        assert.match(result.stdout, /validate.*\n.*show.*\n.*expired.*\n.*digest/);
    });
});

describe("agentid digest", () => {
    it("prints the digest that makes an approval valid", async () => {
        const dir = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "      access: read", "      access: readwrite") });
        const digest = await cli("digest", dir, "--agent", "fixture-agent", "--json");
        const { grantsDigest } = JSON.parse(digest.stdout) as { grantsDigest: string };
        assert.match(grantsDigest, /^sha256:[0-9a-f]{64}$/);
        const approved = replaceLine(replaceLine(BASE_AGENT, "      access: read", "      access: readwrite"), "  expiresAt: 2027-01-15T00:00:00Z",
            `  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-9\n    approvers: [sec@example.com]\n    grantsDigest: ${grantsDigest}`);
        assert.strictEqual((await cli("validate", writeFixtures({ "a.yaml": approved }), "--now", NOW)).code, 0);
    });

    it("names the agents there are when --agent matches none", async () => {
        const result = await cli("digest", AGENTS, "--agent", "nobody");
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /no agent named "nobody".*agents there: billing-reconciler, billing-reporter, ops-responder, research-assistant, support-triage\n/);
    });
});
