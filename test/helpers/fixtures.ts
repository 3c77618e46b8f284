import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../../provider/cli/main";

/** The clock every fixture is written against. */
export const NOW = "2026-12-01T00:00:00Z";
export const NOW_DATE = new Date(NOW);

/** A valid agent; line numbers matter to the position tests (see the comments). */
export const BASE_AGENT = [
    "apiVersion: agentid/v1",                    // 1
    "kind: Agent",                               // 2
    "metadata:",                                 // 3
    "  name: fixture-agent",                     // 4
    "spec:",                                     // 5
    "  description: A fixture agent",            // 6
    "  owner:",                                  // 7
    "    team: platform",                        // 8
    "    contact: platform@example.com",         // 9
    "  expiresAt: 2027-01-15T00:00:00Z",         // 10
    "  identity:",                               // 11
    "    aws:",                                  // 12
    "      trust: rolesAnywhere",                // 13
    "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc", // 14
    "  grants:",                                 // 15
    "    - connector: aws.s3",                   // 16
    "      access: read",                        // 17
    "      resources:",                          // 18
    "        - arn:aws:s3:::bucket/prefix/*",    // 19
].join("\n") + "\n";

/** Replaces one exact line of a fixture (null deletes it); fails loudly when the line is not there. */
export function replaceLine(text: string, line: string, replacement: string | null): string {
    const lines = text.split("\n");
    const index = lines.indexOf(line);
    if (index < 0) throw new Error(`fixture has no line ${JSON.stringify(line)}`);
    lines.splice(index, 1, ...(replacement === null ? [] : replacement.split("\n")));
    return lines.join("\n");
}

/** Writes files into a fresh temp directory and returns it. */
export function writeFixtures(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

/** Runs the CLI in-process, capturing both streams. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await runCli(argv, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; } });
    return { code, stdout, stderr };
}

const BIN = path.join(__dirname, "../../provider/cli/main.js");

/** Runs the CLI as a real process (as a given user id when asked and running as root). */
export function agentid(args: readonly string[], options: { uid?: number; cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, ...(options.uid !== undefined ? { uid: options.uid } : {}), stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => { stdout += d; });
        child.stderr.on("data", (d) => { stderr += d; });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}

/** The fixture agent with each exact line replaced (`from` → `to`; null deletes). */
export function agentWith(...edits: [string, string | null][]): string {
    return edits.reduce((text, [from, to]) => replaceLine(text, from, to), BASE_AGENT);
}
