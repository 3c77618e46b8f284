import * as assert from "assert";
import * as path from "path";
import fc from "fast-check";
import { MERMAID_LABEL_LIMIT, mermaidLabel, renderMermaid } from "../../../provider/output/mermaid";
import { agentDoc, fleetDir } from "../../helpers/attacks";
import { cli, NOW } from "../../helpers/fixtures";
import { mermaidBlocks, parseMermaid } from "../../helpers/mermaid";

/**
 * Mermaid graphs, judged by Mermaid's own parser (the `mermaid` package under jsdom): valid syntax, and
 * exactly the nodes, edges and labels agentid meant — whatever text the declarations hold.
 */

const RUNS = Number(process.env.AGENTID_PROPERTY_RUNS ?? 100);
const AGENTS = path.join(__dirname, "../../../../agents");

/** Text that means something to Mermaid, Markdown or HTML, mixed with any Unicode. */
const HOSTILE = fc.constantFrom(..."\"'`[](){}<>|#;&:*%\\/\n\r\t-=.~ ".split(""), "  ", "#quot;", "#35;", "-->", "```", "end", "subgraph", "click a0 call alert()", "%%", "<script>",
    "&lt;", "\u2028", "\u202e", "\u0000", "😀", "style a0 fill:#f00", "classDef x", "linkStyle 0 stroke:red");
const text = fc.array(fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 6 }), HOSTILE), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(""));

/** What a reader sees of a label: the text, cut to the limit. */
function shown(label: string): string {
    const chars = [...label];
    return chars.length > MERMAID_LABEL_LIMIT ? [...chars.slice(0, MERMAID_LABEL_LIMIT - 1), "…"].join("") : label;
}

