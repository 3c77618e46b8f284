import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { agentid, agentWith, BASE_AGENT, NOW, writeFixtures } from "../helpers/fixtures";

describe("bad input never changes the answer: the CLI contract everywhere (CLI process)", () => {
    it("prints exactly one JSON document on stdout on every exit with --json", async () => {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT });
        const cases: [string[], number, { code: string; message: string } | undefined][] = [
            [["validate", dir, "--frobnicate", "--json"], 2, { code: "usage", message: `unknown flag --frobnicate for "agentid validate"` }],
            [["validate", dir, "--now", "", "--json"], 2, { code: "usage", message: "--now needs a value (ISO), not an empty one" }],
            [["show", dir, "--agent=", "--json"], 2, { code: "usage", message: "--agent needs a value (NAME), not an empty one" }],
            [["validate", dir, "--now", NOW, "--now", "2027-01-01", "--json"], 2, { code: "usage", message: "--now is given twice; give it once" }],
            [["inventory", dir, "--format", "csv", "--json"], 2, { code: "usage", message: "--format and --json cannot be used together; give one of them" }],
            [["diff", "--base", dir, "--head", dir, "--format", "md", "--json"], 2, { code: "usage", message: "--format and --json cannot be used together; give one of them" }],
            [["diff", "--base", dir, "--head", dir, "stray", "--json"], 2, { code: "usage", message: `takes no paths; unexpected argument "stray"` }],
            [["frobnicate", "--json"], 2, { code: "usage", message: `unknown command "frobnicate"; commands: validate, show, expired, digest, diff, inventory, report, who-can, stacks, plan, up, drift, reap` }],
            [["plan", dir, "--json"], 2, { code: "usage", message: `takes no paths without --all; unexpected argument ${JSON.stringify(dir)}` }],
            [["up", "--all", "--json"], 2, { code: "usage", message: "--all needs the fleet's declaration files or directories" }],
            [["drift", "--all", dir, "--stack", "prod", "--json"], 2, { code: "usage", message: "--stack and --all cannot be used together; give one of them" }],
            [["reap", "--all", dir, "--parallel", "0", "--json"], 2, { code: "usage", message: `--parallel must be a whole number of stacks from 1; got "0"` }],
            [["plan", "--stack", "prod", "--parallel", "2", "--json"], 2, { code: "usage", message: "--parallel works with --all; give --all and the fleet's declaration paths" }],
            [["up", "--stack", "prod", "--wait", "soon", "--json"], 2, { code: "usage", message: `--wait must be a duration such as 30s, 10m or 1h; got "soon"` }],
            [["stacks", dir, "--json"], 2, { code: "usage", message: `the fleet in ${dir} is not split into stacks; add spec.stacks: { by: team } (or by: label:<key>) to its kind: Fleet document` }],
            [["plan", "--all", dir, "--now", NOW, "--json"], 2, { code: "usage", message: `the fleet in ${dir} is not split into stacks; add spec.stacks: { by: team } (or by: label:<key>) to its kind: Fleet document` }],
            [["validate", path.join(dir, "nope"), "--json"], 2, { code: "environment", message: `no such file or directory: ${path.join(dir, "nope")}` }],
            [["digest", dir, "--agent", "nobody", "--json"], 2, { code: "usage", message: `no agent named "nobody" in the given paths; agents there: fixture-agent` }],
            [["validate", dir, "--now", NOW, "--json"], 0, undefined],
        ];
        const results = await Promise.all(cases.map(([args]) => agentid(args)));
        cases.forEach(([args, code, error], i) => {
            const { code: exit, stdout } = results[i];
            assert.strictEqual(exit, code, args.join(" "));
            const document = JSON.parse(stdout); // exactly one document: any extra output fails to parse
            assert.deepStrictEqual(document.error, error, args.join(" "));
        });
        const help = await agentid(["validate", "--help", "--json"]);
        assert.deepStrictEqual([help.code, Object.keys(JSON.parse(help.stdout))], [0, ["help"]]);
    });

    it("says that an agent exists but is invalid in show and digest (exit 1), instead of 'no agent named'", async () => {
        const dir = writeFixtures({ "a.yaml": agentWith(["  description: A fixture agent", "  descripton: A fixture agent"]) });
        const [show, digest, text] = await Promise.all([
            agentid(["show", dir, "--agent", "fixture-agent", "--now", NOW, "--json"]),
            agentid(["digest", dir, "--agent", "fixture-agent", "--json"]),
            agentid(["digest", dir, "--agent", "fixture-agent"]),
        ]);
        for (const [result, command] of [[show, "show"], [digest, "digest"]] as const) {
            assert.strictEqual(result.code, 1);
            const document = JSON.parse(result.stdout);
            assert.deepStrictEqual(document.error, { code: "invalid", message: `agent "fixture-agent" is invalid (2 errors); fix the errors above (agentid validate) before agentid ${command}` });
            assert.deepStrictEqual([document.agent, document.errors.map((e: { rule: string }) => e.rule)], ["fixture-agent", ["required-field", "unknown-field"]]);
        }
        assert.deepStrictEqual([text.code, text.stdout], [1, ""]);
        assert.match(text.stderr, /a\.yaml:6:3: error: unknown field "descripton".*\nagentid digest: error: agent "fixture-agent" is invalid \(2 errors\)/s);
    });

    it("refuses git revisions that start with '-' and reads git:REV:PATH from that path", async () => {
        const repo = writeFixtures({ "old/a.yaml": BASE_AGENT, "new/a.yaml": agentWith(["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-02-01T00:00:00Z"]) });
        const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: repo, stdio: "pipe" });
        git("init", "-q"); git("add", "."); git("commit", "-q", "-m", "agents");
        const [option, optionWithPath, atPath] = await Promise.all([
            agentid(["diff", "--base", "git:--output=/tmp/agentid-pwned", "--head", path.join(repo, "new"), "--json"]),
            agentid(["diff", "--base", "git:-p:old", "--head", path.join(repo, "new"), "--json"]),
            agentid(["diff", "--base", "git:HEAD:old", "--head", path.join(repo, "new"), "--now", NOW, "--json"]),
        ]);
        assert.deepStrictEqual([option.code, JSON.parse(option.stdout).error], [2, { code: "usage", message: `--base git:--output=/tmp/agentid-pwned: a revision cannot start with "-" (git would read it as an option)` }]);
        assert.strictEqual(optionWithPath.code, 2);
        assert.strictEqual(fs.existsSync("/tmp/agentid-pwned"), false);
        assert.strictEqual(atPath.code, 0, atPath.stderr);
        assert.deepStrictEqual(JSON.parse(atPath.stdout), { changes: [
            { agent: "fixture-agent", kind: "expiry-extended", risk: "medium", detail: "2027-01-15T00:00:00Z → 2027-02-01T00:00:00Z (+17 days)" },
        ] });
    });
});
