import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Deployment } from "@pulumi/pulumi/automation";
import { OffboardingRecord, offboardingRecords, readOffboardingRecords, writeOffboardingRecords } from "../../../provider/engine/offboardingRecord";
import { agentsInState } from "../../../provider/engine/stackState";
import { agentDoc, fleetDir } from "../../helpers/attacks";
import { cli, NOW, writeFixtures } from "../../helpers/fixtures";

/**
 * Offboarding records from a stack's state before and after a reap (the real engine's run is in
 * test/e2e/pipeline.e2e.test.ts), and `report --records` citing them.
 */

const STACK = "urn:pulumi:prod::fleet::";
const FLEET = `${STACK}agentid:index:AgentFleet::agents`;
const agentUrn = (name: string) => `${STACK}agentid:index:AgentFleet$agentid:index:Agent::${name}`;
const child = (agent: string, type: string, name: string, extra: object = {}) => ({ urn: `${STACK}agentid:index:AgentFleet$agentid:index:Agent$${type}::${name}`, type, parent: agentUrn(agent), custom: true, ...extra });

function deployment(resources: object[]): Deployment {
    return { version: 3, deployment: { manifest: { time: "2026-12-06T10:00:05.123456789Z" }, resources } } as unknown as Deployment;
}

const declaration = (name: string, onExpiry = "delete") => JSON.stringify({ declaration: { metadata: { name }, spec: { owner: { team: "sre", contact: "sre@example.com" }, expiresAt: "2026-12-05T00:00:00Z", onExpiry } }, settings: {} });
const agent = (name: string, onExpiry = "delete") => ({ urn: agentUrn(name), type: "agentid:index:Agent", parent: FLEET, custom: false, outputs: { agentName: name, expiresAt: "2026-12-05T00:00:00Z", source: declaration(name, onExpiry) } });

const zetaResources = [
    agent("zeta"),
    child("zeta", "kubernetes:core/v1:ServiceAccount", "zeta-sa", { outputs: { metadata: { name: "zeta", namespace: "agents" } } }),
    child("zeta", "kubernetes:rbac.authorization.k8s.io/v1:Role", "zeta-rbac-ops", { outputs: { metadata: { name: "agent-zeta", namespace: "ops" } } }),
    child("zeta", "agentid:spire:Entry", "zeta-spire", { outputs: { entryId: "e-123", spiffeId: "spiffe://example.org/agents/zeta" } }),
];
const keptAgent = [agent("epsilon"), child("epsilon", "kubernetes:core/v1:ServiceAccount", "epsilon-sa", { outputs: { metadata: { name: "epsilon", namespace: "agents" } } })];
const update = { version: 7, kind: "update", result: "succeeded", startTime: "2026-12-06T10:00:00.000Z", endTime: "2026-12-06T10:00:05.000Z" };
const recorded = { ...update, id: "prod#7", checkpoint: "2026-12-06T10:00:05.123456789Z" };

describe("offboarding records", () => {
    const before = deployment([{ urn: FLEET, type: "agentid:index:AgentFleet", custom: false }, ...zetaResources, ...keptAgent]);
    const after = deployment([{ urn: FLEET, type: "agentid:index:AgentFleet", custom: false }, agent("zeta"), ...keptAgent]);
    const reaped = agentsInState(before).filter((a) => a.name === "zeta");

    it("lists exactly what the update removed from the agent: URNs and types, the SPIRE entry and Kubernetes objects", () => {
        const [record] = offboardingRecords(before, after, reaped, { stack: "prod", judgedAt: new Date("2026-12-06T00:00:00Z"), update });
        assert.deepStrictEqual(record, {
            kind: "agentid/offboarding-record", version: 1, name: "zeta", owner: { team: "sre", contact: "sre@example.com" },
            expiresAt: "2026-12-05T00:00:00Z", onExpiry: "delete", reapedAt: "2026-12-06T10:00:05.000Z", judgedAt: "2026-12-06T00:00:00.000Z",
            stack: "prod", project: "fleet", update: recorded,
            removed: zetaResources.slice(1).map((r) => ({ urn: r.urn, type: r.type })),
            changed: [],
            remaining: [{ urn: agentUrn("zeta"), type: "agentid:index:Agent" }],
            spireEntries: [{ urn: zetaResources[3].urn, entryId: "e-123", spiffeId: "spiffe://example.org/agents/zeta" }],
            kubernetesObjects: [
                { urn: zetaResources[1].urn, kind: "ServiceAccount", namespace: "agents", name: "zeta" },
                { urn: zetaResources[2].urn, kind: "Role", namespace: "ops", name: "agent-zeta" },
            ],
        } satisfies OffboardingRecord);
    });

    it("records what a disabled agent keeps and what the update changed in place", () => {
        const role = child("zeta", "aws:iam/rolePolicy:RolePolicy", "zeta-grants", { outputs: { policy: "{\"Statement\":[{\"Effect\":\"Allow\"}]}" } });
        const disabledBefore = deployment([agent("zeta", "disable"), role, zetaResources[2]]);
        const disabledAfter = deployment([agent("zeta", "disable"), { ...role, outputs: { policy: "{\"Statement\":[{\"Effect\":\"Deny\"}]}" } }]);
        const [record] = offboardingRecords(disabledBefore, disabledAfter, agentsInState(disabledBefore), { stack: "prod", judgedAt: new Date(NOW), update });
        assert.deepStrictEqual([record.onExpiry, record.removed.map((r) => r.type), record.changed.map((r) => r.type), record.remaining.map((r) => r.type)],
            ["disable", ["kubernetes:rbac.authorization.k8s.io/v1:Role"], ["aws:iam/rolePolicy:RolePolicy"], ["agentid:index:Agent", "aws:iam/rolePolicy:RolePolicy"]]);
    });

    it("writes one file per record, never over an earlier one, and reads them back", () => {
        const dir = path.join(writeFixtures({}), "records");
        const records = offboardingRecords(before, after, reaped, { stack: "org/prod", judgedAt: new Date(NOW), update });
        const files = writeOffboardingRecords(dir, records);
        assert.deepStrictEqual(files.map((f) => path.basename(f)), ["org_prod.zeta.update-7.json"]);
        // A backend that does not number updates (the local file backend reports version 0): the checkpoint names it.
        const unnumbered = offboardingRecords(before, after, reaped, { stack: "prod", judgedAt: new Date(NOW), update: { ...update, version: 0 } });
        assert.deepStrictEqual([unnumbered[0].update.id, path.basename(writeOffboardingRecords(dir, unnumbered)[0])], ["prod@2026-12-06T10:00:05.123456789Z", "prod.zeta.20261206100005123456789.json"]);
        assert.throws(() => writeOffboardingRecords(dir, records), /EEXIST/);
        assert.deepStrictEqual(readOffboardingRecords(dir).map((r) => r.record), [...records, ...unnumbered], "file-name order");
    });
});

