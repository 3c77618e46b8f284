import * as assert from "assert";
import * as fs from "fs";
import { startSpireServer, SpireServer } from "../servers/spireServer";
import { startSpireAgent, SpireAgent } from "../servers/spireAgent";
import * as path from "path";
import { toolchainBin } from "../../provider/engine/toolchain";
import { agentDoc, validate } from "../helpers/attacks";
import { requireEngine } from "./engine";

/**
 * The judge of `identity-shared` for SPIRE selectors is SPIRE itself: a real SPIRE agent (join token, unix
 * workload attestor) gives this test's own `spire-agent api fetch` process every entry whose selectors it
 * has. Selector sets of different kinds (a uid, a binary path) or nested sets reach that one process, so
 * `agentid validate` must refuse them as one identity; a set pinning another uid does not reach it.
 */
describe("e2e: SPIRE gives one workload every entry whose selectors it has (real SPIRE agent)", function () {
    const NODE = "spiffe://example.org/node/a";
    const idOf = (name: string) => `spiffe://example.org/agents/${name}`;
    let spire: SpireServer;
    let agent: SpireAgent | undefined;
    let selectorsOf: Record<string, string[]>;
    /** Each entry's parent: the node alias, except one entry registered below another entry's SPIFFE ID. */
    const parentOf = (name: string) => (name === "below-uid-reader" ? idOf("uid-reader") : NODE);
    let fetched: string[];

    const declaration = (name: string) => agentDoc(name, { identity: { aws: { trust: "rolesAnywhere" }, spire: { parentId: parentOf(name), selectors: selectorsOf[name] } } });
    const refusals = async (...names: string[]) => (await validate(names.map(declaration))).errors.map((e) => [e.agent, e.path, e.rule, /can match one workload|contain or lie within/.exec(e.message)?.[0]]);

    before(async function () {
        requireEngine(this, { tools: ["spire-agent"] });
        spire = await startSpireServer();
        const uid = process.getuid!();
        // The fetching process is the spire-agent binary (its real path: /proc/<pid>/exe), run as this test's uid.
        const binaryPath = fs.realpathSync(path.join(toolchainBin(), "spire-agent"));
        selectorsOf = {
            "uid-reader": [`unix:uid:${uid}`],
            "path-reader": [`unix:path:${binaryPath}`],
            "uid-and-path": [`unix:uid:${uid}`, `unix:path:${binaryPath}`],
            "other-uid": [`unix:uid:${uid + 1}`],
            "below-uid-reader": [`unix:path:${binaryPath}`, `unix:gid:${process.getgid!()}`],
        };
        for (const [name, selectors] of Object.entries(selectorsOf)) {
            await spire.cli("entry", "create", "-parentID", parentOf(name), "-spiffeID", idOf(name), ...selectors.flatMap((s) => ["-selector", s]));
        }
        // Entries exist before the agent starts: its first sync holds all of them.
        agent = await startSpireAgent(spire, NODE);
        const deadline = Date.now() + 60_000;
        do {
            fetched = await agent.fetchX509Ids().catch(() => []);
            if (fetched.length > 0) break;
            await new Promise((r) => setTimeout(r, 500));
        } while (Date.now() < deadline);
    });

    after(async () => {
        await agent?.dispose();
        await spire?.dispose();
    });

    it("issues one process the SVIDs of a uid set, a path set, their union and an entry below another entry, and not another uid's", () => {
        assert.deepStrictEqual(fetched, ["below-uid-reader", "path-reader", "uid-and-path", "uid-reader"].map(idOf));
    });

    it("refuses selector sets of different kinds under different parents when one parent lies below the other", async () => {
        assert.deepStrictEqual(await refusals("uid-reader", "below-uid-reader"), [["below-uid-reader", "spec.identity.spire.selectors", "identity-shared", "can match one workload"]]);
    });

    it("refuses selector sets of different kinds under one parent as one identity", async () => {
        assert.deepStrictEqual(await refusals("uid-reader", "path-reader"), [["path-reader", "spec.identity.spire.selectors", "identity-shared", "can match one workload"]]);
    });

    it("refuses a set nested in another", async () => {
        assert.deepStrictEqual(await refusals("uid-reader", "uid-and-path"), [["uid-and-path", "spec.identity.spire.selectors", "identity-shared", "contain or lie within"]]);
    });

    it("accepts sets that pin the uid to different values", async () => {
        assert.deepStrictEqual(await refusals("uid-reader", "other-uid"), []);
    });
});
