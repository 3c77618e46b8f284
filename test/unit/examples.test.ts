import { registrations, settled } from "../helpers/mocks";
import * as assert from "assert";

describe("examples", () => {
    it("examples/typescript declares two agents: an IRSA writer to an in-program bucket and a Kubernetes-only reader", async () => {
        process.env.AGENTID_NOW = "2026-12-01T00:00:00Z";
        try {
            const before = registrations.length;
            // Run the program even when this process ran it before (a mutation run reuses one process for many
            // runs): from the require cache it would register nothing, and the test would fail whatever the code.
            const program = require.resolve("../../examples/typescript/index");
            delete require.cache[program];
            require(program);
            await settled();
            const mine = registrations.slice(before);
            const agents = mine.filter((r) => r.type === "agentid:index:Agent").map((r) => r.name).sort();
            assert.deepStrictEqual(agents, ["log-reader", "weekly-reporter"]);
            const policy = JSON.parse(mine.find((r) => r.name === "weekly-reporter-grants")!.inputs.policy);
            assert.deepStrictEqual(policy.Statement[0].Action, ["s3:PutObject"]);
            assert.deepStrictEqual(mine.filter((r) => r.name.startsWith("log-reader-")).map((r) => r.type).sort(), [
                "kubernetes:core/v1:ServiceAccount", "kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            ]);
        } finally {
            delete process.env.AGENTID_NOW;
        }
    });
});
