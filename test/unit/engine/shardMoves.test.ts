import * as assert from "assert";
import { blockedStacks, placementOf } from "../../../provider/engine/shardMoves";

const urn = (stack: string, agent: string) => `urn:pulumi:${stack}::agentid-fleet::agentid:index:AgentFleet$agentid:index:Agent::${agent}`;
const recorded = (name: string, ...agents: string[]) => ({ name, agents: agents.map((a) => ({ name: a, urn: urn(name, a) })) });
const shards = [
    { name: "agents-billing", key: "billing", agents: ["beta", "gamma"] },
    { name: "agents-support", key: "support", agents: ["alpha"] },
];

describe("shard moves: where agents are recorded and where they belong", () => {
    it("moves an agent recorded in one stack into the stack its team now maps to", () => {
        const placement = placementOf(shards, [recorded("agents-support", "alpha", "beta"), recorded("agents-billing", "gamma")]);
        assert.deepStrictEqual(placement, {
            moves: [{ agent: "beta", from: "agents-support", to: "agents-billing", urn: urn("agents-support", "beta") }],
            conflicts: [], stale: [],
        });
    });

    it("moves agents out of a stack no shard uses any more, and reports what stays there", () => {
        const placement = placementOf(shards, [recorded("agents-ops", "beta", "old-agent"), recorded("agents-support", "alpha")]);
        assert.deepStrictEqual(placement.moves.map((m) => [m.agent, m.from, m.to]), [["beta", "agents-ops", "agents-billing"]]);
        assert.deepStrictEqual(placement.stale, [{ name: "agents-ops", agents: ["old-agent"] }]);
    });

    it("moves nothing for an agent recorded in two stacks, and blocks both", () => {
        const placement = placementOf(shards, [recorded("agents-support", "alpha", "beta"), recorded("agents-billing", "beta")]);
        assert.deepStrictEqual([placement.moves, placement.conflicts], [[], [{ agent: "beta", stacks: ["agents-billing", "agents-support"] }]]);
        assert.deepStrictEqual([...blockedStacks(placement).keys()], ["agents-billing", "agents-support"]);
        assert.match(blockedStacks(placement).get("agents-billing")!, /agent beta is recorded in agents-billing and agents-support; keep it in one of them/);
    });

    it("moves nothing when every agent is where it belongs, and leaves undeclared agents to their stack's update", () => {
        assert.deepStrictEqual(placementOf(shards, [recorded("agents-support", "alpha", "removed"), recorded("agents-billing", "beta", "gamma")]), { moves: [], conflicts: [], stale: [] });
    });
});
