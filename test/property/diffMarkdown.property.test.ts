import * as assert from "assert";
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { stringify } from "yaml";
import { MERMAID_LABEL_LIMIT } from "../../provider/output/mermaid";
import { cli, NOW, writeFixtures } from "../helpers/fixtures";
import { mermaidBlocks, parseMermaid } from "../helpers/mermaid";

const RUNS = Number(process.env.AGENTID_PROPERTY_RUNS ?? 100);

/** Characters that mean something to Markdown, HTML, GitHub or a terminal. */
const HOSTILE = fc.constantFrom(..."`|<>\\*_[](){}#!@&;:=+-~^$%'\".\n\r\t ".split(""), "\u001b", "\u0085", "\u2028", "\u202e", "\u200b", "```", "</details>", "<!--", "-->", "## ", "@team", "#12", ":tada:", "&amp;", "[x](http://e.example)");
/** Random Unicode (any code point), mixed with hostile pieces; starts with a letter, so it is never blank. */
const freeText = fc.array(fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), HOSTILE), { minLength: 1, maxLength: 6 })
    .map((parts) => `x${parts.join("")}`);
/** A SPIRE selector value: anything on one line (the schema's `type:value` reads one line). */
const selectorValue = freeText.map((t) => t.replace(/[\n\r\u2028\u2029\u0085]/g, "_"));
/**
 * Owner teams and contacts also become AWS tags, so they are held to letters, digits, separators
 * (Unicode spaces and line separators included) and `_ . : / = + - @`: still mentions, formulas and
 * line breaks for a renderer to get wrong.
 */
const TAG_SAFE = fc.constantFrom(..."@:/=+-_. ".split(""), "\u2028", "\u00a0", "\u3000", "é", "Ж", "中", "١", "team", "@security-team");
const team = fc.array(fc.oneof(TAG_SAFE, fc.string({ unit: "binary", minLength: 1, maxLength: 4 }).map((t) => t.replace(/[^\p{L}\p{N}\p{Z}]/gu, ""))), { minLength: 1, maxLength: 6 })
    .map((parts) => `x${parts.join("")}`);
/** The local part of an e-mail address that is also a tag value. */
const localPart = fc.string({ unit: fc.constantFrom(..."abcXYZ019=+-_".split("")), minLength: 1, maxLength: 20 });

interface FreeText { description: string; team: string; contactLocal: string; escalation: string; label: string; ticket: string; selector: string }

function agent(text: FreeText): string {
    return stringify({
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "prop-agent", labels: { note: text.label } },
        spec: {
            description: text.description,
            owner: { team: text.team, contact: `${text.contactLocal}@example.com`, escalation: text.escalation },
            expiresAt: "2027-01-15T00:00:00Z",
            approval: { ticket: text.ticket, approvers: ["security@example.com"] },
            identity: {
                aws: { trust: "rolesAnywhere", trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a" },
                spire: { parentId: "spiffe://example.org/node/a", selectors: [`unix:user:${text.selector}`] },
            },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bucket/prefix/*"] }],
        },
    });
}

const PLAIN: FreeText = { description: "plain", team: "plain", contactLocal: "plain", escalation: "plain", label: "plain", ticket: "plain", selector: "plain" };
const BASE = { ...PLAIN, team: "base", contactLocal: "base", selector: "base" };

/** The structure a reader (and GitHub) sees: every block and inline token type, and any live mention or reference. */
function structure(markdown: string): string[] {
    const tokens = new MarkdownIt({ html: true, linkify: true }).parse(markdown, {});
    return tokens.flatMap((t) => [t.type, ...(t.children ?? []).flatMap((c) => (c.type === "text" && /(^|[^\w`])[@#][\w-]/.test(c.content) ? [c.type, "live-mention"] : [c.type]))]);
}

async function diffMarkdown(head: FreeText): Promise<string> {
    const base = writeFixtures({ "a.yaml": agent(BASE) });
    const headDir = writeFixtures({ "a.yaml": agent(head) });
    const result = await cli("diff", "--base", base, "--head", headDir, "--now", NOW, "--format", "md");
    assert.strictEqual(result.code, 0, `${result.stderr}\n${agent(head)}`);
    return result.stdout;
}

describe("diff --format md properties", function () {
    this.timeout(300_000);
    it("keeps the comment's structure whatever Unicode is in the free-text fields", async () => {
        const expected = structure(await diffMarkdown(PLAIN));
        // The reach graph (a ```mermaid fence), then the agent's section: heading, table, permissions.
        assert.deepStrictEqual(expected.filter((t) => t === "heading_open" || t === "table_open" || t === "fence"), ["fence", "heading_open", "table_open", "fence"]);
        await fc.assert(fc.asyncProperty(
            fc.record({ description: freeText, team, contactLocal: localPart, escalation: freeText, label: freeText, ticket: freeText, selector: selectorValue }),
            async (text) => {
                const markdown = await diffMarkdown(text);
                assert.deepStrictEqual(structure(markdown), expected);
                // Mermaid reads exactly the graph drawn: the team's box holding the agent, one edge to its bucket.
                const graph = await parseMermaid(mermaidBlocks(markdown)[0]);
                const chars = [...`team ${text.team}`];
                const title = chars.length > MERMAID_LABEL_LIMIT ? [...chars.slice(0, MERMAID_LABEL_LIMIT - 1), "…"].join("") : chars.join("");
                assert.deepStrictEqual(graph.subgraphs.map((g) => [g.title, g.nodes]), [[title, ["a0"]]]);
                assert.deepStrictEqual(graph.vertices.map((v) => v.label), ["prop-agent", "arn:aws:s3:::bucket/prefix/*"]);
                assert.deepStrictEqual(graph.edges.map((e) => [e.from, e.to, e.label]), [["a0", graph.vertices[1].id, "read"]]);
            },
        ), { numRuns: RUNS });
    });
});
