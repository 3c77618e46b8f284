import * as assert from "assert";
import { createHmac } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import { fleetDigest, handedFleet, RUN_CLOCK_MAX_AGE_MS, sealValidatedFleet, VALIDATED_FLEET_ENV } from "../../../provider/guardrails/validatedFleet";
import { NOW, writeFixtures } from "../../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../../agents");

/** A copy of the sample fleet (its files may be changed by a test). */
function sample(): string {
    return writeFixtures(Object.fromEntries(fs.readdirSync(AGENTS).map((f) => [f, fs.readFileSync(path.join(AGENTS, f), "utf8")])));
}

const runDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "agentid-test-run-"));

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
});
