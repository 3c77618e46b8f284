import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { generateSchema, schemaText } from "../../scripts/schema";

/**
 * The schema generated from the sources, once for both suites and in a hook, not while mocha loads the file:
 * generating reads the sources with the TypeScript compiler (seconds, tens of them on a loaded machine), and
 * every mutation-testing process that reloads the test files would pay it.
 */
let generatedOnce: ReturnType<typeof generateSchema> | undefined;
const generated = () => (generatedOnce ??= generateSchema());
const GENERATION_TIMEOUT_MS = 180_000;

describe("package schema", () => {
    let committed = "";
    before(function () {
        this.timeout(GENERATION_TIMEOUT_MS);
        committed = fs.readFileSync(path.join(__dirname, "../../../schema/schema.json"), "utf8");
        generated();
    });

    it("is up to date with the components' args (run npm run schema after changing them)", () => {
        assert.strictEqual(schemaText(generated()), committed);
    });

    it("serves both components and the SPIRE entry, with descriptions from the JSDoc", () => {
        const resources = generated().resources as Record<string, { isComponent?: boolean; description: string; inputProperties: Record<string, { description?: string }> }>;
        assert.deepStrictEqual(Object.keys(resources), ["agentid:index:Agent", "agentid:index:AgentFleet", "agentid:spire:Entry"]);
        assert.deepStrictEqual([resources["agentid:index:Agent"].isComponent, resources["agentid:spire:Entry"].isComponent], [true, undefined]);
        assert.strictEqual(resources["agentid:index:Agent"].inputProperties.expiresAt.description,
            "When every credential stops: an RFC 3339 date-time or a date (midnight UTC), at most the fleet's lifetime (default 90 days) ahead.");
        assert.match(resources["agentid:index:Agent"].description, /An AI agent's identity as code/);
    });
});

describe("declaration schema (schema/agent.schema.json) against the model (provider/declarations/types.ts)", () => {
    type Node = { $ref?: string; type?: string; properties?: Record<string, Node>; required?: string[]; items?: Node; additionalProperties?: unknown };
    let declarationSchema: { $defs: Record<string, Node> };
    let model: Record<string, Node>;
    before(function () {
        this.timeout(GENERATION_TIMEOUT_MS);
        declarationSchema = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../schema/agent.schema.json"), "utf8")) as { $defs: Record<string, Node> };
        model = generated().types as Record<string, Node>;
    });
    const jsonNode = (node: Node): Node => (node.$ref ? jsonNode(declarationSchema.$defs[node.$ref.replace("#/$defs/", "")]) : node);
    const modelNode = (node: Node): Node => (node.$ref ? modelNode(model[node.$ref.replace("#/types/", "")]) : node);

    /** Every field and required list, recursively: a field added to one and not the other is a difference. */
    function differences(ts: Node, json: Node, at: string): string[] {
        const t = modelNode(ts);
        const j = jsonNode(json);
        if (t.type === "array") return differences(t.items!, j.items ?? {}, `${at}[]`);
        if (!t.properties) return [];
        const tsFields = Object.keys(t.properties).sort();
        const jsonFields = Object.keys(j.properties ?? {}).sort();
        const out: string[] = [];
        for (const f of tsFields.filter((x) => !jsonFields.includes(x))) out.push(`${at}.${f} is in the model, not in the schema`);
        for (const f of jsonFields.filter((x) => !tsFields.includes(x))) out.push(`${at}.${f} is in the schema, not in the model`);
        if (JSON.stringify([...(t.required ?? [])].sort()) !== JSON.stringify([...(j.required ?? [])].sort())) {
            out.push(`${at}: required ${JSON.stringify(t.required ?? [])} in the model, ${JSON.stringify(j.required ?? [])} in the schema`);
        }
        for (const f of tsFields.filter((x) => jsonFields.includes(x))) out.push(...differences(t.properties[f], j.properties![f], `${at}.${f}`));
        return out;
    }

    it("has exactly the model's fields, at every level, with the same required ones", () => {
        assert.deepStrictEqual([
            ...differences(model["agentid:index:AgentSpec"], declarationSchema.$defs.agentSpec, "Agent spec"),
            ...differences(model["agentid:index:FleetSettings"], (jsonNode(declarationSchema.$defs.fleet).properties as Record<string, Node>).spec, "Fleet spec"),
        ], []);
    });
});
