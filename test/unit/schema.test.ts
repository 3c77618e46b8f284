import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { generateSchema, schemaText } from "../../scripts/schema";

describe("package schema", () => {
    const committed = fs.readFileSync(path.join(__dirname, "../../../schema/schema.json"), "utf8");
    const generated = generateSchema();

    it("is up to date with the components' args (run npm run schema after changing them)", () => {
        assert.strictEqual(schemaText(generated), committed);
    });

    it("serves both components and the SPIRE entry, with descriptions from the JSDoc", () => {
        const resources = generated.resources as Record<string, { isComponent?: boolean; description: string; inputProperties: Record<string, { description?: string }> }>;
        assert.deepStrictEqual(Object.keys(resources), ["agentid:index:Agent", "agentid:index:AgentFleet", "agentid:spire:Entry"]);
        assert.deepStrictEqual([resources["agentid:index:Agent"].isComponent, resources["agentid:spire:Entry"].isComponent], [true, undefined]);
        assert.strictEqual(resources["agentid:index:Agent"].inputProperties.expiresAt.description,
            "When every credential stops: an RFC 3339 date-time or a date (midnight UTC), at most the fleet's lifetime (default 90 days) ahead.");
        assert.match(resources["agentid:index:Agent"].description, /An AI agent's identity as code/);
    });
});
