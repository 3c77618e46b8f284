import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { catalog } from "../../../provider/connectors/catalog";
import {
    ACCOUNT, CONTEXT, EXPIRES_AT, GoldenPermission, GoldenTrust, parsePermissions, parseTrust, permissionPolicyOf, TRUST_SETTINGS, trustPolicyOf,
} from "../../golden/golden";
import { rawActionsOf } from "../../helpers/iamData";

/**
 * The proof that grants are least privilege, judged by an independent IAM policy simulator
 * (@cloud-copilot/iam-simulate, which shares no code with agentid). For every representative grant of
 * every AWS connector, EVERY action of the connector's services — read from iam-data's raw files, not from
 * agentid's IamActionCatalog — is simulated against the declared resources and their neighbours (other
 * bucket, prefix, table, index, queue, topic, secret, key, model, function, account, region, partition),
 * before and after expiry. The allowed set must equal the golden table (test/golden/permissions.md)
 * exactly. Trust policies likewise over principals, every STS action, subjects, anchors, clusters,
 * accounts and times, against test/golden/trust.md.
 */

const OTHER_ACCOUNT = "210987654321";
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/agent-golden-agent/session`;
const BEFORE = "2027-01-14T23:59:59Z";
const AT_EXPIRY = EXPIRES_AT;
const AFTER = "2027-01-15T00:00:01Z";

/**
 * A resource to try every action on. `within` names the golden resource it falls under — the request the
 * table allows, conditions included — or is absent for a neighbour that nothing may reach.
 */
interface Probe {
    resource: string;
    account?: string;
    context?: Record<string, string>;
    within?: string;
}

/**
 * Requests the simulator cannot evaluate: the action has no resource type the ARN is (or it only takes "*"),
 * or the ARN is several of its types at once (a qualified Lambda ARN is a function, a version and an alias).
 * They count as denied: a golden row whose request lands here fails, so none hides an allowed action.
 */
const NOT_APPLICABLE = new Set(["no.resource.types", "must.use.wildcard", "multiple.resource.types"]);
type Verdict = "Allowed" | "Denied" | "n/a";

/** KMS consults the key policy: AWS's default one, which delegates to the key account's IAM policies. */
const keyPolicy = (account: string) => ({
    Version: "2012-10-17",
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
});

async function simulatePermission(policy: unknown, action: string, probe: Probe, time: string): Promise<Verdict> {
    const account = probe.account ?? ACCOUNT;
    const result = await runSimulation({
        request: {
            principal: SESSION, action, resource: { resource: probe.resource, accountId: account },
            contextVariables: { "aws:CurrentTime": time, ...probe.context },
        },
        identityPolicies: [{ name: "agentid-grants", policy }], serviceControlPolicies: [], resourceControlPolicies: [],
        ...(action.startsWith("kms:") ? { resourcePolicy: keyPolicy(account) } : {}),
    }, {});
    if (result.resultType === "error") {
        if (result.errors.message && NOT_APPLICABLE.has(result.errors.message)) return "n/a";
        throw new Error(`simulation error for ${action} on ${probe.resource}: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

// ------------------------------------------------------------------------------------------- the probes

const s3 = (key: string) => `arn:aws:s3:::${key}`;
const prefixed = (bucket: string, prefix: string): Probe => ({ resource: s3(bucket), context: { "s3:prefix": prefix } });
const arnIn = (service: string, resource: string, region = "us-east-1", account = ACCOUNT) => `arn:aws:${service}:${region}:${account}:${resource}`;
/** The same resource id in another region and in another account (for services whose ARNs carry both). */
const elsewhere = (service: string, resource: string): Probe[] => [
    { resource: arnIn(service, resource, "eu-west-1") },
    { resource: arnIn(service, resource, "us-east-1", OTHER_ACCOUNT), account: OTHER_ACCOUNT },
];

/** S3 objects and listings around `tickets/inbound/`, shared by the prefix grants. */
function s3InboundProbes(objects: string, list: string | undefined): Probe[] {
    return [
        { resource: s3("tickets/inbound/t1.json"), within: objects },
        { resource: s3("tickets/inbound/2027/t2.json"), within: objects },
        { resource: s3("tickets/inbound") },
        { resource: s3("tickets/inbound-archive/t1.json") },
        { resource: s3("tickets/outbound/t1.json") },
        { resource: s3("tickets-archive/inbound/t1.json") },
        { resource: s3("other/inbound/t1.json") },
        { resource: "arn:aws-cn:s3:::tickets/inbound/t1.json" },
        { resource: s3("tickets") },
        { ...prefixed("tickets", "inbound/"), within: list },
        { ...prefixed("tickets", "inbound/2027/"), within: list },
        prefixed("tickets", "inbound"),
        prefixed("tickets", "inbound-archive/"),
        prefixed("tickets", "outbound/"),
        prefixed("tickets-archive", "inbound/"),
    ];
}

