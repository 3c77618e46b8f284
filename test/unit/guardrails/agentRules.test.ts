import * as assert from "assert";
import { createHash } from "crypto";
import { formatInstant, parseInstant } from "../../../provider/declarations/clock";
import { formatPath } from "../../../provider/declarations/diagnostics";
import type { AgentDeclaration, FleetSettings } from "../../../provider/declarations/types";
import { checkAgent } from "../../../provider/guardrails/agentRules";
import { resolveSettings } from "../../../provider/model/settings";
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
        title: "a SPIRE parent ID that is the SPIRE server's own (a node entry; the twin: a node agent's ID)",
        violating: withSpire("parentId: spiffe://example.org/spire/server", `selectors: ["unix:uid:1000"]`),
        compliant: withSpire("parentId: spiffe://example.org/spire/agent/join_token/abc", `selectors: ["unix:uid:1000"]`),
        errors: [[13, 7, "spec.identity.spire.parentId", "spire-entry", "parent ID spiffe://example.org/spire/server is the SPIRE server's own ID, which makes the entry a node entry: every node its selectors match would hold the agent's SVID; the parent is the node or node alias the workload runs under"]],
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

describe("agent rules across agents, through validation", () => {
    const GRANT = ["    - connector: aws.s3", "      access: read", "      resources:", "        - arn:aws:s3:::bucket/prefix/*"].join("\n");
    const named = (name: string) => (text: string) => replaceLine(text, "  name: fixture-agent", `  name: ${name}`);
    const slack = (scopes: string, approval = "") => BASE_AGENT.replace(GRANT, `    - connector: oauth.slack\n      scopes: [${scopes}]`)
        .replace("  expiresAt: 2027-01-15T00:00:00Z", `  expiresAt: 2027-01-15T00:00:00Z${approval}`);
    const APPROVAL = "\n  approval:\n    ticket: SEC-1\n    approvers: [sec@example.com]";
    const errorsOf = (files: { file: string; text: string }[], settings: FleetSettings = {}) =>
        validateTexts(files, { now: NOW_DATE, settings }).errors.map((e) => [e.file, e.line, e.column, formatPath(e.path), e.rule, e.message]);

    it("asks approval for a read grant whose OAuth client, shared with the fleet, also serves another agent's write scope, naming both", () => {
        const poster = { file: "a.yaml", text: named("poster")(slack(`"chat:write"`, APPROVAL)) };
        const archivist = { file: "b.yaml", text: named("archivist")(slack(`"files:write"`, APPROVAL)) };
        const reader = { file: "c.yaml", text: named("reader")(slack(`"channels:read"`)) };
        assert.deepStrictEqual(errorsOf([poster, archivist, reader]), [[
            "c.yaml", 16, 7, "spec.grants[0]", "approval-required",
            "grant 0 (oauth.slack, read, risk medium) needs spec.approval with a ticket and approvers before it can be applied — its OAuth client, shared with archivist, poster, also serves chat:write, files:write (or set the Fleet's oauthClientSharing: perAgent)",
        ]]);
        assert.deepStrictEqual(errorsOf([poster, archivist, reader], { oauthClientSharing: "perAgent" }), [], "with its own client the reader holds channels:read only");
    });

    it("requires an agent's SPIRE selectors to pin exactly its own namespace and service account", () => {
        const k8s = (selectors: string) => replaceLine(BASE_AGENT, "  identity:",
            `  identity:\n    kubernetes:\n      namespace: agents\n      serviceAccount: triage\n    spire:\n      parentId: spiffe://example.org/node\n      selectors: ${selectors}`);
        const own = (found: string) => `SPIRE selectors must pin the agent's own service account: exactly k8s:ns:agents and k8s:sa:triage (found ${found})`;
        assert.deepStrictEqual([`["k8s:ns:other", "k8s:sa:triage"]`, `["k8s:ns:agents", "k8s:sa:billing"]`, `["k8s:ns:agents", "k8s:sa:triage", "k8s:sa:billing"]`, `["unix:uid:1000"]`].map((s) => errorsOf([{ file: "a.yaml", text: k8s(s) }])), [
            [["a.yaml", 17, 7, "spec.identity.spire.selectors", "spire-selectors", own("k8s:ns:other, k8s:sa:triage")]],
            [["a.yaml", 17, 7, "spec.identity.spire.selectors", "spire-selectors", own("k8s:ns:agents, k8s:sa:billing")]],
            [["a.yaml", 17, 7, "spec.identity.spire.selectors", "spire-selectors", own("k8s:ns:agents, k8s:sa:triage, k8s:sa:billing")]],
            [["a.yaml", 17, 7, "spec.identity.spire.selectors", "spire-selectors", own("neither")]],
        ]);
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text: k8s(`["k8s:ns:agents", "k8s:sa:triage"]`) }]), []);
    });

    it("names the first agent of a stack when a third agent shares its team", () => {
        const team = (name: string, value: string) => replaceLine(named(name)(BASE_AGENT), "    team: platform", `    team: ${value}`);
        assert.deepStrictEqual(errorsOf([
            { file: "a.yaml", text: team("a-bot", "Billing_Eng") }, { file: "b.yaml", text: team("b-bot", "billing-eng-22cf2c43") }, { file: "c.yaml", text: team("c-bot", "Billing_Eng") },
        ], { stacks: { by: "team" } }), [[
            "b.yaml", 8, 5, "spec.owner.team", "stack-shard",
            `team "billing-eng-22cf2c43" gives stack agents-billing-eng-22cf2c43, which agent "a-bot" (team "Billing_Eng", a.yaml:1) already has; a stack holds the agents of one value — change one of the two values`,
        ]]);
    });
    it("places no agent by a blank label: a blank value claims no stack, so a value spelling the blank one's hashed name is not refused for it", () => {
        const labelled = (name: string, value: string) => named(name)(withShardLabel(value));
        // The stack name of a value that is not readable as written: <prefix>-<first 8 hex digits of its sha256> (model/shards.ts).
        const hashed = createHash("sha256").update(" ").digest("hex").slice(0, 8);
        const settings: FleetSettings = { stacks: { by: "label:cost-center" } };
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text: labelled("a-bot", " ") }, { file: "b.yaml", text: labelled("b-bot", hashed) }], settings), [
            ["a.yaml", 5, 3, "metadata.labels", "stack-shard", SHARD.replace("fixture-agent", "a-bot")],
        ]);
        // The control: a value that is not blank but hashes (an upper-case letter) does claim that stack.
        const upper = createHash("sha256").update("X").digest("hex").slice(0, 8);
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text: labelled("a-bot", "X") }, { file: "b.yaml", text: labelled("b-bot", `x-${upper}`) }], settings), [[
            "b.yaml", 6, 5, "metadata.labels.cost-center", "stack-shard",
            `label cost-center "x-${upper}" gives stack agents-x-${upper}, which agent "a-bot" (label "X", a.yaml:1) already has; a stack holds the agents of one value — change one of the two values`,
        ]]);
    });
});

