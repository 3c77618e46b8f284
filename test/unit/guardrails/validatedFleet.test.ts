import * as assert from "assert";
import { createHash, createHmac } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import { agentidIdentity, fleetDigest, handedFleet, RUN_CLOCK_MAX_AGE_MS, sealValidatedFleet, VALIDATED_FLEET_ENV } from "../../../provider/guardrails/validatedFleet";
import { NOW, writeFixtures } from "../../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../../agents");

/** A copy of the sample fleet (its files may be changed by a test). */
function sample(): string {
    return writeFixtures(Object.fromEntries(fs.readdirSync(AGENTS).map((f) => [f, fs.readFileSync(path.join(AGENTS, f), "utf8")])));
}

const runDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-run-"));

/** This agentid's install, and its identity as the module's doc states it: the install's real path @ its package version. */
const ROOT = path.resolve(__dirname, "../../../..");
const THIS_AGENTID = `${fs.realpathSync(ROOT)}@${(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version}`;

/**
 * The digest as documented, computed here without the module: sha256 over the format, the agentid, the
 * instant, then each file's real path, length and bytes, in the order of the real paths.
 */
function documentedDigest(files: readonly string[], now: Date, identity = THIS_AGENTID): string {
    const hash = createHash("sha256").update(`agentid-validated-fleet/1\n${identity}\n${now.toISOString()}\n`);
    for (const real of files.map((f) => fs.realpathSync(f)).sort()) {
        const bytes = fs.readFileSync(real);
        hash.update(`${real}\n${bytes.length}\n`).update(bytes);
    }
    return hash.digest("hex");
}

/** A sealed file as a forger (or another agentid holding the run's key) writes it: `body` sealed with `keyHex`. */
function sealedWith(keyHex: string, body: string): Record<string, string> {
    const file = path.join(runDir(), "validated-fleet.json");
    fs.writeFileSync(file, JSON.stringify({ mac: createHmac("sha256", Buffer.from(keyHex, "hex")).update(body).digest("hex"), body }));
    return { [VALIDATED_FLEET_ENV.file]: file, [VALIDATED_FLEET_ENV.key]: keyHex };
}