describe("Mermaid output (judged by Mermaid's parser)", function () {
    this.timeout(120_000);

    it("escapes every character outside a small safe set as #<code>;", () => {
        assert.strictEqual(mermaidLabel(`a "b" [c] #1; <d>`), "a #34;b#34; #91;c#93; #35;1#59; #60;d#62;");
        assert.strictEqual(mermaidLabel("arn:aws:s3:::b/p/*"), "arn:aws:s3:::b/p/#42;");
        assert.strictEqual(mermaidLabel("line\nbreak`"), "line#10;break#96;");
        assert.strictEqual(mermaidLabel("style a0 fill:#f00; classDef"), "#115;tyle a0 fill:#35;f00#59; #99;lassDef", "Mermaid rewrites style and classDef lines");
    });

    it("keeps any user text inside its label: Mermaid reads exactly the nodes, edges and labels drawn", async () => {
        await fc.assert(fc.asyncProperty(fc.record({ group: text, agent: text, target: text, edge: text }), async (labels) => {
            const lines = renderMermaid({
                groups: [{ id: "t0", label: labels.group, nodes: [{ id: "a0", label: labels.agent, shape: "box", className: "added" }] }],
                nodes: [{ id: "r0", label: labels.target, shape: "round" }, { id: "r1", label: labels.target, shape: "hexagon" }],
                edges: [{ from: "a0", to: "r0", label: labels.edge, style: "added" }, { from: "a0", to: "r1", dotted: true }],
                classes: { added: "stroke:#1a7f37,stroke-width:3px" }, edgeStyles: { added: "stroke:#1a7f37" },
            });
            const parsed = await parseMermaid(lines.join("\n"));
            assert.strictEqual(parsed.diagramType, "flowchart-v2");
            assert.deepStrictEqual(parsed.vertices.map((v) => [v.id, v.label]), [["a0", shown(labels.agent)], ["r0", shown(labels.target)], ["r1", shown(labels.target)]]);
            assert.deepStrictEqual(parsed.vertices.find((v) => v.id === "a0")!.classes, ["added"]);
            assert.deepStrictEqual(parsed.edges.map((e) => [e.from, e.to, e.label, e.stroke]), [["a0", "r0", shown(labels.edge), "normal"], ["a0", "r1", "", "dotted"]]);
            assert.deepStrictEqual(parsed.subgraphs.map((s) => [s.id, s.title, s.nodes]), [["t0", shown(labels.group), ["a0"]]]);
        }), { numRuns: RUNS });
    });

    it("refuses ids and styles agentid does not write", () => {
        assert.throws(() => renderMermaid({ groups: [], nodes: [{ id: "a0; click", label: "x", shape: "box" }], edges: [] }), /is not an id agentid generates/);
        assert.throws(() => renderMermaid({ groups: [], nodes: [{ id: "a0", label: "x", shape: "box", className: "c" }], edges: [], classes: { c: "fill:red;} x" } }), /a style agentid does not write/);
    });

    it("inventory --format md draws the sample fleet: agents in their team's box, an edge per target with its access", async () => {
        const result = await cli("inventory", AGENTS, "--format", "md", "--now", NOW);
        assert.strictEqual(result.code, 0);
        const [block] = mermaidBlocks(result.stdout);
        const graph = await parseMermaid(block);
        assert.deepStrictEqual(graph.subgraphs.map((s) => [s.title, s.nodes.map((n) => graph.vertices.find((v) => v.id === n)!.label)]), [
            ["team billing-eng", ["billing-reconciler", "billing-reporter"]], ["team sre", ["ops-responder"]],
            ["team developer-experience", ["research-assistant"]], ["team support-platform", ["support-triage"]],
        ]);
        const label = (id: string) => graph.vertices.find((v) => v.id === id)!.label;
        const edges = graph.edges.map((e) => `${label(e.from)} -${e.label}-> ${label(e.to)}`).sort();
        assert.deepStrictEqual(edges, [
            "billing-reconciler -read-> arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/stripe-readonly-AbCdEf",
            "billing-reconciler -read-> arn:aws:sqs:us-east-1:123456789012:payment-events",
            "billing-reconciler -readwrite-> arn:aws:dynamodb:us-east-1:123456789012:table/ledger",
            "billing-reporter -read-> arn:aws:dynamodb:us-east-1:123456789012:table/ledger",
            "ops-responder -readwrite-> namespace production",
            "ops-responder -write-> arn:aws:sns:us-east-1:123456789012:ops-pages",
            "research-assistant -read-> arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
            "research-assistant -read-> github (SaaS)",
            "research-assistant -read-> research-tools: docs/search",
            "research-assistant -read-> research-tools: github/summarizePullRequest",
            "support-triage -read-> arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
            "support-triage -read-> arn:aws:s3:::support-tickets/inbound/*",
            "support-triage -read-> namespace support",
            "support-triage -read-> support-tools: crm/lookupCustomer",
            "support-triage -read-> support-tools: kb/searchArticles",
        ]);
    });

    it("draws an expired agent with no reach, marked expired", async () => {
        const result = await cli("inventory", fleetDir([agentDoc("retired", { expiresAt: "2026-11-01" }), agentDoc("active")]), "--format", "md", "--now", NOW);
        const graph = await parseMermaid(mermaidBlocks(result.stdout)[0]);
        const retired = graph.vertices.find((v) => v.label === "retired")!;
        assert.deepStrictEqual(retired.classes, ["expired"]);
        assert.deepStrictEqual(graph.edges.filter((e) => e.from === retired.id), []);
        assert.strictEqual(graph.edges.length, 1);
    });

    it("draws a large fleet per team, within the edge limit, and says so", async () => {
        const teams = ["alpha", "beta", "gamma"];
        const docs = Array.from({ length: 60 }, (_, i) => agentDoc(`agent-${i}`, {
            owner: { team: teams[i % 3], contact: "team@example.com" },
            grants: [
                { connector: "aws.s3", access: "read", resources: [`arn:aws:s3:::bucket-${i}/in/*`] },
                { connector: "aws.sqs", access: "read", resources: [`arn:aws:sqs:us-east-1:123456789012:queue-${i}`] },
                { connector: "tool.helpdesk", tools: [`crm/tool${i % 4}`] },
            ],
        }));
        const result = await cli("inventory", fleetDir(docs), "--format", "md", "--now", NOW);
        assert.strictEqual(result.code, 0, result.stderr);
        const graph = await parseMermaid(mermaidBlocks(result.stdout)[0]);
        assert.deepStrictEqual(graph.vertices.map((v) => v.label).sort(), ["aws s3", "aws sqs", "gateway helpdesk", "team alpha (20 agents)", "team beta (20 agents)", "team gamma (20 agents)"]);
        assert.deepStrictEqual(graph.edges.map((e) => e.label), Array(9).fill("20 agents"));
        assert.match(result.stdout, /_60 agents reach 180 targets: drawn per team/);
    });

    it("diff --format md draws only the changed agents: new reach green, removed reach dotted", async () => {
        const keep = agentDoc("steady");
        const before = agentDoc("mover", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }, { connector: "aws.sqs", access: "read", resources: ["arn:aws:sqs:us-east-1:123456789012:jobs"] }] });
        const after = agentDoc("mover", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }, { connector: "aws.sns", access: "read", resources: ["arn:aws:sns:us-east-1:123456789012:alerts"] }] });
        const result = await cli("diff", "--base", fleetDir([keep, before]), "--head", fleetDir([keep, after]), "--now", NOW, "--format", "md");
        assert.strictEqual(result.code, 0, result.stderr);
        const blocks = mermaidBlocks(result.stdout);
        assert.strictEqual(blocks.length, 1);
        const graph = await parseMermaid(blocks[0]);
        assert.deepStrictEqual(graph.vertices.filter((v) => v.shape === "square").map((v) => [v.label, v.classes]), [["mover", ["changed"]]], "steady did not change: not drawn");
        const label = (id: string) => graph.vertices.find((v) => v.id === id)!.label;
        assert.deepStrictEqual(graph.edges.map((e) => [label(e.to), e.stroke]).sort(), [
            ["arn:aws:s3:::tickets/inbound/*", "normal"], ["arn:aws:sns:us-east-1:123456789012:alerts", "normal"], ["arn:aws:sqs:us-east-1:123456789012:jobs", "dotted"],
        ]);
        assert.match(blocks[0], /^  a0 -\.->\|"read"\| r2\n  a0 -->\|"read"\| r3$/m);
        assert.match(blocks[0], /^  linkStyle 1 stroke:#cf222e,stroke-width:2px\n  linkStyle 2 stroke:#1a7f37,stroke-width:3px$/m);
    });
});
