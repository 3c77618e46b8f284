/**
 * A fleet validated once and handed to the programs of one `--all` run. Names, SPIFFE IDs and service
 * accounts must stay unique across stacks, so every shard's program would otherwise validate the whole
 * fleet again (8 shards, 8 times). The runner writes what validation passed to a file in a private
 * temp dir, sealed with a key that exists only in the environment of that run's processes; a program
 * uses it only when the seal holds, the declaration files it is given are byte for byte those the
 * runner validated, by the same agentid, and the clock agrees. Anything else, and it validates the
 * fleet itself: a shard never registers a declaration the fleet-wide guardrails did not pass.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { collectFiles, readRegularFile } from "../declarations/files";
import type { ResolvedSettings } from "../model/settings";
import type { LoadedAgent, ValidationReport } from "./validate";

/** The environment that hands a validated fleet to a program: the sealed file and the seal's key (hex). */
export const VALIDATED_FLEET_ENV = { file: "AGENTID_VALIDATED_FLEET", key: "AGENTID_VALIDATED_FLEET_KEY" } as const;

/** How old a verdict made with the system clock may be for a program on the system clock to adopt its instant. */
export const RUN_CLOCK_MAX_AGE_MS = 15 * 60 * 1000;

/** Which clock validated: one given (--now, AGENTID_NOW, agentid:now) or the system's. */
export type ClockSource = "pinned" | "system";

/** One agent validation passed: its declaration and, when its approval pins one, the digest of its grants. */
export type ValidatedAgent = Pick<LoadedAgent, "declaration" | "grantsDigest">;

/** What validation passed: the settings in force and every agent, valid as one fleet at `now`. */
export interface ValidatedFleet {
    settings: ResolvedSettings;
    agents: ValidatedAgent[];
    now: Date;
    clock: ClockSource;
}

/** The sealed file's body. */
interface Verdict {
    digest: string;
    now: string;
    clock: ClockSource;
    settings: ResolvedSettings;
    agents: ValidatedAgent[];
}

/** Bumped when the verdict's shape or the digest's inputs change. */
const FORMAT = "agentid-validated-fleet/1";
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * What a verdict is good for: this agentid (its install and version, so one with other guardrails
 * never trusts it), the instant, and every declaration file under `paths` (its real path and bytes).
 * Undefined when a path is missing or unreadable: validation reports that, and nothing is handed on.
 */
export function fleetDigest(paths: readonly string[], now: Date): string | undefined {
    const found = collectFiles(paths);
    if (found.missing.length + found.unreadable.length + found.skipped.length > 0) return undefined;
    const hash = createHash("sha256").update(`${FORMAT}\n${agentidIdentity()}\n${now.toISOString()}\n`);
    const files: { real: string; bytes: Buffer }[] = [];
    try {
        for (const file of found.files) {
            // Read as validation reads it: a FIFO or device swapped in since the listing is refused, never waited on.
            const read = readRegularFile(file);
            if (!("bytes" in read)) return undefined;
            files.push({ real: fs.realpathSync(file), bytes: read.bytes });
        }
    } catch {
        return undefined;
    }
    files.sort((a, b) => (a.real < b.real ? -1 : a.real > b.real ? 1 : 0));
    for (const { real, bytes } of files) hash.update(`${real}\n${bytes.length}\n`).update(bytes);
    return hash.digest("hex");
}

/** Which agentid made a verdict: the real path of its install (`root`, this one's by default) and its version. */
export function agentidIdentity(root: string = PACKAGE_ROOT): string {
    let version = "unknown";
    try {
        version = String((JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version?: unknown }).version);
    } catch {
        // an install without package.json is still told apart by its path
    }
    return `${fs.realpathSync(root)}@${version}`;
}

/**
 * Seals a valid report of `paths` into `dir` (a private folder of the run) and returns the environment
 * the run's programs need to use it; nothing when the report is invalid or the files changed while it
 * was made (the programs then validate themselves).
 */
export function sealValidatedFleet(dir: string, paths: readonly string[], report: ValidationReport, now: Date, clock: ClockSource, digestBefore: string | undefined): Record<string, string> {
    const digest = fleetDigest(paths, now);
    if (!report.valid || digest === undefined || digest !== digestBefore) return {};
    const agents = report.declarations.map(({ declaration, grantsDigest }): ValidatedAgent => ({ declaration, ...(grantsDigest !== undefined ? { grantsDigest } : {}) }));
    const verdict: Verdict = { digest, now: now.toISOString(), clock, settings: report.settings, agents };
    const body = JSON.stringify(verdict);
    const key = randomBytes(32);
    const file = path.join(dir, "validated-fleet.json");
    fs.writeFileSync(file, JSON.stringify({ mac: seal(key, body), body }), { mode: 0o600 });
    return { [VALIDATED_FLEET_ENV.file]: file, [VALIDATED_FLEET_ENV.key]: key.toString("hex") };
}

/**
 * The fleet the run's runner validated, for a program given `paths` whose clock is `now` (pinned) or
 * the system's (`now` undefined): the verdict when its seal, digest and clock all hold, else why not.
 */
export function handedFleet(paths: readonly string[], now: Date | undefined, env: NodeJS.ProcessEnv = process.env): { fleet: ValidatedFleet } | { refused: string } | undefined {
    const file = env[VALIDATED_FLEET_ENV.file];
    if (!file) return undefined;
    const key = Buffer.from(env[VALIDATED_FLEET_ENV.key] ?? "", "hex");
    let verdict: Verdict;
    try {
        const sealed = JSON.parse(fs.readFileSync(file, "utf8")) as { mac?: unknown; body?: unknown };
        if (key.length !== 32 || typeof sealed.body !== "string" || typeof sealed.mac !== "string" || !sealHolds(key, sealed.body, sealed.mac)) return { refused: "its seal does not match" };
        verdict = JSON.parse(sealed.body) as Verdict;
    } catch (error) {
        return { refused: `it cannot be read (${(error as Error).message})` };
    }
    const instant = new Date(verdict.now);
    if (now === undefined) {
        // Both on the system clock: the run's instant, as one stack's program takes one instant for the whole fleet.
        const age = Date.now() - instant.getTime();
        if (verdict.clock !== "system" || age < 0 || age > RUN_CLOCK_MAX_AGE_MS) return { refused: "it was made with another clock" };
    } else if (verdict.clock !== "pinned" || now.toISOString() !== verdict.now) {
        return { refused: "it was made with another clock" };
    }
    // A program whose files cannot all be read has no digest to match, whatever the verdict holds.
    const digest = fleetDigest(paths, instant);
    if (digest === undefined || digest !== verdict.digest) return { refused: "the declaration files differ from those it validated" };
    return { fleet: { settings: verdict.settings, agents: verdict.agents, now: instant, clock: verdict.clock } };
}

function seal(key: Buffer, body: string): string {
    return createHmac("sha256", key).update(body).digest("hex");
}

function sealHolds(key: Buffer, body: string, mac: string): boolean {
    const expected = Buffer.from(seal(key, body), "hex");
    const given = Buffer.from(mac, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
}
