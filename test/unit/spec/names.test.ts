import * as assert from "assert";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import { AGENT_NAME_MAX, IAM_ROLE_NAME_MAX, isAgentName, isDns1123Label, isEmail, roleNameOf } from "../../../provider/spec/names";
import agentSchema = require("../../../schema/agent.schema.json");

describe("names", () => {
    it("keeps the longest allowed agent name's IAM role within IAM's 64 characters", () => {
        const longest = `a${"b".repeat(AGENT_NAME_MAX - 1)}`;
        assert.strictEqual(isAgentName(longest), true);
        assert.strictEqual(isAgentName(`${longest}c`), false);
        assert.strictEqual(roleNameOf(longest).length, 46);
        assert.ok(roleNameOf(longest).length <= IAM_ROLE_NAME_MAX);
    });

    it("accepts DNS-1123 labels only", () => {
        assert.deepStrictEqual(["agents", "a-1", "A", "-a", "a-", "a".repeat(64)].map(isDns1123Label), [true, true, false, false, false, false]);
    });

    it("accepts e-mail addresses only: no mailto:, display names, markup or spaces", () => {
        const cases: [string, boolean][] = [
            ["team@example.com", true], ["a.b+tag@sub.example.org", true], ["o'neil@example.ie", true],
            ["mailto:team@example.com", false], ["<script>@x.yz", false], ["Team <team@example.com>", false],
            ["team @example.com", false], ["team@example", false], ["a..b@example.com", false], ["team@-x.com", false],
            ["team@example.com\n", false], [`${"a".repeat(65)}@example.com`, false],
        ];
        assert.deepStrictEqual(cases.map(([text]) => [text, isEmail(text)]), cases);
    });

    it("agrees with the schema's e-mail definition on every input (one definition)", () => {
        const schemaSays = new Ajv2020({ strict: true }).compile({ ...agentSchema.$defs.email, $schema: undefined });
        const near = fc.string({ unit: fc.constantFrom(..."aZ09.@-_+<>: '\"\n".split(""), "mailto:", "example.com", "\u00e9"), maxLength: 30 });
        fc.assert(fc.property(fc.oneof(near, fc.string({ unit: "binary", maxLength: 30 })), (text) => {
            assert.strictEqual(isEmail(text), schemaSays(text), JSON.stringify(text));
        }), { numRuns: 2000 });
    });
});
