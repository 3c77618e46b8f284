/**
 * Generates schema/schema.json (the Pulumi package schema) from the components' TypeScript args and
 * their JSDoc, so Python, Go, .NET and YAML programs see the same fields and descriptions.
 *
 *   node dist/scripts/schema.js            prints the schema
 *   node dist/scripts/schema.js --write    writes schema/schema.json (npm run schema)
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { TYPESCRIPT_ONLY_ARGS } from "../provider/components/componentArgs";

type JsonSchema = Record<string, unknown>;

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCES = ["provider/components/agent.ts", "provider/components/agentFleet.ts", "provider/declarations/types.ts", "provider/platforms/spire/spireEntry.ts"].map((f) => path.join(ROOT, f));

/** The resources the plugin serves: TypeScript args interface, class, schema token. */
const RESOURCES = [
    { token: "agentid:index:Agent", args: "AgentArgs", cls: "Agent", component: true },
    { token: "agentid:index:AgentFleet", args: "AgentFleetArgs", cls: "AgentFleet", component: true },
    { token: "agentid:spire:Entry", args: "SpireEntryArgs", cls: "SpireEntry", component: false },
];
/** Args that only make sense in TypeScript (they take in-code declarations as objects). */
const TYPESCRIPT_ONLY = new Set(Object.entries(TYPESCRIPT_ONLY_ARGS).flatMap(([type, names]) => names.map((name) => `${type}.${name}`)));

