import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Where `scripts/toolchain` caches the engine (it prints the same folder on its last line). */
export function toolchainRoot(): string {
    return process.env.AGENTID_CACHE ?? path.join(os.homedir(), ".cache", "agentid");
}

/** The folder holding `pulumi`, its language host, the Kubernetes plugin and SPIRE. */
export function toolchainBin(): string {
    return path.join(toolchainRoot(), "bin");
}

/** The binaries the engine-backed commands need. */
export const ENGINE_TOOLS = ["pulumi", "pulumi-language-nodejs", "pulumi-language-nodejs-host", "pulumi-resource-kubernetes", "spire-server"];

/** What the engine-backed parts need (or `required`); `missing` names each absent binary. */
export function toolchainStatus(required: readonly string[] = ENGINE_TOOLS): { ready: boolean; missing: string[]; bin: string } {
    const bin = toolchainBin();
    const missing = required.filter((tool) => !isExecutable(path.join(bin, tool)));
    return { ready: missing.length === 0, missing, bin };
}

/** The message a user sees when the engine is not built: what to run, what it needs. */
export function toolchainHint(missing: string[]): string {
    return `the Pulumi engine is not built here (missing: ${missing.join(", ")}). Run \`npm run toolchain\` ` +
        `(needs Go >= 1.25 and 30 to 45 minutes on 2 cores the first time; cached in ${toolchainRoot()}).`;
}

/** `pulumi version`, e.g. v3.248.0. */
export function pulumiVersion(): string {
    return execFileSync(path.join(toolchainBin(), "pulumi"), ["version"], { encoding: "utf8" }).trim();
}

/**
 * Environment for an offline engine on a local file backend: no update checks, no plugin
 * downloads, the toolchain first on PATH.
 */
export function engineEnv(backendDir: string, extra: Record<string, string> = {}): Record<string, string> {
    fs.mkdirSync(backendDir, { recursive: true });
    // provider/bin holds agentid's own plugin, pulumi-resource-agentid. The toolchain's bin/ is not on
    // PATH: the engine finds the language hosts next to the pulumi binary, plugins in its cache.
    const pluginBin = path.resolve(__dirname, "..", "..", "..", "provider", "bin");
    return {
        PATH: `${pluginBin}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "agentid-local",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        ...extra,
    };
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
