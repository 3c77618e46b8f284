import * as assert from "assert";
import type { AgentDeclaration } from "../../../provider/declarations/types";
import { agentsOwnSharedResources, shardsOf, STACK_NAME, stackNameOf, stackOfAgent } from "../../../provider/model/shards";

const agent = (name: string, team: string, labels?: Record<string, string>): AgentDeclaration => ({
    apiVersion: "agentid/v1", kind: "Agent",
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { description: name, owner: { team, contact: `${team.replace(/\W/g, "")}@example.com` }, expiresAt: "2027-01-15", grants: [] },
});

describe("shards: stack names", () => {
    it("names a stack <prefix>-<value> when the value is already a plain stack name", () => {
        assert.deepStrictEqual([stackNameOf("support", { by: "team" }), stackNameOf("prod", { by: "label:env", prefix: "fleet" })], ["agents-support", "fleet-prod"]);
    });

    it("adds a stable hash when sanitising changed the value, so distinct values never share a stack", () => {
        assert.deepStrictEqual(["Support Platform", "support platform", "a--b", "ÜBER", "__"].map((k) => stackNameOf(k, { by: "team" })), [
            "agents-support-platform-5f9cb3e8", "agents-support-platform-c1ce2d38", "agents-a-b-90827a2e", "agents-ber-32f25c21", "agents-9911f4d2",
        ]);
    });

    it("keeps every name within Pulumi's 100 characters of [A-Za-z0-9_.-]", () => {
        const long = stackNameOf("x".repeat(120), { by: "team" });
        assert.deepStrictEqual([long.length, long.endsWith("-13f05a0b")], [100, true]);
        for (const key of ["x".repeat(120), "Ünïcödé team ✓", "a/b:c", "-", "team.with.dots"]) {
            assert.match(stackNameOf(key, { by: "team", prefix: "p".repeat(40) }), STACK_NAME.pattern, key);
            assert.ok(stackNameOf(key, { by: "team", prefix: "p".repeat(40) }).length <= STACK_NAME.max, key);
        }
    });
});

describe("shards: which agents each stack holds", () => {
    const fleet = [agent("b-two", "support"), agent("a-one", "support"), agent("c-three", "billing"), agent("d-four", "Support Platform")];

    it("groups agents by owner team, stacks and agents sorted", () => {
        assert.deepStrictEqual(shardsOf(fleet, { by: "team" }), [
            { name: "agents-billing", key: "billing", agents: ["c-three"] },
            { name: "agents-support", key: "support", agents: ["a-one", "b-two"] },
            { name: "agents-support-platform-5f9cb3e8", key: "Support Platform", agents: ["d-four"] },
        ]);
    });

    it("groups by a label's value, leaving out agents without it (validation reports them)", () => {
        const labelled = [agent("a-one", "support", { env: "prod" }), agent("b-two", "billing", { env: "prod" }), agent("c-three", "billing", { env: "dev" }), agent("d-four", "ops")];
        assert.deepStrictEqual(shardsOf(labelled, { by: "label:env", prefix: "fleet" }), [
            { name: "fleet-dev", key: "dev", agents: ["c-three"] },
            { name: "fleet-prod", key: "prod", agents: ["a-one", "b-two"] },
        ]);
        assert.strictEqual(stackOfAgent(labelled[3], { stacks: { by: "label:env" } }), undefined);
    });

    it("places no agent when the fleet is not sharded, and makes agents own their shared resources when it is", () => {
        assert.strictEqual(stackOfAgent(fleet[0], {}), undefined);
        assert.strictEqual(stackOfAgent(fleet[0], { stacks: { by: "team" } }), "agents-support");
        assert.deepStrictEqual([agentsOwnSharedResources({}), agentsOwnSharedResources({ oauthClientSharing: "perAgent" }), agentsOwnSharedResources({ stacks: { by: "team" } })], [false, true, true]);
    });
});
