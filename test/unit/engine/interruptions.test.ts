import * as assert from "assert";
import { isLockedError, isStaleLock, lockHolderOf, pendingOperationsOf } from "../../../provider/engine/interruptions";

// The engine's words, as pulumi v3.248.0 prints them for a PostgreSQL backend (see TOOLCHAIN-NOTES "Measured facts").
const LOCKED = "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
    "  postgres://****:****@127.0.0.1:55432/postgres/.pulumi/locks/organization/agentid-fleet/agents-support/6a07e863-4776-4a00-a493-36c1c15825c9.json?sslmode=disable: created by root@vm (pid 10671) at 2026-11-30T03:55:20Z";

describe("interruptions: locks and pending operations", () => {
    it("reads who holds a stack's lock from the engine's error", () => {
        assert.deepStrictEqual(lockHolderOf(LOCKED), { user: "root", host: "vm", pid: 10671, at: "2026-11-30T03:55:20Z" });
        assert.deepStrictEqual([isLockedError(LOCKED), isLockedError("error: update failed"), lockHolderOf("error: update failed")], [true, false, undefined]);
    });

    it("calls a lock stale only when its holder ran on this host and no longer runs", () => {
        const lock = { user: "root", host: "vm", pid: 10671, at: "2026-11-30T03:55:20Z" };
        assert.deepStrictEqual([
            isStaleLock(lock, "vm", () => false),
            isStaleLock(lock, "vm", () => true),
            isStaleLock(lock, "ci-runner-7", () => false),
        ], [true, false, false]);
        assert.strictEqual(isStaleLock({ ...lock, host: require("os").hostname(), pid: process.pid }), false, "this process runs");
    });

    it("lists the operations a killed update left pending", () => {
        const deployment = {
            version: 3,
            deployment: {
                manifest: { time: "t" },
                resources: [{ urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", type: "pulumi:pulumi:Stack" }],
                pending_operations: [{ type: "creating", resource: { urn: "urn:pulumi:s::p::agentid:index:AgentFleet$agentid:index:Agent$agentid:spire:Entry::zeta-spire", type: "agentid:spire:Entry" } }],
            },
        };
        assert.deepStrictEqual(pendingOperationsOf(deployment), [{ op: "creating", type: "agentid:spire:Entry", name: "zeta-spire", urn: deployment.deployment.pending_operations[0].resource.urn }]);
        assert.deepStrictEqual(pendingOperationsOf({ version: 3, deployment: { resources: [] } }), []);
    });
});