describe("checkAgent on its own: the findings behind the schema (declarations from code reach it too)", () => {
    const NOW = new Date("2026-12-01T00:00:00Z");
    const declaration = (edit: (d: AgentDeclaration) => void): AgentDeclaration => {
        const d = {
            apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "fixture-agent" },
            spec: {
                description: "d", owner: { team: "platform", contact: "platform@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
                identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc" } },
                grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bucket/prefix/*"] }],
            },
        } as AgentDeclaration;
        edit(d);
        return d;
    };
    const check = (edit: (d: AgentDeclaration) => void, settings: FleetSettings = {}, now = NOW) => checkAgent(declaration(edit), resolveSettings(settings), now).map((v) => [formatPath(v.path), v.rule, v.message]);
    const spire = (d: AgentDeclaration, extra: object) => { d.spec.identity!.spire = { parentId: "spiffe://example.org/node", selectors: ["unix:uid:1000"], ...extra }; };

    it("passes the base declaration", () => assert.deepStrictEqual(check(() => undefined), []));

    it("words each finding whole", () => {
        assert.deepStrictEqual([
            check((d) => { d.metadata.name = "X"; }),
            check((d) => { d.spec.owner.contact = "nobody"; }),
            check((d) => { d.spec.reviewBy = "soon"; }),
            check((d) => { d.spec.identity!.kubernetes = { namespace: "agents", serviceAccount: "Bad Name" }; }),
            check((d) => { d.spec.identity!.kubernetes = { namespace: "agents", serviceAccount: "tri*" }; }),
            check((d) => spire(d, { parentId: "spiffe://other.org/node" })),
            check((d) => spire(d, { dnsNames: ["*.example.com", "bad name", "ok.example.com"] })),
            check((d) => spire(d, { dnsNames: ["caf\u00e9.example.com"] })),
        ], [
            [["metadata.name", "name-format", `agent name "X" must be 2-40 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-'`]],
            [["spec.owner.contact", "contact-email", `owner contact "nobody" is not an e-mail address; give a reachable team address such as team@example.com`]],
            [["spec.reviewBy", "date-invalid", `reviewBy "soon" is not a real date; write a date such as 2027-01-31`]],
            [["spec.identity.kubernetes.serviceAccount", "kubernetes-name", `service account "Bad Name" is not a Kubernetes name (DNS-1123: lowercase letters, digits, '-' and '.', no ':' or spaces); it becomes the IRSA subject and the manifest's name`]],
            [["spec.identity.kubernetes.serviceAccount", "wildcard-resource", `service account "tri*" is a pattern; name exactly one service account`]],
            [["spec.identity.spire.parentId", "spiffe-trust-domain", `parent ID spiffe://other.org/node is outside the fleet's trust domain "example.org"`]],
            [
                ["spec.identity.spire.dnsNames[0]", "spire-entry", `DNS name "*.example.com" is a wildcard; an agent's SVID names exact hosts`],
                ["spec.identity.spire.dnsNames[1]", "spire-entry", `"bad name" is not a DNS name`],
            ],
            [["spec.identity.spire.dnsNames[0]", "spire-entry", `"caf\u00e9.example.com" has a character outside ASCII (U+00E9 at 3); a DNS name on an SVID is ASCII — write an internationalised name in its xn-- (punycode) form`]],
        ]);
    });

    it("reads an agent's SPIFFE ID as reserved (/agents/<name>) or under /spire/ from its start only", () => {
        const id = (spiffeId: string) => check((d) => { d.spec.identity!.spiffeId = spiffeId; });
        // An Agent declared in code reaches checkAgent without the schema's SPIFFE-ID grammar: an ID holding a second
        // spiffe://… further on is judged by its own path, which is neither an agent's reserved ID nor under /spire/.
        assert.deepStrictEqual([id("spiffe://example.org/tools/spiffe://example.org/agents/other"), id("spiffe://example.org/tools/spiffe://example.org/spire/agent/x")], [[], []]);
        assert.deepStrictEqual([id("spiffe://example.org/agents/other"), id("spiffe://example.org/spire/agent/x")], [
            [["spec.identity.spiffeId", "identity-shared", `spiffe://example.org/agents/other is the default SPIFFE ID of an agent named "other"; IDs under /agents/ are reserved for their agents — use spiffe://example.org/agents/fixture-agent or a path outside /agents/`]],
            [["spec.identity.spiffeId", "spiffe-id", UNDER_SPIRE("spiffe://example.org/spire/agent/x")]],
        ], "the controls");
    });

    it("reads a grant's namespace against the fleet's namespaces only for Kubernetes grants; an AWS grant's is only a field it does not take", () => {
        assert.deepStrictEqual(check((d) => { (d.spec.grants[0] as { namespace?: string }).namespace = "kube-system"; }),
            [["spec.grants[0].namespace", "connector-field", "`namespace` does not apply to aws.s3 grants; remove it (allowed: access, resources)"]]);
    });

    it("asks for an AWS identity when any grant is enforced on the role, the first one or a later one", () => {
        const MISSING = [["spec.identity", "missing-identity", "AWS, SaaS and gateway-tool grants are enforced on the agent's IAM role: declare identity.aws.trust (irsa, podIdentity, rolesAnywhere or agentcore)"]];
        const k8s = { connector: "kubernetes", namespace: "agents", resources: ["pods"], verbs: ["get"] };
        const kubernetesOnly = (d: AgentDeclaration) => { d.spec.identity = { kubernetes: { namespace: "agents" } }; };
        assert.deepStrictEqual(check((d) => { kubernetesOnly(d); d.spec.grants = [k8s, d.spec.grants[0]]; }), MISSING);
        assert.deepStrictEqual(check((d) => { kubernetesOnly(d); d.spec.grants = [k8s]; }), []);
    });

    it("accepts an expiry exactly at the 365-day ceiling (a configured now in the past, the lifetime at the ceiling)", () => {
        const now = new Date("2026-01-01T00:00:00Z");
        assert.deepStrictEqual(check((d) => { d.spec.expiresAt = "2027-01-01T00:00:00Z"; }, { maxLifetimeDays: 365 }, now), []);
        assert.deepStrictEqual(check((d) => { d.spec.expiresAt = "2027-01-01T00:00:01Z"; }, { maxLifetimeDays: 365 }, now).map(([path, rule]) => [path, rule]), [["spec.expiresAt", "expiry-too-far"]]);
    });

    it("holds the 365-day ceiling from the real clock when the configured now lies ahead of it", () => {
        const DAY = 86_400_000;
        const before = Date.now();
        const expires = formatInstant(new Date(before + 375 * DAY));
        const found = check((d) => { d.spec.expiresAt = expires; }, { maxLifetimeDays: 365 }, new Date(before + 20 * DAY));
        const after = Date.now();
        assert.strictEqual(found.length, 1, JSON.stringify(found));
        const [path, rule, message] = found[0];
        assert.deepStrictEqual([path, rule], ["spec.expiresAt", "expiry-too-far"]);
        const m = new RegExp(`^expiresAt ${expires} is more than 365 days after today \\((\\S+)\\), the ceiling no clock setting moves; set it on or before (\\S+)$`).exec(message as string);
        assert.ok(m, message as string);
        const [today, ceiling] = [parseInstant(m[1])!.getTime(), parseInstant(m[2])!.getTime()];
        const second = (t: number) => Math.floor(t / 1000) * 1000;
        assert.ok(today >= second(before) && today <= after, `today ${m[1]} is the real clock`);
        assert.ok(ceiling >= second(before) + 365 * DAY && ceiling <= after + 365 * DAY, `ceiling ${m[2]} is 365 days after the real clock`);
    });
});
