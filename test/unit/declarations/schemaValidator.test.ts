import * as assert from "assert";
import fc from "fast-check";
import { compileNow, schemaValidator } from "../../../provider/declarations/schemaValidator";

describe("schema validator", () => {
    it("uses the code precompiled at build time, and it answers exactly as the schema compiled now", () => {
        const precompiled = schemaValidator();
        const fresh = compileNow();
        assert.notStrictEqual(precompiled, fresh, "the build's precompiled validator is loaded (npm run build generates it)");
        const value = fc.oneof(fc.jsonValue(), fc.record({
            apiVersion: fc.constantFrom("agentid/v1", "v2"), kind: fc.constantFrom("Agent", "Fleet", "agent"),
            metadata: fc.record({ name: fc.string() }, { requiredKeys: [] }),
            spec: fc.record({ description: fc.string(), owner: fc.jsonValue(), expiresAt: fc.string(), grants: fc.array(fc.jsonValue()) }, { requiredKeys: [] }),
        }, { requiredKeys: [] }));
        fc.assert(fc.property(value, (doc) => {
            assert.strictEqual(precompiled(doc), fresh(doc));
            assert.deepStrictEqual(precompiled.errors ?? null, fresh.errors ?? null);
        }), { numRuns: 300 });
    });
});