const TABLE = arnIn("dynamodb", "table/ledger");
const tableProbes = (within: boolean): Probe[] => [
    { resource: TABLE, ...(within ? { within: TABLE } : {}) },
    { resource: arnIn("dynamodb", "table/ledger-archive") },
    { resource: arnIn("dynamodb", "table/led") },
    { resource: arnIn("dynamodb", "table/orders") },
    { resource: `${TABLE}/index/by-date` },
    { resource: `${TABLE}/index/by-customer` },
    { resource: `${TABLE}/stream/2027-01-01T00:00:00.000` },
    { resource: `${TABLE}/backup/01700000000000-abcdefgh` },
    ...elsewhere("dynamodb", "table/ledger"),
];

const QUEUE = arnIn("sqs", "payment-events");
const TOPIC = arnIn("sns", "ops-pages");
const SECRET = arnIn("secretsmanager", "secret:billing/stripe-readonly-AbCdEf");
const KEY = arnIn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
const MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0";
const FUNCTION = arnIn("lambda", "function:refund-issuer");
const PROVIDER = CONTEXT.oauthProviderArn("github");
const IDENTITY = CONTEXT.workloadIdentityArn;

/** The probes for each representative grant, by `connector — label` of the golden table. */
const PROBES: Record<string, Probe[]> = {
    "aws.s3 — read": s3InboundProbes(s3("tickets/inbound/*"), s3("tickets")),
    "aws.s3 — write": s3InboundProbes(s3("tickets/inbound/*"), undefined),
    "aws.s3 — readwrite": s3InboundProbes(s3("tickets/inbound/*"), s3("tickets")),
    "aws.s3 — read whole bucket": [
        { resource: s3("tickets/inbound/t1.json"), within: s3("tickets/*") },
        { resource: s3("tickets/any/key.json"), within: s3("tickets/*") },
        { resource: s3("tickets"), within: s3("tickets") },
        { ...prefixed("tickets", "anything/"), within: s3("tickets") },
        { resource: s3("tickets-archive/t1.json") },
        { resource: s3("ticket/t1.json") },
        { resource: s3("tickets-archive") },
        { resource: "arn:aws-cn:s3:::tickets/t1.json" },
    ],
    "aws.s3 — read prefixes in two buckets": [
        { resource: s3("tickets/inbound/t1.json"), within: s3("tickets/inbound/*") },
        { resource: s3("tickets/outbound/t1.json"), within: s3("tickets/outbound/*") },
        { resource: s3("archive/2026/report.csv"), within: s3("archive/2026/*") },
        { resource: s3("tickets/internal/t1.json") },
        { resource: s3("archive/2027/report.csv") },
        { resource: s3("archive/inbound/t1.json") },
        { resource: s3("tickets/2026/report.csv") },
        { ...prefixed("tickets", "inbound/"), within: s3("tickets") },
        { ...prefixed("tickets", "outbound/"), within: s3("tickets") },
        prefixed("tickets", "2026/"),
        { ...prefixed("archive", "2026/"), within: s3("archive") },
        prefixed("archive", "inbound/"),
        { resource: s3("archive") },
    ],
    "aws.dynamodb — read": tableProbes(true),
    "aws.dynamodb — write": tableProbes(true),
    "aws.dynamodb — readwrite": tableProbes(true),
    "aws.dynamodb — read table and index": [
        ...tableProbes(true).filter((p) => p.resource !== `${TABLE}/index/by-date`),
        { resource: `${TABLE}/index/by-date`, within: `${TABLE}/index/by-date` },
        { resource: arnIn("dynamodb", "table/orders/index/by-date") },
    ],
    ...Object.fromEntries(["read", "write", "readwrite"].flatMap((access) => [
        [`aws.sqs — ${access}`, [
            { resource: QUEUE, within: QUEUE }, { resource: arnIn("sqs", "payment-events-dlq") }, { resource: arnIn("sqs", "payment") },
            { resource: arnIn("sqs", "payment-events.fifo") }, ...elsewhere("sqs", "payment-events"),
        ]],
        [`aws.sns — ${access}`, [
            { resource: TOPIC, within: TOPIC }, { resource: arnIn("sns", "ops-pages-2") }, { resource: arnIn("sns", "ops") },
            { resource: `${TOPIC}:1b2c3d4e-5f60-4a1b-9c2d-3e4f5a6b7c8d` }, ...elsewhere("sns", "ops-pages"),
        ]],
        [`aws.secretsmanager — ${access}`, [
            { resource: SECRET, within: SECRET }, { resource: arnIn("secretsmanager", "secret:billing/stripe-readonly-XyZabc") },
            { resource: arnIn("secretsmanager", "secret:billing/stripe-admin-AbCdEf") }, { resource: arnIn("secretsmanager", "secret:billing/stripe-readonly-AbCdEf-x") },
            ...elsewhere("secretsmanager", "secret:billing/stripe-readonly-AbCdEf"),
        ]],
        [`aws.kms — ${access}`, [
            { resource: KEY, within: KEY }, { resource: arnIn("kms", "key/99999999-12ab-34cd-56ef-1234567890ab") }, { resource: arnIn("kms", "alias/billing") },
            ...elsewhere("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        ]],
        [`aws.lambda — ${access}`, [
            { resource: FUNCTION, within: FUNCTION }, { resource: arnIn("lambda", "function:refund-issuer-admin") }, { resource: arnIn("lambda", "function:refund-issuer:prod") },
            { resource: arnIn("lambda", "function:refund") }, { resource: arnIn("lambda", "layer:refund-issuer") }, ...elsewhere("lambda", "function:refund-issuer"),
        ]],
    ])),
    "aws.secretsmanager — read by name without suffix": [
        { resource: arnIn("secretsmanager", "secret:billing/stripe-AbCdEf"), within: arnIn("secretsmanager", "secret:billing/stripe-??????") },
        { resource: arnIn("secretsmanager", "secret:billing/stripe-live-AbCdEf") },
        { resource: arnIn("secretsmanager", "secret:billing/stripe-AbCdE") },
        { resource: arnIn("secretsmanager", "secret:billing/stripe-AbCdEfg") },
        { resource: arnIn("secretsmanager", "secret:billing/stripe") },
        ...elsewhere("secretsmanager", "secret:billing/stripe-AbCdEf"),
    ],
    "aws.bedrock — read": [
        { resource: MODEL, within: MODEL },
        { resource: "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1" },
        { resource: "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v2:0" },
        { resource: "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0" },
        { resource: arnIn("bedrock", "custom-model/anthropic.claude-3-5-sonnet-20240620-v1:0") },
        { resource: arnIn("bedrock", "inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0") },
    ],
    "aws.iam — explicit reads": [
        { resource: s3("tickets/reports/q1.csv"), within: s3("tickets/reports/q1.csv") },
        { resource: s3("tickets/reports/q2.csv") },
        { resource: s3("tickets/reports/q1.csv.bak") },
        { resource: s3("tickets/reports/q1") },
        { resource: s3("other/reports/q1.csv") },
        { resource: s3("tickets") },
        prefixed("tickets", "reports/"),
    ],
    "aws.iam — explicit write": tableProbes(true),
    ...Object.fromEntries(["read scope", "read and write scopes"].map((label) => [`oauth.github — ${label}`, [
        { resource: PROVIDER, within: PROVIDER },
        { resource: IDENTITY, within: IDENTITY },
        { resource: CONTEXT.oauthProviderArn("slack") },
        { resource: PROVIDER.replace("us-east-1", "eu-west-1") },
        { resource: PROVIDER.replace(ACCOUNT, OTHER_ACCOUNT), account: OTHER_ACCOUNT },
        { resource: IDENTITY.replace("agent-golden-agent", "agent-other-agent") },
        { resource: arnIn("bedrock-agentcore", "token-vault/default") },
        { resource: arnIn("bedrock-agentcore", "workload-identity-directory/default") },
        { resource: arnIn("bedrock-agentcore", "gateway/helpdesk-1") },
    ]])),
};

// ------------------------------------------------------------------------------------------- the suites

/** What the golden table allows on a probe: the actions of every row whose resources hold what the probe falls under. */
function goldenAllowed(permissions: readonly GoldenPermission[], probe: Probe): string[] {
    return probe.within === undefined ? [] : permissions.filter((p) => p.resources.includes(probe.within!)).map((p) => p.action);
}

const describeProbe = (p: Probe) => `${p.resource}${p.context ? ` ${JSON.stringify(p.context)}` : ""}${p.account ? ` (account ${p.account})` : ""}`;

const counts = { permission: 0, trust: 0, notApplicable: 0 };

describe("exhaustive simulation: every action of the connector's services against the declared resources and their neighbours", function () {
    this.timeout(120_000);
    after(() => {
        console.log(`      exhaustive simulation: ${counts.permission} permission and ${counts.trust} trust requests simulated (${counts.notApplicable} of them for actions that do not apply to the resource type)`);
    });

    const golden = parsePermissions();
    it("has probes for every representative grant, and a declared resource among them for every row of the golden tables", () => {
        assert.deepStrictEqual(golden.map((g) => `${g.connector} — ${g.label}`).filter((k) => !PROBES[k]), []);
        assert.deepStrictEqual(Object.keys(PROBES).filter((k) => !golden.some((g) => `${g.connector} — ${g.label}`=== k)), []);
        for (const g of golden) {
            const within = new Set(PROBES[`${g.connector} — ${g.label}`].map((p) => p.within));
            assert.deepStrictEqual(g.permissions.filter((p) => !p.resources.some((r) => within.has(r))).map((p) => p.action), [], `${g.connector} — ${g.label}: a row no probe reaches`);
        }
    });

    for (const g of golden) {
        const key = `${g.connector} — ${g.label}`;
        it(`${key}: the simulator allows exactly the golden table, and nothing after expiry`, async () => {
            const policy = permissionPolicyOf({ connector: g.connector, label: g.label, grant: g.grant });
            const services = [...new Set(g.permissions.map((p) => p.action.split(":")[0]))];
            const actions = services.flatMap(rawActionsOf);
            const probes = PROBES[key];
            const unexpected: string[] = [];
            const requests = actions.flatMap((action) => probes.map((probe) => ({ action, probe })));
            const verdicts = await Promise.all(requests.map(({ action, probe }) => simulatePermission(policy, action, probe, BEFORE)));
            requests.forEach(({ action, probe }, i) => {
                const expected = goldenAllowed(g.permissions, probe).includes(action) ? "Allowed" : "Denied";
                const got = verdicts[i] === "n/a" ? "Denied" : verdicts[i];
                if (got !== expected) unexpected.push(`${action} on ${describeProbe(probe)}: ${verdicts[i]}, golden says ${expected}`);
            });
            // Actions that only work on "Resource": "*" never apply to a declared ARN: they must be denied on "*" itself.
            const wildcardOnly = actions.filter((action) => probes.every((_, p) => verdicts[actions.indexOf(action) * probes.length + p] === "n/a"));
            const onStar = await Promise.all(wildcardOnly.map((action) => simulatePermission(policy, action, { resource: "*" }, BEFORE)));
            wildcardOnly.forEach((action, i) => { if (onStar[i] === "Allowed") unexpected.push(`${action} on "*": Allowed`); });
            // Every allowed request ends at expiry.
            const allowed = requests.filter((_, i) => verdicts[i] === "Allowed");
            const later = await Promise.all(allowed.flatMap(({ action, probe }) => [AT_EXPIRY, AFTER].map((time) => simulatePermission(policy, action, probe, time))));
            later.forEach((v, i) => { if (v !== "Denied") unexpected.push(`${allowed[i >> 1].action} on ${describeProbe(allowed[i >> 1].probe)} at ${i % 2 ? AFTER : AT_EXPIRY}: ${v}`); });

            counts.permission += requests.length + wildcardOnly.length + later.length;
            counts.notApplicable += verdicts.filter((v) => v === "n/a").length;
            assert.deepStrictEqual(unexpected, [], `${key}: the simulator and the golden table disagree`);
            assert.ok(allowed.length > 0 && allowed.length === requests.filter(({ action, probe }) => goldenAllowed(g.permissions, probe).includes(action)).length);
        });
    }

    describe("trust policies", () => {
        const trusts = parseTrust();
        const stsActions = rawActionsOf("sts");
        const ROLE = `arn:aws:iam::${ACCOUNT}:role/agents/agent-golden-agent`;
        const PRINCIPALS = ["rolesanywhere.amazonaws.com", "pods.eks.amazonaws.com", "bedrock-agentcore.amazonaws.com", "ec2.amazonaws.com", `arn:aws:iam::${ACCOUNT}:role/other`, `arn:aws:iam::${OTHER_ACCOUNT}:root`];
        const TIMES = [BEFORE, AT_EXPIRY, AFTER];
        const anchorB = TRUST_SETTINGS.trustAnchorArn.replace("anchor-a", "anchor-b");
        const cluster = (name: string, region = "us-east-1", account = ACCOUNT) => `arn:aws:eks:${region}:${account}:cluster/${name}`;
        const product = (dimensions: Record<string, string[]>): Record<string, string>[] =>
            Object.entries(dimensions).reduce<Record<string, string>[]>((acc, [k, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [k]: v }))), [{}]);
        const CONTEXTS: Partial<Record<GoldenTrust["mode"], Record<string, string>[]>> = {
            rolesAnywhere: product({
                "aws:PrincipalTag/x509SAN/URI": ["spiffe://example.org/agents/golden-agent", "spiffe://example.org/agents/other-agent", "spiffe://example.org/agents/golden-agent/x", "spiffe://other.org/agents/golden-agent"],
                "aws:SourceArn": [TRUST_SETTINGS.trustAnchorArn, anchorB, TRUST_SETTINGS.trustAnchorArn.replace(ACCOUNT, OTHER_ACCOUNT)],
                "aws:CurrentTime": TIMES,
            }),
            podIdentity: product({
                "aws:RequestTag/kubernetes-namespace": ["agents", "support"],
                "aws:RequestTag/kubernetes-service-account": ["golden-agent", "other-agent"],
                "aws:SourceAccount": [ACCOUNT, OTHER_ACCOUNT],
                "aws:SourceArn": [cluster("prod"), cluster("staging"), cluster("prod", "eu-west-1"), cluster("prod", "us-east-1", OTHER_ACCOUNT)],
                "aws:CurrentTime": TIMES,
            }),
            agentcore: product({
                "aws:SourceArn": [IDENTITY, IDENTITY.replace("agent-golden-agent", "agent-other-agent"), IDENTITY.replace(ACCOUNT, OTHER_ACCOUNT)],
                "aws:CurrentTime": TIMES,
            }),
        };

        /** A condition block of the golden table, evaluated on a request's context (exact operators only). */
        function holds(condition: GoldenTrust["statement"]["Condition"], context: Record<string, string>): boolean {
            return Object.entries(condition).every(([operator, entries]) => Object.entries(entries).every(([key, value]) => {
                const actual = context[key];
                if (actual === undefined) return false;
                if (operator === "StringEquals" || operator === "ArnEquals") return actual === value;
                if (operator === "DateLessThan") return Date.parse(actual) < Date.parse(value);
                throw new Error(`the trust golden table uses ${operator}; teach this oracle what it means first`);
            }));
        }

        it("covers every trust mode of the golden table (IRSA by its exact document only: the simulator ignores OIDC provider keys)", () => {
            assert.deepStrictEqual(trusts.map((t) => t.mode).filter((m) => !CONTEXTS[m]), ["irsa"]);
        });

        for (const t of trusts.filter((x) => CONTEXTS[x.mode])) {
            it(`${t.mode}: the simulator allows exactly the principal, actions and conditions of the golden table`, async () => {
                const trust = trustPolicyOf(t.mode);
                const principal = Object.values(t.statement.Principal)[0];
                const requests = PRINCIPALS.flatMap((p) => stsActions.flatMap((action) => CONTEXTS[t.mode]!.map((context) => ({ principal: p, action, context }))));
                const verdicts = await Promise.all(requests.map(async (r): Promise<Verdict> => {
                    const result = await runSimulation({
                        request: { principal: r.principal, action: r.action, resource: { resource: ROLE, accountId: ACCOUNT }, contextVariables: r.context },
                        identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: trust,
                    }, {});
                    if (result.resultType === "error") {
                        if (result.errors.message && NOT_APPLICABLE.has(result.errors.message)) return "n/a";
                        throw new Error(`${r.action}: ${JSON.stringify(result.errors)}`);
                    }
                    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
                }));
                const unexpected: string[] = [];
                requests.forEach((r, i) => {
                    const expected = r.principal === principal && t.statement.Action.includes(r.action) && holds(t.statement.Condition, r.context) ? "Allowed" : "Denied";
                    const got = verdicts[i] === "n/a" ? "Denied" : verdicts[i];
                    if (got !== expected) unexpected.push(`${r.principal} ${r.action} ${JSON.stringify(r.context)}: ${verdicts[i]}, golden says ${expected}`);
                });
                counts.trust += requests.length;
                counts.notApplicable += verdicts.filter((v) => v === "n/a").length;
                assert.deepStrictEqual(unexpected.slice(0, 20), [], `${t.mode}: ${unexpected.length} disagreements`);
                assert.ok(verdicts.includes("Allowed"), `${t.mode}: the agent's own workload must be able to assume its role`);
            });
        }
    });

    it("simulates every AWS connector of the catalog (coverage derived from the golden tables the suites above ran)", () => {
        const simulated = new Set(golden.map((g) => catalog.find(g.connector)!.name));
        assert.deepStrictEqual(catalog.list().filter((c) => c.platform === "aws" && c.name !== "tool.").map((c) => c.name).filter((n) => !simulated.has(n)), []);
    });
});
