import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
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
});