describe("report --records: offboarding evidence (OWASP NHI1)", () => {
    const expired = agentDoc("zeta", { expiresAt: "2026-11-20T00:00:00Z" });
    const record = (over: Partial<OffboardingRecord> = {}): OffboardingRecord => ({
        kind: "agentid/offboarding-record", version: 1, name: "zeta", owner: { team: "red-team", contact: "red@example.com" }, expiresAt: "2026-11-20T00:00:00Z", onExpiry: "delete",
        reapedAt: "2026-11-21T03:00:00.000Z", judgedAt: "2026-11-21T03:00:00.000Z", stack: "prod", project: "fleet", update: { ...recorded, version: 12, id: "prod#12" },
        removed: [{ urn: "urn:a", type: "agentid:spire:Entry" }, { urn: "urn:b", type: "kubernetes:core/v1:ServiceAccount" }], changed: [], remaining: [],
        spireEntries: [{ urn: "urn:a", entryId: "e-1", spiffeId: "spiffe://example.org/agents/zeta" }], kubernetesObjects: [{ urn: "urn:b", kind: "ServiceAccount", namespace: "agents", name: "zeta" }],
        ...over,
    });
    const nhi1 = async (dir: string, records?: string) => {
        const result = await cli("report", dir, "--framework", "owasp-nhi", "--now", NOW, "--json", ...(records ? ["--records", records] : []));
        return { code: result.code, doc: JSON.parse(result.stdout), control: JSON.parse(result.stdout).controls?.find((c: { id: string }) => c.id === "NHI1") };
    };

    it("passes an expired agent whose removal a record evidences, citing it; without records it fails", async () => {
        const dir = fleetDir([expired]);
        assert.deepStrictEqual((await nhi1(dir)).control.agents[0].status, "fail");
        const records = writeFixtures({ "prod.zeta.update-12.json": JSON.stringify(record()) });
        const { code, control } = await nhi1(dir, records);
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(control.agents[0], {
            agent: "zeta", status: "pass",
            evidence: "expired at 2026-11-20T00:00:00Z; access removed: reaped at 2026-11-21T03:00:00.000Z by update prod#12: 2 resources removed (SPIRE entry spiffe://example.org/agents/zeta, 1 Kubernetes object) — record prod.zeta.update-12.json; owned by red-team <red@example.com>",
        });
        assert.deepStrictEqual(control.records.map((r: { agent: string; file: string }) => [r.agent, path.basename(r.file)]), [["zeta", "prod.zeta.update-12.json"]]);
    });

    it("does not count a record of another expiry (an earlier agent of the same name)", async () => {
        const records = writeFixtures({ "earlier.json": JSON.stringify(record({ expiresAt: "2026-10-01T00:00:00Z" })) });
        assert.strictEqual((await nhi1(fleetDir([expired]), records)).control.agents[0].status, "fail");
    });

    it("refuses a folder holding something that is not a record (exit 2, naming the file)", async () => {
        const records = writeFixtures({ "notes.json": JSON.stringify({ hello: "world" }) });
        const { code, doc } = await nhi1(fleetDir([expired]), records);
        assert.strictEqual(code, 2);
        assert.match(doc.error.message, /notes\.json is not an agentid offboarding record: its kind is not agentid\/offboarding-record/);
        const missing = await nhi1(fleetDir([expired]), path.join(records, "nope"));
        assert.strictEqual(missing.code, 2);
        assert.match(missing.doc.error.message, /--records .*nope: no such directory/);
        fs.rmSync(records, { recursive: true });
    });
});

describe("reap --record: the CLI contract", () => {
    it("refuses --record with --dry-run (exit 2): a dry run removes nothing to record", async () => {
        const result = await cli("reap", "--stack", "prod", "--dry-run", "--record", "out", "--json");
        assert.strictEqual(result.code, 2);
        assert.match(JSON.parse(result.stdout).error.message, /--dry-run and --record cannot be used together|--record and --dry-run cannot be used together/);
    });

    it("refuses a record folder it cannot write before reaping anything (exit 2)", async () => {
        const file = path.join(writeFixtures({ "taken": "a file" }), "taken");
        const result = await cli("reap", "--stack", "prod", "--record", file, "--json");
        assert.strictEqual(result.code, 2);
        assert.match(JSON.parse(result.stdout).error.message, /--record .*taken: cannot write offboarding records there \(.*\); nothing was reaped/);
    });
});
