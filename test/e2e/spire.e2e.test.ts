import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSpireServer, SpireServer } from "../servers/spireServer";
import { refreshTargets } from "../../provider/engine/stackState";
import { openFleetStack, stepRecorder } from "../../provider/engine/workspace";
import { announceEngine, requireEngine, scratch } from "./engine";

const agent = (name: string, expiresAt: string, x509SvidTtl = 900) => `apiVersion: agentid/v1
kind: Agent
metadata: { name: ${name} }
spec:
  description: ${name} with a SPIFFE identity
  owner: { team: platform, contact: platform@example.com }
  expiresAt: ${expiresAt}
  identity:
    kubernetes: { namespace: agents }
    spire:
      parentId: spiffe://example.org/node/agents-a
      selectors: ["k8s:ns:agents", "k8s:sa:${name}"]
      x509SvidTtl: ${x509SvidTtl}
  grants:
    - connector: kubernetes
      namespace: agents
      resources: [configmaps]
      verbs: [get]
`;

interface ShownEntry { id: string; spiffe_id: { path: string }; x509_svid_ttl: number; jwt_svid_ttl: number; expires_at: string; hint: string; selectors: { type: string; value: string }[] }

describe("e2e: SPIRE registration entries on a real SPIRE server", function () {
    let spire: SpireServer;
    let stack: Stack;
    let agentsDir: string;

    /** Refreshes what can drift (rendered manifests are never read back). */
    async function refresh(onEvent?: ReturnType<typeof stepRecorder>["onEvent"]) {
        const target = refreshTargets(await stack.exportStack());
        await stack.refresh({ target, ...(onEvent ? { onEvent } : {}) });
    }

    /** Every entry `spire-server entry show -output json` prints: a list, so a duplicate stays visible. */
    async function entries(): Promise<ShownEntry[]> {
        const shown = JSON.parse(await spire.cli("entry", "show", "-output", "json")) as { entries?: ShownEntry[] };
        return shown.entries ?? [];
    }

    /** The SPIFFE paths of the entries, sorted, duplicates included. */
    const pathsOf = (list: ShownEntry[]) => list.map((e) => e.spiffe_id.path).sort();

    /** The one entry for a SPIFFE path; none or several fail. */
    function only(list: ShownEntry[], spiffePath: string): ShownEntry {
        const found = list.filter((e) => e.spiffe_id.path === spiffePath);
        assert.strictEqual(found.length, 1, `${found.length} entries for ${spiffePath}`);
        return found[0];
    }

    before(async function () {
        requireEngine(this);
        announceEngine();
        const work = scratch("e2e-spire");
        agentsDir = path.join(work, "agents");
        fs.mkdirSync(agentsDir);
        fs.writeFileSync(path.join(agentsDir, "gamma.yaml"), agent("gamma", "2027-01-15T00:00:00Z"));
        fs.writeFileSync(path.join(agentsDir, "delta.yaml"), agent("delta", "2026-12-05T00:00:00Z"));
        spire = await startSpireServer();
        stack = await openFleetStack({
            workDir: work, stackName: "spire", agentPaths: [agentsDir], renderYamlTo: path.join(work, "manifests"),
            now: "2026-12-01T00:00:00Z", spireSocket: spire.socketPath,
        });
    });

    after(async () => {
        await spire?.dispose();
    });

    it("creates one entry per agent with its SPIFFE ID, short TTLs and the agent's expiry", async () => {
        await stack.up();
        const live = await entries();
        assert.deepStrictEqual(pathsOf(live), ["/agents/delta", "/agents/gamma"]);
        const gamma = only(live, "/agents/gamma");
        assert.deepStrictEqual([gamma.x509_svid_ttl, gamma.jwt_svid_ttl, Number(gamma.expires_at), gamma.hint], [900, 300, Date.parse("2027-01-15T00:00:00Z") / 1000 - 900 - 300, "gamma"]);
        // The entry stops TTL + one pruning period early, so no SVID it signs outlives the agent.
        assert.deepStrictEqual(gamma.selectors, [{ type: "k8s", value: "ns:agents" }, { type: "k8s", value: "sa:gamma" }]);
        // Each Agent's spireEntryId output is its entry's ID in SPIRE (it was undefined while SpireEntry's output
        // properties were class fields: ES2022 reset them after the constructor set them).
        const resources = ((await stack.exportStack()).deployment as { resources: { type: string; urn: string; outputs?: Record<string, unknown> }[] }).resources;
        const entryIds = resources.filter((r) => r.type === "agentid:index:Agent").map((r) => [r.urn.split("::").pop(), r.outputs?.spireEntryId]).sort();
        assert.deepStrictEqual(entryIds, [["delta", only(live, "/agents/delta").id], ["gamma", gamma.id]]);
    });

    it("sees an out-of-band edit on refresh and restores the declared entry on the next up", async () => {
        const gamma = only(await entries(), "/agents/gamma");
        await spire.cli("entry", "update", "-entryID", gamma.id, "-spiffeID", "spiffe://example.org/agents/gamma", "-parentID", "spiffe://example.org/node/agents-a",
            "-selector", "k8s:ns:agents", "-selector", "k8s:sa:gamma", "-x509SVIDTTL", "86400",
            // The CLI resets every field it is not given: keep the rest as agentid set it.
            "-jwtSVIDTTL", "300", "-entryExpiry", String(Number(gamma.expires_at)), "-hint", "gamma");
        const refreshed = stepRecorder();
        await refresh(refreshed.onEvent);
        assert.deepStrictEqual(refreshed.steps.filter((s) => s.op !== "same").map((s) => [s.op, s.name, s.drifted]), [["update", "gamma-spire", ["revisionNumber", "x509SvidTtl"]]]);
        const up = stepRecorder();
        await stack.up({ onEvent: up.onEvent });
        assert.deepStrictEqual(up.steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`), ["update gamma-spire"]);
        const restored = only(await entries(), "/agents/gamma");
        assert.deepStrictEqual([restored.id, restored.x509_svid_ttl], [gamma.id, 900]);
    });

    it("recreates an entry deleted out of band", async () => {
        const before = only(await entries(), "/agents/delta");
        await spire.cli("entry", "delete", "-entryID", before.id);
        await refresh();
        await stack.up();
        const live = await entries();
        assert.deepStrictEqual(pathsOf(live), ["/agents/delta", "/agents/gamma"]);
        assert.notStrictEqual(only(live, "/agents/delta").id, before.id);
    });

    it("fails clearly while the server is down, then converges with nothing lost or duplicated", async () => {
        fs.writeFileSync(path.join(agentsDir, "gamma.yaml"), agent("gamma", "2027-01-15T00:00:00Z", 600));
        await spire.stop();
        const failure = await stack.up().then(() => undefined, (e: Error) => e);
        assert.ok(failure, "up must fail while SPIRE is down");
        assert.match(failure.message, /SPIRE server not reachable at unix:\/\/.*api\.sock \(update\)/);
        assert.doesNotMatch(failure.message, /\n\s+at .*\.js:\d+/);
        await spire.start();
        await refresh();
        await stack.up();
        const live = await entries();
        assert.deepStrictEqual(pathsOf(live), ["/agents/delta", "/agents/gamma"]);
        assert.strictEqual(only(live, "/agents/gamma").x509_svid_ttl, 600);
    });

    it("removes an expired agent's entry", async () => {
        await stack.setConfig("agentid:now", { value: "2026-12-06T00:00:00Z" });
        const up = stepRecorder();
        await stack.up({ onEvent: up.onEvent });
        assert.ok(up.steps.some((s) => s.op === "delete" && s.name === "delta-spire"));
        assert.deepStrictEqual(pathsOf(await entries()), ["/agents/gamma"]);
    });

    it("removes every entry on destroy", async () => {
        await stack.destroy();
        assert.deepStrictEqual(await entries(), []);
        await stack.workspace.removeStack("spire");
    });
});
