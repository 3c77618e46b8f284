import * as assert from "assert";
import { AGENT_NAME_MAX, isAgentName, NAME_LIMITS, isDns1123Label, roleNameOf } from "../../../provider/spec/names";

describe("names", () => {
    it("keeps the longest allowed agent name's IAM role within IAM's 64 characters", () => {
        const longest = `a${"b".repeat(AGENT_NAME_MAX - 1)}`;
        assert.strictEqual(isAgentName(longest), true);
        assert.strictEqual(isAgentName(`${longest}c`), false);
        assert.strictEqual(roleNameOf(longest).length, 46);
        assert.ok(roleNameOf(longest).length <= NAME_LIMITS.iamRole.max);
    });

    it("accepts DNS-1123 labels only", () => {
        assert.deepStrictEqual(["agents", "a-1", "A", "-a", "a-", "a".repeat(64)].map(isDns1123Label), [true, true, false, false, false, false]);
    });
});
