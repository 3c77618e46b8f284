import * as assert from "assert";
import { checkEntryInputs, diffEntry, EntryInputs, specOf, UNKNOWN_INPUT } from "../../../provider/platforms/spire/entryProvider";
import { AgentidProvider } from "../../../provider/plugin/provider";

const VALID = {
    spiffeId: "spiffe://example.org/agents/support-triage", parentId: "spiffe://example.org/node/a",
    selectors: [{ type: "k8s", value: "ns:agents" }, { type: "k8s", value: "sa:support-triage" }],
    expiresAt: "2027-02-15T00:00:00Z", hint: "support-triage", socketPath: "/tmp/s/api.sock",
};
const URN = "urn:pulumi:dev::fleet::agentid:index:AgentFleet$agentid:index:Agent$agentid:spire:Entry::support-triage-spire";

describe("agentid:spire:Entry check", () => {
    it("fills short SVID TTLs and never admin or downstream", () => {
        const { inputs, failures } = checkEntryInputs(VALID);
        assert.deepStrictEqual(failures, []);
        assert.deepStrictEqual(inputs, { ...VALID, x509SvidTtl: 900, jwtSvidTtl: 300, dnsNames: [], admin: false, downstream: false });
    });

    it("names each bad property and the fix", () => {
        const { failures } = checkEntryInputs({
            spiffeId: "spiffe://example.org", parentId: "node-a", selectors: [{ type: "K8S", value: "" }],
            x509SvidTtl: 30, jwtSvidTtl: 172800, expiresAt: "2027-02-30", admin: true, downstream: true,
        });
        assert.deepStrictEqual(failures.map((f) => f.property), ["spiffeId", "parentId", "selectors[0].type", "selectors[0].value", "x509SvidTtl", "jwtSvidTtl", "expiresAt", "admin", "downstream"]);
        assert.strictEqual(failures[0].reason, `"spiffe://example.org" is not a SPIFFE ID with a path (spiffe://<trust-domain>/<path>)`);
        assert.strictEqual(failures[7].reason, "admin entries can mint identities for others; agentid does not create them for agents");
    });

    it("passes values not known at preview (the engine's unknown marker) through unchecked and still unknown, and checks the rest", () => {
        // Before: a parent ID computed from another resource failed every preview as "not a SPIFFE ID", and a
        // flag not known yet was handed on as a known false.
        assert.strictEqual(UNKNOWN_INPUT, "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "the marker the engine sends for a value not known yet");
        const all = { spiffeId: UNKNOWN_INPUT, parentId: UNKNOWN_INPUT, selectors: UNKNOWN_INPUT, x509SvidTtl: UNKNOWN_INPUT, jwtSvidTtl: UNKNOWN_INPUT,
            expiresAt: UNKNOWN_INPUT, dnsNames: UNKNOWN_INPUT, admin: UNKNOWN_INPUT, downstream: UNKNOWN_INPUT, hint: "h", socketPath: "/tmp/s/api.sock" };
        assert.deepStrictEqual(checkEntryInputs(all), { failures: [], inputs: all });
        const some = checkEntryInputs({ ...VALID, parentId: UNKNOWN_INPUT, selectors: [UNKNOWN_INPUT, { type: UNKNOWN_INPUT, value: "ns:agents" }, { type: "K8S", value: UNKNOWN_INPUT }], dnsNames: [UNKNOWN_INPUT, ""] });
        assert.deepStrictEqual(some.failures.map((f) => f.property), ["selectors[2].type", "dnsNames[1]"]);
        assert.deepStrictEqual([some.inputs.parentId, some.inputs.selectors, some.inputs.dnsNames, some.inputs.admin],
            [UNKNOWN_INPUT, [UNKNOWN_INPUT, { type: UNKNOWN_INPUT, value: "ns:agents" }, { type: "K8S", value: UNKNOWN_INPUT }], [UNKNOWN_INPUT, ""], false]);
    });

    it("requires at least one selector", () => {
        assert.deepStrictEqual(checkEntryInputs({ ...VALID, selectors: [] }).failures.map((f) => f.property), ["selectors"]);
    });

    it("converts expiry to unix seconds for the wire", () => {
        assert.strictEqual(specOf(checkEntryInputs(VALID).inputs as EntryInputs).expiresAt, Date.parse("2027-02-15T00:00:00Z") / 1000);
    });
});

describe("agentid:spire:Entry diff", () => {
    const base = checkEntryInputs(VALID).inputs as EntryInputs;

    it("reports no change for the same entry, selectors in any order, on another socket", () => {
        assert.deepStrictEqual(diffEntry(base, { ...base, selectors: [...base.selectors].reverse(), socketPath: "/elsewhere" }), { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("replaces when the SPIFFE ID, parent or selectors change", () => {
        assert.deepStrictEqual(diffEntry(base, { ...base, spiffeId: "spiffe://example.org/agents/x", selectors: [base.selectors[0]] }).replaces, ["spiffeId", "selectors"]);
        assert.deepStrictEqual(diffEntry(base, { ...base, parentId: "spiffe://example.org/node/b" }), { changes: true, replaces: ["parentId"], deleteBeforeReplace: true });
    });

    it("updates TTLs, expiry, DNS names and hint in place", () => {
        for (const change of [{ x509SvidTtl: 600 }, { jwtSvidTtl: 120 }, { expiresAt: "2027-01-01T00:00:00Z" }, { dnsNames: ["a.example.org"] }, { hint: "x" }]) {
            assert.deepStrictEqual(diffEntry(base, { ...base, ...change }), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify(change));
        }
    });
});

describe("AgentidProvider", () => {
    it("serves agentid:spire:Entry and refuses other types", async () => {
        const provider = new AgentidProvider();
        assert.deepStrictEqual((await provider.check(URN, {}, VALID)).failures, []);
        await assert.rejects(provider.check(URN.replace("agentid:spire:Entry", "agentid:spire:Other"), {}, VALID), /pulumi-resource-agentid serves agentid:spire:Entry; it does not manage agentid:spire:Other/);
    });

    it("reports an unreachable SPIRE server in one line", async () => {
        const provider = new AgentidProvider();
        const error = await provider.create(URN, { ...(checkEntryInputs(VALID).inputs as EntryInputs), socketPath: "/nonexistent/api.sock" }).then(() => undefined, (e: Error) => e);
        assert.ok(error);
        assert.match(error.message, /^SPIRE server not reachable at unix:\/\/\/nonexistent\/api\.sock \(create\): .*; start it, or point config agentid:spireSocket at its admin socket$/);
        assert.strictEqual(error.stack, error.message);
    });
});
