import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENGINE_TOOLS, pulumiVersion, toolchainHint, toolchainStatus } from "../../provider/engine/toolchain";

/**
 * Guards an engine-backed suite: in CI (CI=true) a missing toolchain fails the run; elsewhere the
 * suite is skipped with the command that builds it. `also` names further binaries and files the
 * suite needs from the toolchain (the API server, a CRD).
 */
export function requireEngine(suite: Mocha.Context, also: { tools?: readonly string[]; files?: readonly string[] } = {}): void {
    const status = toolchainStatus([...ENGINE_TOOLS, ...(also.tools ?? [])]);
    const missing = [...status.missing, ...(also.files ?? []).filter((file) => !fs.existsSync(file)).map((file) => path.basename(file))];
    if (missing.length === 0) return;
    const message = toolchainHint(missing);
    if (process.env.CI === "true") throw new Error(`e2e: ${message}`);
    console.warn(`  skipping: ${message}`);
    suite.skip();
}

let printed = false;
/** Prints `pulumi version` once per run, as the issue asks. */
export function announceEngine(): void {
    if (printed) return;
    printed = true;
    console.log(`  engine: pulumi ${pulumiVersion()} (${toolchainStatus().bin})`);
}

/** A fresh scratch folder for one suite. */
export function scratch(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `agentid-${prefix}-`));
}

/** Files under a folder, relative and sorted (empty when the folder is gone). */
export function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    const out: string[] = [];
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const full = path.join(d, entry.name);
            if (entry.isDirectory()) walk(full);
            else out.push(path.relative(dir, full));
        }
    };
    walk(dir);
    return out.sort();
}
