import * as assert from "assert";
import { formatPath } from "../../../provider/declarations/diagnostics";
import type { FleetSettings } from "../../../provider/declarations/types";
import { validateTexts } from "../../../provider/guardrails/validate";
import { BASE_AGENT, NOW_DATE, replaceLine } from "../../helpers/fixtures";

/**
 * One agent's rules (provider/guardrails/agentRules.ts) that Stryker found no test failing for, through
 * validation: each violating declaration with its whole finding at its place, beside a twin that passes
 * (often the value at the limit).
 */

const ANCHOR_LINE = "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc";
const FLEET_BOUNDARY = "arn:aws:iam::123456789012:policy/fleet-boundary";
const withBoundary = (arn: string) => replaceLine(BASE_AGENT, ANCHOR_LINE, `${ANCHOR_LINE}\n      permissionsBoundaryArn: ${arn}`);
const withSpire = (...lines: string[]) => replaceLine(BASE_AGENT, "  identity:", `  identity:\n    spire:\n${lines.map((l) => `      ${l}`).join("\n")}`);
const withSpiffeId = (id: string) => replaceLine(BASE_AGENT, "  identity:", `  identity:\n    spiffeId: ${id}`);
const withShardLabel = (value: string) => replaceLine(BASE_AGENT, "  name: fixture-agent", `  name: fixture-agent\n  labels:\n    cost-center: "${value}"`);
const NODE = "parentId: spiffe://example.org/node";
const UNDER_SPIRE = (id: string) => `${id} is under /spire/, where SPIRE servers and node agents have their own IDs (whoever holds a node's SVID would become this agent); use spiffe://example.org/agents/fixture-agent`;
const PIN_ONE = "Kubernetes selectors must pin one namespace and one service account (k8s:ns:<namespace> and k8s:sa:<name>); anything less gives the agent's SVID to other workloads";
const longer = (key: string, value: number, limit: number) => `${key} ${value} s is longer than the fleet allows (${limit} s); agents' SVIDs are short-lived — shorten it or raise the Fleet's ${key}`;
const SHARD = `the fleet is split into stacks by label "cost-center" (spec.stacks.by), but agent fixture-agent has no value for it; add metadata.labels.cost-center so it belongs to a stack`;

interface RuleCase {
    title: string;
    violating: string;
    compliant: string;
    settings?: FleetSettings;
    errors: [number, number, string, string, string][];
}

const CASES: RuleCase[] = [
    {
        title: "an agent replacing the fleet's permissions boundary with its own (the twin repeats the fleet's)",
        violating: withBoundary("arn:aws:iam::123456789012:policy/other-boundary"), compliant: withBoundary(FLEET_BOUNDARY), settings: { permissionsBoundaryArn: FLEET_BOUNDARY },
        errors: [[15, 7, "spec.identity.aws.permissionsBoundaryArn", "trust-setting", `the fleet bounds every agent with ${FLEET_BOUNDARY}; an agent may not replace it with arn:aws:iam::123456789012:policy/other-boundary — remove identity.aws.permissionsBoundaryArn`]],
    },
    {
        title: "SPIRE SVID lifetimes one second over the fleet's (the twin: exactly the fleet's)",
        violating: withSpire(NODE, `selectors: ["unix:uid:1000"]`, "x509SvidTtl: 901", "jwtSvidTtl: 301"),
        compliant: withSpire(NODE, `selectors: ["unix:uid:1000"]`, "x509SvidTtl: 900", "jwtSvidTtl: 300"),
        errors: [
            [15, 7, "spec.identity.spire.x509SvidTtl", "spire-entry", longer("x509SvidTtl", 901, 900)],
            [16, 7, "spec.identity.spire.jwtSvidTtl", "spire-entry", longer("jwtSvidTtl", 301, 300)],
        ],
    },
    {
        title: "a SPIRE parent ID that is the agent's own SPIFFE ID",
        violating: withSpire("parentId: spiffe://example.org/agents/fixture-agent", `selectors: ["unix:uid:1000"]`), compliant: withSpire(NODE, `selectors: ["unix:uid:1000"]`),
        errors: [[13, 7, "spec.identity.spire.parentId", "spire-entry", "parent ID spiffe://example.org/agents/fixture-agent is the agent's own SPIFFE ID; the parent is the node or SPIRE agent the workload runs under"]],
    },
    {
        title: "the SPIFFE ID /spire itself (the twin: /spirefoo, outside /spire/)",
        violating: withSpiffeId("spiffe://example.org/spire"), compliant: withSpiffeId("spiffe://example.org/spirefoo"),
        errors: [[12, 5, "spec.identity.spiffeId", "spiffe-id", UNDER_SPIRE("spiffe://example.org/spire")]],
    },
    {
        title: "Kubernetes selectors of an agent without a Kubernetes identity pinning a namespace only",
        violating: withSpire(NODE, `selectors: ["k8s:ns:agents", "unix:uid:1000"]`), compliant: withSpire(NODE, `selectors: ["k8s:ns:agents", "k8s:sa:runner"]`),
        errors: [[14, 7, "spec.identity.spire.selectors", "spire-selectors", PIN_ONE]],
    },
    {
        title: "Kubernetes selectors of an agent without a Kubernetes identity naming two namespaces",
        violating: withSpire(NODE, `selectors: ["k8s:ns:agents", "k8s:ns:other", "k8s:sa:runner"]`), compliant: withSpire(NODE, `selectors: ["k8s:ns:agents", "k8s:sa:runner"]`),
        errors: [[14, 7, "spec.identity.spire.selectors", "spire-selectors", PIN_ONE]],
    },
    {
        title: "a blank value of the label the fleet's stacks are split by",
        violating: withShardLabel("  "), compliant: withShardLabel("cc-7"), settings: { stacks: { by: "label:cost-center" } },
        errors: [[5, 3, "metadata.labels", "stack-shard", SHARD]],
    },
];

describe("agent rules: one agent's findings word for word, each beside a twin that passes", () => {
    for (const c of CASES) {
        it(`reports ${c.title}`, () => {
            const options = { now: NOW_DATE, ...(c.settings ? { settings: c.settings } : {}) };
            const found = validateTexts([{ file: "a.yaml", text: c.violating }], options).errors;
            assert.deepStrictEqual(found.map((e) => [e.line, e.column, formatPath(e.path), e.rule, e.message]), c.errors);
            assert.deepStrictEqual(validateTexts([{ file: "a.yaml", text: c.compliant }], options).errors, []);
        });
    }
});