export function generateSchema(): JsonSchema {
    const program = ts.createProgram(SOURCES, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true });
    const checker = program.getTypeChecker();
    const declarations = new Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>();
    for (const file of SOURCES) {
        const source = program.getSourceFile(file)!;
        source.forEachChild((node) => {
            if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name) declarations.set(node.name.text, node);
        });
    }
    const types: Record<string, JsonSchema> = {};
    const doc = (node: ts.Node) => ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc).map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join("\n").trim();

    /** Schema of a property type; nested object types become named types `agentid:index:<Name>`. */
    const typeSchema = (type: ts.Type, nameHint: string): JsonSchema => {
        const unwrapped = unwrapInput(type, checker);
        const nonNull = checker.getNonNullableType(unwrapped);
        if (nonNull.isUnion()) {
            const members = nonNull.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
            if (members.every((t) => t.isStringLiteral())) return { type: "string" };
            if (members.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
            const inputs = members.map((t) => unwrapInput(t, checker));
            return typeSchema(inputs.find((t) => !(t.flags & ts.TypeFlags.Object) || checker.isArrayType(t)) ?? inputs[0], nameHint);
        }
        if (nonNull.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return { type: "string" };
        if (nonNull.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return { type: "number" };
        if (nonNull.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
        if (checker.isArrayType(nonNull)) {
            const [element] = checker.getTypeArguments(nonNull as ts.TypeReference);
            return { type: "array", items: typeSchema(element, nameHint.replace(/s$/, "")) };
        }
        const index = nonNull.getStringIndexType();
        if (index) return { type: "object", additionalProperties: typeSchema(index, nameHint) };
        // Args derived from the declaration model (`Inputs<Grant>`) are named after the model's interface,
        // which every property of the mapped type still points to.
        const properties = checker.getPropertiesOfType(nonNull);
        const owner = properties[0]?.declarations?.[0]?.parent;
        const modelName = owner && ts.isInterfaceDeclaration(owner) && properties.every((p) => p.declarations?.[0]?.parent === owner) ? owner.name.text : undefined;
        const symbol = nonNull.getSymbol() ?? nonNull.aliasSymbol;
        const named = modelName && declarations.has(modelName) ? modelName : symbol && declarations.has(symbol.getName()) ? symbol.getName() : undefined;
        const typeName = (named ?? nameHint).replace(/Args$/, "");
        const token = `agentid:index:${typeName}`;
        if (!types[token]) {
            types[token] = { type: "object" };
            types[token] = objectSchema(nonNull, typeName, named ? doc(declarations.get(named)!) : undefined);
        }
        return { $ref: `#/types/${token}` };
    };

    const objectSchema = (type: ts.Type, owner: string, description?: string): JsonSchema => {
        const properties: Record<string, JsonSchema> = {};
        const required: string[] = [];
        for (const property of checker.getPropertiesOfType(type)) {
            if (TYPESCRIPT_ONLY.has(`${owner}Args.${property.getName()}`) || TYPESCRIPT_ONLY.has(`${owner}.${property.getName()}`)) continue;
            const decl = property.valueDeclaration ?? property.declarations?.[0];
            if (!decl) continue;
            const propType = checker.getTypeOfSymbolAtLocation(property, decl);
            const hint = `${owner}${property.getName().charAt(0).toUpperCase()}${property.getName().slice(1)}`;
            properties[property.getName()] = { ...typeSchema(propType, hint), ...(doc(decl) ? { description: doc(decl) } : {}) };
            if (!(property.flags & ts.SymbolFlags.Optional)) required.push(property.getName());
        }
        return { type: "object", ...(description ? { description } : {}), properties, ...(required.length ? { required } : {}) };
    };

    const resources: Record<string, JsonSchema> = {};
    for (const r of RESOURCES) {
        const args = declarations.get(r.args) as ts.InterfaceDeclaration;
        const cls = declarations.get(r.cls) as ts.ClassDeclaration;
        const inputs = objectSchema(checker.getTypeAtLocation(args), r.args.replace(/Args$/, ""));
        const outputs: Record<string, JsonSchema> = {};
        for (const member of cls.members) {
            if (!member.name || !ts.isIdentifier(member.name)) continue;
            const isPublic = !(ts.getCombinedModifierFlags(member as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
            if (!isPublic || !(ts.isGetAccessor(member) || ts.isPropertyDeclaration(member))) continue;
            // Outputs are declared as `pulumi.Output<T>`: read T from the declared type.
            const declared = (member as ts.GetAccessorDeclaration | ts.PropertyDeclaration).type;
            if (!declared || !ts.isTypeReferenceNode(declared) || !/(^|\.)Output$/.test(declared.typeName.getText()) || !declared.typeArguments?.length) continue;
            const inner = checker.getTypeFromTypeNode(declared.typeArguments[0]);
            outputs[member.name.text] = { ...typeSchema(inner, `${r.cls}${member.name.text.charAt(0).toUpperCase()}${member.name.text.slice(1)}`), ...(doc(member) ? { description: doc(member) } : {}) };
        }
        resources[r.token] = {
            ...(r.component ? { isComponent: true } : {}),
            description: doc(cls),
            inputProperties: inputs.properties,
            ...(inputs.required ? { requiredInputs: inputs.required } : {}),
            properties: outputs,
        };
    }
    return {
        name: "agentid",
        displayName: "agentid",
        version: "0.1.0",
        description: "Agent identities as code: owner, workload identity, least-privilege grants and enforced expiry for AI agents.",
        keywords: ["pulumi", "agents", "identity", "kind/component"],
        license: "Apache-2.0",
        pluginDownloadURL: "",
        types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
        resources,
        language: { nodejs: { packageName: "agentid", dependencies: { "@pulumi/pulumi": "3.248.0" } } },
    };
}

/** `pulumi.Input<T>` (and its `T | Promise<T> | OutputInstance<T>` union) as T. */
function unwrapInput(type: ts.Type, checker: ts.TypeChecker): ts.Type {
    if (type.isUnion()) {
        const plain = type.types.filter((t) => {
            const name = t.getSymbol()?.getName();
            return name !== "Promise" && name !== "OutputInstance" && name !== "Output";
        });
        if (plain.length !== type.types.length && plain.length > 0) {
            return plain.length === 1 ? plain[0] : (checker as unknown as { getUnionType(types: ts.Type[]): ts.Type }).getUnionType?.(plain) ?? plain[0];
        }
    }
    return type;
}

/** The committed schema's text for a generated schema. */
export function schemaText(schema: JsonSchema): string {
    return JSON.stringify(schema, null, 2) + "\n";
}

if (require.main === module) {
    const text = schemaText(generateSchema());
    if (process.argv.includes("--write")) fs.writeFileSync(path.join(ROOT, "schema", "schema.json"), text);
    else process.stdout.write(text);
}
