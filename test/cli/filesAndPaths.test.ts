import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { agentid, agentWith, BASE_AGENT, NOW, writeFixtures } from "../helpers/fixtures";

type JsonError = { file: string; line: number; column: number; rule: string; message: string };

describe("bad input never changes the answer: files and paths (CLI process)", () => {
    it("stops with an environment error naming a file it cannot read", async function () {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT, "b.yaml": agentWith(["  name: fixture-agent", "  name: second-agent"]) });
        fs.chmodSync(dir, 0o755);
        fs.chmodSync(path.join(dir, "a.yaml"), 0o000);
        // root reads any file, so the CLI runs as "nobody" there.
        const uid = process.getuid?.() === 0 ? 65534 : undefined;
        const result = await agentid(["validate", dir, "--now", NOW, "--json"], { uid });
        const file = path.join(dir, "a.yaml");
        assert.strictEqual(result.code, 2);
        assert.deepStrictEqual(JSON.parse(result.stdout), {
            error: { code: "environment", message: `cannot read ${file} (cannot read the file: permission denied (EACCES))` },
            unreadable: [{ file, reason: "cannot read the file: permission denied (EACCES)" }],
        });
        assert.strictEqual(result.stderr, `agentid validate: error: cannot read ${file} (cannot read the file: permission denied (EACCES))\n`);
    });

    it("reports a dangling link and a directory loop per entry and reads everything else", async () => {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT, "sub/b.yaml": agentWith(["  name: fixture-agent", "  name: second-agent"]) });
        fs.symlinkSync("deleted.yaml", path.join(dir, "gone.yaml"));
        fs.symlinkSync("..", path.join(dir, "sub", "loop"));
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.strictEqual(result.code, 1);
        const report = JSON.parse(result.stdout);
        assert.strictEqual(report.agents, 2);
        assert.deepStrictEqual(report.errors.map((e: JsonError) => [path.relative(dir, e.file), e.line, e.column, e.rule, e.message]), [
            ["gone.yaml", 1, 1, "file-unusable", `a dangling symbolic link (its target "deleted.yaml" does not exist); remove it or fix the target`],
            ["sub/loop", 1, 1, "file-unusable", "a link back to a directory that contains it (a loop); remove the link"],
        ]);
    });

    it("refuses FIFOs and devices without ever blocking on them", async () => {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT });
        execFileSync("mkfifo", [path.join(dir, "pipe.yaml")]);
        const [inside, given, device] = await Promise.all([
            agentid(["validate", dir, "--now", NOW, "--json"]),
            agentid(["validate", path.join(dir, "pipe.yaml"), "--now", NOW, "--json"]),
            agentid(["validate", "/dev/null", "--now", NOW, "--json"]),
        ]);
        assert.strictEqual(inside.code, 1);
        assert.deepStrictEqual(JSON.parse(inside.stdout).errors.map((e: JsonError) => [path.basename(e.file), e.rule, e.message]), [
            ["pipe.yaml", "file-unusable", "a FIFO (named pipe), not a regular file; declarations must be regular files"],
        ]);
        assert.deepStrictEqual([given.code, JSON.parse(given.stdout).error], [2, { code: "environment", message: `cannot read ${path.join(dir, "pipe.yaml")} (a FIFO (named pipe), not a regular file or a directory)` }]);
        assert.deepStrictEqual([device.code, JSON.parse(device.stdout).error], [2, { code: "environment", message: "cannot read /dev/null (a character device, not a regular file or a directory)" }]);
    });

    it("reads a file reached by two paths once", async () => {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT });
        fs.symlinkSync("a.yaml", path.join(dir, "alias.yaml"));
        fs.linkSync(path.join(dir, "a.yaml"), path.join(dir, "hard.yaml"));
        const result = await agentid(["validate", dir, path.join(dir, "a.yaml"), path.join(dir, ".", "alias.yaml"), "--now", NOW]);
        assert.deepStrictEqual(result, { code: 0, stdout: "1 agent in 1 file: all valid\n", stderr: "" });
    });

    it("keeps a diagnostic on one line when the file name holds a newline or escape", async () => {
        const dir = writeFixtures({ "bad\nname\u001b[2J.yaml": agentWith(["    contact: platform@example.com", "    contact: nobody"]) });
        const result = await agentid(["validate", dir, "--now", NOW]);
        assert.strictEqual(result.code, 1);
        assert.strictEqual(result.stdout,
            `${dir}/bad\\nname\\x1b[2J.yaml:9:5: error: spec.owner.contact must be an e-mail address such as team@example.com (contact-email)\n` +
            "1 error in 1 agent (1 file)\n");
    });
});