describe("validatedFleet: the verdict an --all run hands its shards' programs", () => {
    const now = new Date(NOW);

    it("seals a valid fleet into a file only its owner reads, and hands back exactly what validation passed", () => {
        const dir = sample();
        const report = validateDeclarations([dir], { now });
        const env = sealValidatedFleet(runDir(), [dir], report, now, "pinned", fleetDigest([dir], now));
        assert.deepStrictEqual(Object.keys(env).sort(), [VALIDATED_FLEET_ENV.file, VALIDATED_FLEET_ENV.key].sort());
        assert.strictEqual(fs.statSync(env[VALIDATED_FLEET_ENV.file]).mode & 0o777, 0o600);
        assert.match(env[VALIDATED_FLEET_ENV.key], /^[0-9a-f]{64}$/);
        assert.deepStrictEqual(handedFleet([dir], now, env), {
            fleet: { settings: report.settings, agents: report.declarations.map(({ declaration, grantsDigest }) => ({ declaration, ...(grantsDigest ? { grantsDigest } : {}) })), now, clock: "pinned" },
        });
    });

    it("seals nothing for an invalid fleet, or when the files changed while they were validated", () => {
        const dir = sample();
        const before = fleetDigest([dir], now);
        const report = validateDeclarations([dir], { now });
        fs.appendFileSync(path.join(dir, "ops.yaml"), "\n# edited while validating\n");
        assert.deepStrictEqual(sealValidatedFleet(runDir(), [dir], report, now, "pinned", before), {});
        const invalid = sample();
        fs.writeFileSync(path.join(invalid, "ops.yaml"), fs.readFileSync(path.join(invalid, "ops.yaml"), "utf8").replace("contact:", "kontakt:"));
        const refused = validateDeclarations([invalid], { now });
        assert.strictEqual(refused.valid, false);
        assert.deepStrictEqual(sealValidatedFleet(runDir(), [invalid], refused, now, "pinned", fleetDigest([invalid], now)), {});
    });

    it("is good for exactly these files' bytes, this clock and the files' real paths", () => {
        const dir = sample();
        const digest = fleetDigest([dir], now)!;
        assert.match(digest, /^[0-9a-f]{64}$/);
        const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-link-")), "fleet");
        fs.symlinkSync(dir, link);
        assert.strictEqual(fleetDigest([link], now), digest, "the same files through a link");
        assert.notStrictEqual(fleetDigest([dir], new Date(now.getTime() + 1)), digest, "another instant, by one millisecond");
        assert.notStrictEqual(fleetDigest([path.join(dir, "ops.yaml")], now), digest, "fewer files");
        fs.writeFileSync(path.join(dir, "extra.yml"), "");
        assert.notStrictEqual(fleetDigest([dir], now), digest, "one more file, even an empty one");
        fs.rmSync(path.join(dir, "extra.yml"));
        assert.strictEqual(fleetDigest([dir], now), digest);
        fs.writeFileSync(path.join(dir, "ops.yaml"), `${fs.readFileSync(path.join(dir, "ops.yaml"), "utf8")} `);
        assert.notStrictEqual(fleetDigest([dir], now), digest, "one byte more");
        assert.strictEqual(fleetDigest([dir, path.join(dir, "absent")], now), undefined, "a missing path: nothing to hand over");
    });

    it("gives no digest when a file read for it vanishes before its real path is resolved (a race, forced here)", () => {
        const dir = sample();
        // The module's own `fs` (not this file's import binding): the digest's code reads realpathSync from it at each call.
        const nodeFs = require("fs") as typeof fs;
        const realpathSync = nodeFs.realpathSync;
        nodeFs.realpathSync = ((file: fs.PathLike, options?: unknown) => {
            if (String(file).endsWith("ops.yaml")) throw Object.assign(new Error(`ENOENT: no such file or directory, lstat '${String(file)}'`), { code: "ENOENT" });
            return realpathSync(file, options as fs.EncodingOption);
        }) as typeof realpathSync;
        try {
            assert.strictEqual(fleetDigest([dir], now), undefined, "no digest of the files that were left");
        } finally {
            nodeFs.realpathSync = realpathSync;
        }
        assert.match(fleetDigest([dir], now)!, /^[0-9a-f]{64}$/);
    });

    it("on the system clock: a program adopts the run's instant while it is recent, and never mixes a given clock with the system's", () => {
        const dir = sample();
        const sealAt = (instant: Date, clock: "pinned" | "system") => sealValidatedFleet(runDir(), [dir], validateDeclarations([dir], { now: instant }), instant, clock, fleetDigest([dir], instant));
        const recent = new Date(Date.now() - 60_000);
        const handed = handedFleet([dir], undefined, sealAt(recent, "system"));
        assert.ok(handed && "fleet" in handed);
        assert.deepStrictEqual([handed.fleet.now, handed.fleet.clock], [recent, "system"]);
        const old = new Date(Date.now() - RUN_CLOCK_MAX_AGE_MS - 60_000);
        assert.deepStrictEqual(handedFleet([dir], undefined, sealAt(old, "system")), { refused: "it was made with another clock" });
        assert.deepStrictEqual(handedFleet([dir], undefined, sealAt(new Date(Date.now() + 60_000), "system")), { refused: "it was made with another clock" }, "an instant in the future");
        assert.deepStrictEqual(handedFleet([dir], undefined, sealAt(recent, "pinned")), { refused: "it was made with another clock" }, "a given clock, for a program on the system clock");
        assert.deepStrictEqual(handedFleet([dir], recent, sealAt(recent, "system")), { refused: "it was made with another clock" }, "the system clock, for a program given a clock");
    });

    it("is absent without the run's environment, and refused when its file cannot be read", () => {
        const dir = sample();
        assert.strictEqual(handedFleet([dir], now, {}), undefined);
        const refused = handedFleet([dir], now, { [VALIDATED_FLEET_ENV.file]: path.join(runDir(), "gone.json"), [VALIDATED_FLEET_ENV.key]: "00".repeat(32) });
        assert.ok(refused && "refused" in refused && /^it cannot be read \(ENOENT/.test(refused.refused), JSON.stringify(refused));
    });

    it("refuses a verdict forged with a key shorter than the run's (an empty key among them) or with a seal or body that is not text", () => {
        const dir = sample();
        const report = validateDeclarations([dir], { now });
        const env = sealValidatedFleet(runDir(), [dir], report, now, "pinned", fleetDigest([dir], now));
        const sealed = JSON.parse(fs.readFileSync(env[VALIDATED_FLEET_ENV.file], "utf8")) as { mac: string; body: string };
        const forge = (contents: unknown, keyHex: string) => {
            const file = path.join(runDir(), "validated-fleet.json");
            fs.writeFileSync(file, JSON.stringify(contents));
            return handedFleet([dir], now, { [VALIDATED_FLEET_ENV.file]: file, [VALIDATED_FLEET_ENV.key]: keyHex });
        };
        // Whoever can write the file and leave the key out of the environment seals with an empty key.
        for (const keyHex of ["", "ab".repeat(16), "ab".repeat(31)]) {
            const mac = createHmac("sha256", Buffer.from(keyHex, "hex")).update(sealed.body).digest("hex");
            assert.deepStrictEqual(forge({ mac, body: sealed.body }, keyHex), { refused: "its seal does not match" }, `key of ${keyHex.length / 2} bytes`);
        }
        const key = env[VALIDATED_FLEET_ENV.key];
        assert.deepStrictEqual(forge({ mac: 1, body: sealed.body }, key), { refused: "its seal does not match" });
        assert.deepStrictEqual(forge({ mac: sealed.mac, body: JSON.parse(sealed.body) }, key), { refused: "its seal does not match" });
        assert.deepStrictEqual(forge({ body: sealed.body }, key), { refused: "its seal does not match" });
        assert.ok("fleet" in forge(sealed, key)!, "the genuine seal, copied, still holds");
    });
    it("digests exactly the documented inputs, the files in the order of their real paths whatever order they are given in", () => {
        const dir = sample();
        // A link listed first whose real path sorts last: the order of real paths is not the order of the listing.
        const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-zz-"));
        fs.writeFileSync(path.join(elsewhere, "zz.yaml"), "# linked in\n");
        fs.symlinkSync(path.join(elsewhere, "zz.yaml"), path.join(dir, "0-linked.yaml"));
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => path.join(dir, f));
        assert.strictEqual(files.length, 6);
        const digest = documentedDigest(files, now);
        assert.strictEqual(fleetDigest([dir], now), digest);
        assert.strictEqual(fleetDigest([...files].reverse(), now), digest, "the same files given one by one, last first");
        assert.strictEqual(fleetDigest([files[3], files[0], files[5], files[1], files[4], files[2]], now), digest, "and shuffled");
    });

    it("names this agentid by its install's real path and version, and an install without a readable version by its path", () => {
        assert.strictEqual(agentidIdentity(), THIS_AGENTID);
        const install = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-install-"));
        const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-link-")), "agentid");
        fs.symlinkSync(install, link);
        assert.strictEqual(agentidIdentity(link), `${fs.realpathSync(install)}@unknown`, "no package.json");
        fs.writeFileSync(path.join(install, "package.json"), "{ not json");
        assert.strictEqual(agentidIdentity(link), `${fs.realpathSync(install)}@unknown`, "an unreadable package.json");
        fs.writeFileSync(path.join(install, "package.json"), JSON.stringify({ name: "@agentid/provider", version: "0.0.9" }));
        assert.strictEqual(agentidIdentity(link), `${fs.realpathSync(install)}@0.0.9`);
    });

    it("attack: refuses a verdict for these very files made by another agentid (another install or version), even sealed with the run's key", () => {
        const dir = sample();
        const report = validateDeclarations([dir], { now });
        const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
        const verdictBy = (identity: string) => JSON.stringify({ digest: documentedDigest(files, now, identity), now: now.toISOString(), clock: "pinned", settings: report.settings, agents: [] });
        const key = "5a".repeat(32);
        const other = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-install-"));
        const [version] = THIS_AGENTID.split("@").slice(-1);
        for (const identity of [`${fs.realpathSync(other)}@${version}`, `${THIS_AGENTID.slice(0, -version.length)}0.0.1`, `${THIS_AGENTID.slice(0, -version.length)}unknown`]) {
            assert.deepStrictEqual(handedFleet([dir], now, sealedWith(key, verdictBy(identity))), { refused: "the declaration files differ from those it validated" }, identity);
        }
        // The control: the same verdict made by this agentid is taken as it is (no agent in it, as written).
        assert.deepStrictEqual(handedFleet([dir], now, sealedWith(key, verdictBy(THIS_AGENTID))), { fleet: { settings: report.settings, agents: [], now, clock: "pinned" } });
    });

    it("attack: a program given a path that is missing, one that is not a file, a declaration that cannot be read, or a dangling link never adopts a verdict", () => {
        const dir = sample();
        const env = sealValidatedFleet(runDir(), [dir], validateDeclarations([dir], { now }), now, "pinned", fleetDigest([dir], now));
        assert.ok("fleet" in handedFleet([dir], now, env)!, "the control: the files it validated");
        const refused = { refused: "the declaration files differ from those it validated" };
        const missing = path.join(dir, "absent.yaml");
        for (const paths of [[dir, missing], [dir, "/dev/null"], [dir, missing, "/dev/null"], [dir, "/proc/self/mem"]]) {
            assert.strictEqual(fleetDigest(paths, now), undefined, paths.join(" "));
            assert.deepStrictEqual(handedFleet(paths, now, env), refused, paths.join(" "));
        }
        // /proc/self/mem is a regular file that reading fails on (EIO): a declaration that cannot be read.
        // A program holding nothing else must not adopt an empty fleet's verdict: it would register no agent.
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-empty-"));
        const emptyEnv = sealValidatedFleet(runDir(), [empty], validateDeclarations([empty], { now }), now, "pinned", fleetDigest([empty], now));
        assert.ok("fleet" in handedFleet([empty], now, emptyEnv)!, "the control: an empty fleet is valid and sealed");
        assert.deepStrictEqual(handedFleet(["/proc/self/mem"], now, emptyEnv), refused);
        fs.symlinkSync(path.join(dir, "nowhere"), path.join(dir, "gone.yaml"));
        assert.strictEqual(fleetDigest([dir], now), undefined, "a dangling link among the files");
        assert.deepStrictEqual(handedFleet([dir], now, env), refused);
    });

    it("seals nothing when the files cannot be digested, even beside a report that says valid, and refuses a verdict that holds no digest", () => {
        const dir = sample();
        const report = validateDeclarations([dir], { now });
        assert.strictEqual(report.valid, true);
        const missing = [dir, path.join(dir, "absent.yaml")];
        assert.deepStrictEqual(sealValidatedFleet(runDir(), missing, report, now, "pinned", fleetDigest(missing, now)), {});
        // Only a holder of the key could write it; a program given a missing path still does not take it.
        const noDigest = JSON.stringify({ now: now.toISOString(), clock: "pinned", settings: report.settings, agents: [] });
        assert.deepStrictEqual(handedFleet(missing, now, sealedWith("5a".repeat(32), noDigest)), { refused: "the declaration files differ from those it validated" });
    });

    it("refuses a seal of the wrong length or not in hex, and a key left out of the environment, as a seal that does not match", () => {
        const dir = sample();
        const env = sealValidatedFleet(runDir(), [dir], validateDeclarations([dir], { now }), now, "pinned", fleetDigest([dir], now));
        const sealed = JSON.parse(fs.readFileSync(env[VALIDATED_FLEET_ENV.file], "utf8")) as { mac: string; body: string };
        const rewrite = (contents: unknown) => { fs.writeFileSync(env[VALIDATED_FLEET_ENV.file], JSON.stringify(contents)); };
        for (const mac of [sealed.mac.slice(0, 62), `${sealed.mac}00`, "", "not hex at all"]) {
            rewrite({ mac, body: sealed.body });
            assert.deepStrictEqual(handedFleet([dir], now, env), { refused: "its seal does not match" }, mac);
        }
        // Whoever writes the file and keeps the key out of the environment seals with no key at all.
        rewrite({ mac: createHmac("sha256", Buffer.alloc(0)).update(sealed.body).digest("hex"), body: sealed.body });
        assert.deepStrictEqual(handedFleet([dir], now, { [VALIDATED_FLEET_ENV.file]: env[VALIDATED_FLEET_ENV.file] }), { refused: "its seal does not match" });
    });

    it("on the system clock: adopts a verdict from this very millisecond up to exactly the maximum age, and not one millisecond beyond either end", () => {
        const dir = sample();
        const made = new Date(Date.now() - 1000);
        const env = sealValidatedFleet(runDir(), [dir], validateDeclarations([dir], { now: made }), made, "system", fleetDigest([dir], made));
        const at = (clock: number) => {
            const real = Date.now;
            Date.now = () => clock;
            try {
                const handed = handedFleet([dir], undefined, env)!;
                return "fleet" in handed ? handed.fleet.now.getTime() : handed.refused;
            } finally {
                Date.now = real;
            }
        };
        const t = made.getTime();
        assert.deepStrictEqual([at(t - 1), at(t), at(t + RUN_CLOCK_MAX_AGE_MS), at(t + RUN_CLOCK_MAX_AGE_MS + 1)],
            ["it was made with another clock", t, t, "it was made with another clock"]);
    });
});
