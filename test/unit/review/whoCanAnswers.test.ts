import * as assert from "assert";
import { stringify } from "yaml";
import { validateTexts } from "../../../provider/guardrails/validate";
import { OAUTH_SCOPES } from "../../../provider/connectors/oauthScopes";
import { parseReachQuery, QUERY_FORMS, ReachingAgent, ReachQuery, whoCan } from "../../../provider/review/whoCan";
import type { AgentDeclaration } from "../../../provider/declarations/types";
import { agentDoc, FLEET, show, simulate, simulateRequest } from "../../helpers/attacks";
import { NOW_DATE } from "../../helpers/fixtures";
import { rbacAllows } from "../../helpers/rbacAuthorizer";

/**
 * `who-can`'s answers computed in this process (parseReachQuery and whoCan called directly, so mutation
 * testing sees them), each asserted whole: which agents, their owners and expiry, every path with its
 * statement, resource, actions and conditions. Where an answer claims an agent can or cannot act, the
 * IAM simulator (@cloud-copilot/iam-simulate) judges the policy `show` prints, and the RBAC authorizer
 * written from Kubernetes's documentation (test/helpers/rbacAuthorizer.ts) the Roles it prints.
 */

const ACCOUNT = "123456789012";
const SECRET = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}`;
const approval = { ticket: "SEC-1", approvers: ["sec@example.com"] };
const RED_TEAM = { team: "red-team", contact: "red@example.com" };
const EXPIRES = "2027-01-15T00:00:00Z";

/**
 * The documents, validated in process when a test first asks (never while mocha loads the file: validation at load
 * time would make every mutant of the validator "static" for Stryker, which then restarts a process per mutant);
 * every one must pass (who-can only ever sees valid agents).
 */
function fleetOf(docs: Record<string, unknown>[], fleet: Record<string, unknown> = FLEET) {
    let validated: { report: ReturnType<typeof validateTexts>; agents: AgentDeclaration[] } | undefined;
    const valid = () => {
        if (!validated) {
            const text = [fleet, ...docs].map((d) => stringify(d)).join("---\n");
            const report = validateTexts([{ file: "fleet.yaml", text }], { now: NOW_DATE });
            validated = { report, agents: report.found.map((f) => f.declaration as AgentDeclaration) };
        }
        // Checked when a test asks, so that a broken fixture fails its tests rather than the loading of every suite.
        assert.deepStrictEqual(validated.report.errors.map((e) => `${e.rule}: ${e.message}`), [], "the fixture declarations are valid");
        return validated;
    };
    return {
        ask: (resource: string, action?: string): ReachingAgent[] => {
            const { report, agents } = valid();
            return whoCan(parseReachQuery(resource), agents, report.settings, NOW_DATE, action);
        },
        /** `agentid show --json` of one agent: the documents the answer is judged on. */
        show: (name: string) => (valid(), show(docs, name, undefined, fleet)),
    };
}

/** `reaches` by `name`, as an agent of the red team owns it until the fixtures' expiry. */
function agent(name: string, actions: string[], paths: ReachingAgent["paths"], owner = RED_TEAM): ReachingAgent {
    return { name, owner, expiresAt: EXPIRES, actions, paths };
}

describe("parseReachQuery: each resource form, exactly", () => {
    const ACCEPTED: [string, ReachQuery][] = [
        ["arn:aws:s3:::tickets/inbound/t1.json", { kind: "aws", arn: "arn:aws:s3:::tickets/inbound/t1.json", prefix: false }],
        ["arn:aws:s3:::tickets/*", { kind: "aws", arn: "arn:aws:s3:::tickets/", prefix: true }],
        // A prefix may end inside the fixed parts: every S3 ARN, every queue of accounts starting 12345678901.
        ["arn:aws:s3*", { kind: "aws", arn: "arn:aws:s3", prefix: true }],
        [`arn:aws:sqs:us-east-1:${ACCOUNT.slice(0, 11)}*`, { kind: "aws", arn: `arn:aws:sqs:us-east-1:${ACCOUNT.slice(0, 11)}`, prefix: true }],
        ["k8s:support/configmaps", { kind: "kubernetes", namespace: "support", resource: "configmaps" }],
        ["k8s:production/deployments.apps", { kind: "kubernetes", namespace: "production", resource: "deployments", group: "apps" }],
        ["k8s:production/deployments.apps/api", { kind: "kubernetes", namespace: "production", resource: "deployments", group: "apps", name: "api" }],
        ["k8s:support/pods/web-1/log", { kind: "kubernetes", namespace: "support", resource: "pods", name: "web-1", subresource: "log" }],
        // A custom resource's plural name may hold hyphens, as a grant's may.
        ["k8s:support/my-widgets.example.com/w1/status", { kind: "kubernetes", namespace: "support", resource: "my-widgets", group: "example.com", name: "w1", subresource: "status" }],
        ["oauth:slack", { kind: "saas", vendor: "slack" }],
        ["oauth:slack:chat:write", { kind: "saas", vendor: "slack", scope: "chat:write" }],
        ["tool:helpdesk", { kind: "tool", gateway: "helpdesk" }],
        ["tool:helpdesk/crm", { kind: "tool", gateway: "helpdesk", target: "crm" }],
        ["tool:helpdesk/crm/issueRefund", { kind: "tool", gateway: "helpdesk", target: "crm", tool: "issueRefund" }],
    ];
    for (const [text, query] of ACCEPTED) {
        it(`reads ${text} as exactly its parts, no field set that the text does not give`, () => {
            assert.deepStrictEqual(parseReachQuery(text), query);
        });
    }

    it("refuses with the whole sentence: the text, what is wrong, every form there is", () => {
        assert.throws(() => parseReachQuery("arn:aws:s3"), {
            message: "\"arn:aws:s3\" is not an ARN; give an AWS ARN (a trailing * asks about everything under a prefix), "
                + "k8s:<namespace>/<resource>[.<group>][/<name>[/<subresource>]], oauth:<vendor>[:<scope>] or tool:<gateway>[/<target>[/<tool>]]",
        });
    });

    const SLACK_SCOPES = Object.keys(OAUTH_SCOPES.slack).join(", ");
    const REFUSED: [string, string][] = [
        ["arn:aws:s3", "is not an ARN"],
        // Six parts: the prefix ends in the resource part, so the fixed parts must be an ARN's (the account is not).
        ["arn:aws:s3:us-east-1:12:*", "is not an ARN"],
        ["arn:aws:s3:::tickets/*/x", "holds a wildcard other than one trailing *"],
        ["k8s:support", "is not a Kubernetes path"],
        ["k8s:support/pods/web-1/log/tail", "is not a Kubernetes path"],
        ["k8s:Support/configmaps", "names namespace \"Support\", which is not a DNS-1123 label"],
        ["k8s:support/.apps", "names resource \"\"; use the plural lowercase name, e.g. configmaps"],
        ["k8s:support/ConfigMaps", "names resource \"ConfigMaps\"; use the plural lowercase name, e.g. configmaps"],
        ["k8s:support/1configmaps", "names resource \"1configmaps\"; use the plural lowercase name, e.g. configmaps"],
        ["k8s:support/config_maps", "names resource \"config_maps\"; use the plural lowercase name, e.g. configmaps"],
        ["k8s:production/deployments.Apps", "names API group \"Apps\", which is not a DNS subdomain"],
        ["k8s:support/secrets/Smtp_Key", "names object \"Smtp_Key\", which is not a Kubernetes object name"],
        ["k8s:support/pods/web-1/Log", "names subresource \"Log\""],
        ["k8s:support/pods/web-1/log2", "names subresource \"log2\""],
        ["oauth:myspace", "names vendor \"myspace\"; known vendors: github, slack, atlassian, google, microsoft, salesforce"],
        ["oauth::chat:write", "names vendor \"\"; known vendors: github, slack, atlassian, google, microsoft, salesforce"],
        ["oauth:slack:chat:everything", `names scope "chat:everything", which slack does not have; its scopes: ${SLACK_SCOPES}`],
        ["tool:", "is not a gateway tool"],
        ["tool:helpdesk//issueRefund", "is not a gateway tool"],
        ["tool:helpdesk/crm/issueRefund/now", "is not a gateway tool"],
        ["tool:Help_Desk", "names gateway \"Help_Desk\", which is not a DNS-1123 label"],
        ["s3://tickets/x", "is not a resource agentid knows"],
    ];
    for (const [text, why] of REFUSED) {
        it(`refuses ${text}: ${why}`, () => {
            assert.throws(() => parseReachQuery(text), { message: `${JSON.stringify(text)} ${why}; give ${QUERY_FORMS}` });
        });
    }
});

describe("whoCan in process: AWS answers, whole, as the IAM simulator decides", function () {
    this.timeout(60_000);
    const docs = [
        // Declared out of name order: the answer is sorted by name.
        agentDoc("zeta-lister", {
            owner: { team: "billing", contact: "billing@example.com" },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*", "arn:aws:s3:::tickets/outbound/*"] }],
        }),
        agentDoc("alpha-reader", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }] }),
        // Grant 10 names payroll: its statement's Sid is Grant10…, two digits.
        agentDoc("many-grants", {
            grants: [
                ...Array.from({ length: 10 }, (_, i) => ({ connector: "aws.s3", access: "read", resources: [`arn:aws:s3:::bucket-${i}/*`] })),
                { connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::payroll/*"] },
            ],
        }),
        // The explicit connector keeps an action written three times (canonical case) in its statement.
        agentDoc("repeater", { grants: [{ connector: "aws.iam", actions: ["s3:GetObject", "s3:GetObject", "s3:getobject"], resources: ["arn:aws:s3:::exports/report.csv"] }] }),
        agentDoc("colon-secret", { grants: [{ connector: "aws.iam", actions: ["secretsmanager:GetSecretValue"], resources: [SECRET("team:billing/key-AbC123-XyZ789")] }] }),
    ];
    const fleet = fleetOf(docs);
    const policyOf = async (name: string) => (await fleet.show(name)).aws.permissionPolicy;

    it("names each agent listing a bucket with its owner, expiry and the s3:prefix values it may list, every value joined", async () => {
        assert.deepStrictEqual(fleet.ask("arn:aws:s3:::tickets"), [
            agent("alpha-reader", ["s3:ListBucket"], [{ grant: 0, via: "statement Grant0S3List0", on: "arn:aws:s3:::tickets", actions: ["s3:ListBucket"], conditions: ["s3:prefix StringLike inbound/*"] }]),
            agent("zeta-lister", ["s3:ListBucket"], [{ grant: 0, via: "statement Grant0S3List0", on: "arn:aws:s3:::tickets", actions: ["s3:ListBucket"], conditions: ["s3:prefix StringLike inbound/* | outbound/*"] }],
                { team: "billing", contact: "billing@example.com" }),
        ]);
        // The condition says what IAM decides: either prefix lists for zeta-lister, only inbound/ for alpha-reader, nothing without one.
        const [zeta, alpha] = [await policyOf("zeta-lister"), await policyOf("alpha-reader")];
        const list = (policy: unknown, prefix?: string) => simulate(policy, "s3:ListBucket", "arn:aws:s3:::tickets", prefix === undefined ? {} : { "s3:prefix": prefix });
        assert.deepStrictEqual([await list(zeta, "inbound/t1.json"), await list(zeta, "outbound/t1.json"), await list(zeta, "archive/t1.json"), await list(zeta)],
            ["Allowed", "Allowed", "Denied", "Denied"]);
        assert.deepStrictEqual([await list(alpha, "inbound/t1.json"), await list(alpha, "outbound/t1.json")], ["Allowed", "Denied"]);
    });

    it("reads a two-digit grant index from the statement id", async () => {
        assert.deepStrictEqual(fleet.ask("arn:aws:s3:::payroll/2026/12.csv"), [
            agent("many-grants", ["s3:GetObject"], [{ grant: 10, via: "statement Grant10S3Objects", on: "arn:aws:s3:::payroll/*", actions: ["s3:GetObject"] }]),
        ]);
        const policy = await policyOf("many-grants");
        assert.strictEqual(await simulate(policy, "s3:GetObject", "arn:aws:s3:::payroll/2026/12.csv"), "Allowed");
        assert.strictEqual(await simulate(policy, "s3:PutObject", "arn:aws:s3:::payroll/2026/12.csv"), "Denied");
    });

    it("names an action a statement repeats once", async () => {
        assert.deepStrictEqual(fleet.ask("arn:aws:s3:::exports/report.csv"), [
            agent("repeater", ["s3:GetObject"], [{ grant: 0, via: "statement Grant0IamExplicit", on: "arn:aws:s3:::exports/report.csv", actions: ["s3:GetObject"] }]),
        ]);
        assert.strictEqual(await simulate(await policyOf("repeater"), "s3:GetObject", "arn:aws:s3:::exports/report.csv"), "Allowed");
    });

    it("names a suffixed secret's whole name, colons kept, when only a longer name's secret is granted", async () => {
        const asked = SECRET("team:billing/key-AbC123");
        assert.deepStrictEqual(fleet.ask(asked), [
            agent("colon-secret", ["secretsmanager:GetSecretValue"], [{
                grant: 0, via: "statement Grant0IamExplicit", on: SECRET("team:billing/key-AbC123-XyZ789"), actions: ["secretsmanager:GetSecretValue"],
                conditions: ["only if team:billing/key-AbC123 is the secret's whole name, without AWS's suffix"],
            }]),
        ]);
        // Read as an ARN with its suffix, the grant does not reach it; read as the name team:billing/key-AbC123, AWS adds -XyZ789.
        const policy = await policyOf("colon-secret");
        assert.strictEqual(await simulate(policy, "secretsmanager:GetSecretValue", asked), "Denied");
        assert.strictEqual(await simulate(policy, "secretsmanager:GetSecretValue", SECRET("team:billing/key-AbC123-XyZ789")), "Allowed");
    });
});

describe("whoCan in process: --action on OAuth scopes and gateway tools is exact", () => {
    it("counts scopes of the agent's own grant and of the client it shares, one path each, and filters by the scope exactly", () => {
        const fleet = fleetOf([
            agentDoc("gh-reader", { approval, grants: [{ connector: "oauth.github", scopes: ["read:org"] }] }),
            agentDoc("gh-writer", { approval, grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }, { connector: "oauth.github", scopes: ["repo"] }] }),
            // No AWS identity, so no OAuth client: it reaches no vendor.
            agentDoc("k8s-only", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] }] }),
        ]);
        // gh-writer's OAuth grant is its second (grant 1).
        const own = (grant: number, scope: string) => ({ grant, via: "oauth.github", on: "the github OAuth client", actions: [scope] });
        const shared = (grant: number, scope: string, through: string) => ({ ...own(grant, scope), through: [through] });
        assert.deepStrictEqual(fleet.ask("oauth:github"), [
            agent("gh-reader", ["read:org", "repo"], [own(0, "read:org"), shared(0, "repo", "gh-writer")]),
            agent("gh-writer", ["read:org", "repo"], [own(1, "repo"), shared(1, "read:org", "gh-reader")]),
        ]);
        assert.deepStrictEqual(fleet.ask("oauth:github", "repo"), [
            agent("gh-reader", ["repo"], [shared(0, "repo", "gh-writer")]),
            agent("gh-writer", ["repo"], [own(1, "repo")]),
        ]);
        // A scope is a name, not an IAM action: no case folding, no wildcards.
        assert.deepStrictEqual([fleet.ask("oauth:github", "REPO"), fleet.ask("oauth:github", "re*")], [[], []]);
    });

    it("names the Cedar policy and gateway of each tool, and filters by <target>/<tool> exactly", async () => {
        const docs = [
            agentDoc("helper", { grants: [{ connector: "tool.helpdesk", tools: ["crm/lookupCustomer", "kb/search"] }] }),
            agentDoc("refunder", { approval, grants: [{ connector: "tool.helpdesk", access: "write", tools: ["crm/issueRefund"] }] }),
            // No tool grant, so no Cedar policy.
            agentDoc("s3-reader"),
        ];
        const fleet = fleetOf(docs);
        const policies = async (name: string) => ((await fleet.show(name)).cedar as { name: string; tool: string }[]);
        const refunds = await policies("refunder");
        assert.strictEqual(refunds.length, 1);
        assert.deepStrictEqual(fleet.ask("tool:helpdesk", "crm/issueRefund"), [
            agent("refunder", ["crm/issueRefund"], [{ via: `Cedar policy ${refunds[0].name}`, on: "gateway helpdesk", actions: ["crm/issueRefund"] }]),
        ]);
        const helps = await policies("helper");
        assert.deepStrictEqual(fleet.ask("tool:helpdesk/crm"), [
            agent("helper", ["crm/lookupCustomer"], helps.filter((p) => p.tool === "crm/lookupCustomer").map((p) => ({ via: `Cedar policy ${p.name}`, on: "gateway helpdesk", actions: ["crm/lookupCustomer"] }))),
            agent("refunder", ["crm/issueRefund"], [{ via: `Cedar policy ${refunds[0].name}`, on: "gateway helpdesk", actions: ["crm/issueRefund"] }]),
        ]);
        assert.deepStrictEqual([fleet.ask("tool:helpdesk", "CRM/issueRefund"), fleet.ask("tool:helpdesk", "crm/*")], [[], []]);
    });
});

describe("whoCan in process: Kubernetes answers, whole, as the RBAC authorizer decides", function () {
    this.timeout(60_000);
    const docs = [
        agentDoc("log-reader", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["pods", "pods/log"], verbs: ["get"] }] }),
        agentDoc("named-reader", {
            approval, identity: { kubernetes: { namespace: "agents" } },
            grants: [
                { connector: "kubernetes", namespace: "support", resources: ["secrets"], resourceNames: ["ab", "c"], verbs: ["get"] },
                { connector: "kubernetes", namespace: "support", resources: ["secrets"], resourceNames: ["a", "bc"], verbs: ["list"] },
                { connector: "kubernetes", namespace: "support", apiGroups: ["apps"], resources: ["configmaps"], verbs: ["get"] },
                { connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] },
            ],
        }),
        agentDoc("crd-reader", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", apiGroups: ["example.com"], resources: ["my-widgets", "my-widgets/status"], verbs: ["get"] }] }),
    ];
    const fleet = fleetOf(docs);
    const ACCOUNTS = {
        "log-reader": { namespace: "agents", name: "log-reader" }, "named-reader": { namespace: "agents", name: "named-reader" }, "crd-reader": { namespace: "agents", name: "crd-reader" },
    };
    let manifests: any[] = [];
    before(async () => {
        manifests = (await Promise.all(docs.map((d) => fleet.show((d.metadata as { name: string }).name)))).flatMap((s) => s.kubernetes.manifests);
    });
    const allows = (who: keyof typeof ACCOUNTS, verb: string, resource: string, name: string, subresource?: string, group = "") =>
        rbacAllows(manifests, ACCOUNTS[who], { namespace: "support", group, resource, name, verb, ...(subresource ? { subresource } : {}) });

    it("gives a resource and its subresource one path each, the subresource's verbs labelled with it; --action matches the verb", () => {
        const expected = agent("log-reader", ["get", "get pods/log"], [
            { via: "Role support/agent-log-reader", on: "pods", actions: ["get"] },
            { via: "Role support/agent-log-reader", on: "pods/log", actions: ["get pods/log"] },
        ]);
        assert.deepStrictEqual(fleet.ask("k8s:support/pods"), [expected]);
        assert.deepStrictEqual(fleet.ask("k8s:support/pods", "get"), [expected]);
        assert.deepStrictEqual(fleet.ask("k8s:support/pods", "list"), []);
        assert.deepStrictEqual([allows("log-reader", "get", "pods", "web-1"), allows("log-reader", "get", "pods", "web-1", "log"), allows("log-reader", "list", "pods", "web-1")],
            [true, true, false]);
    });

    it("keeps rules with different object names apart, names listed in full, and counts a verb two rules allow once", () => {
        assert.deepStrictEqual(fleet.ask("k8s:support/secrets"), [
            agent("named-reader", ["get", "list"], [
                { via: "Role support/agent-named-reader", on: "secrets", actions: ["get"], conditions: ["only objects named ab, c"] },
                { via: "Role support/agent-named-reader", on: "secrets", actions: ["list"], conditions: ["only objects named a, bc"] },
            ]),
        ]);
        // Asked about one object, the name limit is answered: no condition left.
        assert.deepStrictEqual(fleet.ask("k8s:support/secrets/ab"), [agent("named-reader", ["get"], [{ via: "Role support/agent-named-reader", on: "secrets", actions: ["get"] }])]);
        assert.deepStrictEqual(fleet.ask("k8s:support/secrets/b"), []);
        assert.deepStrictEqual([allows("named-reader", "get", "secrets", "ab"), allows("named-reader", "list", "secrets", "ab"), allows("named-reader", "get", "secrets", "b")],
            [true, false, false]);
        assert.deepStrictEqual(fleet.ask("k8s:support/configmaps"), [agent("named-reader", ["get"], [{ via: "Role support/agent-named-reader", on: "configmaps", actions: ["get"] }])]);
        assert.deepStrictEqual([allows("named-reader", "get", "configmaps", "x"), allows("named-reader", "get", "configmaps", "x", undefined, "apps")], [true, true]);
    });

    it("answers about a custom resource whose plural name holds a hyphen, as a grant may name it", () => {
        assert.deepStrictEqual(fleet.ask("k8s:support/my-widgets.example.com"), [
            agent("crd-reader", ["get", "get my-widgets/status"], [
                { via: "Role support/agent-crd-reader", on: "my-widgets", actions: ["get"] },
                { via: "Role support/agent-crd-reader", on: "my-widgets/status", actions: ["get my-widgets/status"] },
            ]),
        ]);
        assert.deepStrictEqual(fleet.ask("k8s:support/my-widgets.example.com/w1/status"), [
            agent("crd-reader", ["get"], [{ via: "Role support/agent-crd-reader", on: "my-widgets/status", actions: ["get"] }]),
        ]);
        assert.deepStrictEqual(fleet.ask("k8s:support/my-widgets.other.example.com"), []);
        assert.deepStrictEqual([allows("crd-reader", "get", "my-widgets", "w1", undefined, "example.com"), allows("crd-reader", "get", "my-widgets", "w1", "status", "example.com"),
            allows("crd-reader", "get", "my-widgets", "w1", undefined, "other.example.com")], [true, true, false]);
    });
});

describe("whoCan in process: acting as other agents' service accounts, each agent reached once by its shortest chain", function () {
    this.timeout(60_000);
    const payroll = (prefix: string) => [{ connector: "aws.s3", access: "read", resources: [`arn:aws:s3:::payroll/${prefix}/*`] }];
    const irsa = (namespace: string) => ({ kubernetes: { namespace }, aws: { trust: "irsa" } });
    const docs = [
        agentDoc("payroll-reader", { identity: irsa("agents"), grants: payroll("2026") }),
        // Two rules of one Role act as payroll-reader (and as every other account of agents).
        agentDoc("pod-maker", {
            approval, identity: { kubernetes: { namespace: "builders" } },
            grants: [
                { connector: "kubernetes", namespace: "agents", apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] },
                { connector: "kubernetes", namespace: "agents", resources: ["pods/exec"], verbs: ["create"] },
            ],
        }),
        agentDoc("builder-two", { identity: irsa("builders"), grants: payroll("builds") }),
        // Mints tokens for every account of builders (pod-maker, builder-two) and for payroll-reader by name.
        agentDoc("minter", {
            approval, identity: { kubernetes: { namespace: "ops" } },
            grants: [
                { connector: "kubernetes", namespace: "builders", resources: ["serviceaccounts/token"], verbs: ["create"] },
                { connector: "kubernetes", namespace: "agents", resources: ["serviceaccounts/token"], resourceNames: ["payroll-reader"], verbs: ["create"] },
            ],
        }),
        // No service account: nobody can act as it.
        agentDoc("no-account", { grants: payroll("2026") }),
        // Each can act as the other.
        agentDoc("twin-a", { approval, identity: irsa("twins"), grants: [...payroll("a"), { connector: "kubernetes", namespace: "twins", resources: ["serviceaccounts/token"], resourceNames: ["twin-b"], verbs: ["create"] }] }),
        agentDoc("twin-b", { approval, identity: irsa("twins"), grants: [...payroll("b"), { connector: "kubernetes", namespace: "twins", resources: ["serviceaccounts/token"], resourceNames: ["twin-a"], verbs: ["create"] }] }),
    ];
    const fleet = fleetOf(docs);
    const READ_2026 = { via: "statement Grant0S3Objects", on: "arn:aws:s3:::payroll/2026/*", actions: ["s3:GetObject"] };
    const POD_MAKER_AS_PAYROLL = "indirectly: Role agents/agent-pod-maker: writing deployments runs pods as any service account of the namespace and mounts any secret or config map there, so it acts as payroll-reader (service account agents/payroll-reader)";
    let manifests: any[] = [];
    let shown: Record<string, any> = {};
    before(async () => {
        shown = Object.fromEntries(await Promise.all(docs.map(async (d) => [(d.metadata as { name: string }).name, await fleet.show((d.metadata as { name: string }).name)])));
        manifests = Object.values(shown).flatMap((s) => s.kubernetes?.manifests ?? []);
    });

    it("reaches an agent directly when a step allows it, not again through a longer chain", async () => {
        assert.deepStrictEqual(fleet.ask("arn:aws:s3:::payroll/2026/12.csv"), [
            agent("minter", ["s3:GetObject"], [{
                ...READ_2026, via: "as payroll-reader: statement Grant0S3Objects",
                conditions: ["indirectly: Role agents/agent-minter: mints tokens for service accounts, so it acts as payroll-reader (service account agents/payroll-reader)"],
            }]),
            agent("no-account", ["s3:GetObject"], [{ grant: 0, ...READ_2026 }]),
            agent("payroll-reader", ["s3:GetObject"], [{ grant: 0, ...READ_2026 }]),
            // Two rules act as payroll-reader; the first of its Role is the reason given.
            agent("pod-maker", ["s3:GetObject"], [{ ...READ_2026, via: "as payroll-reader: statement Grant0S3Objects", conditions: [POD_MAKER_AS_PAYROLL] }]),
        ]);
        // Judged: each step the authorizer allows, and the read the simulator allows at the end.
        const token = (account: { namespace: string; name: string }, namespace: string, name: string) =>
            rbacAllows(manifests, account, { namespace, group: "", resource: "serviceaccounts", subresource: "token", name, verb: "create" });
        assert.deepStrictEqual([
            token({ namespace: "ops", name: "minter" }, "agents", "payroll-reader"), token({ namespace: "ops", name: "minter" }, "builders", "pod-maker"),
            token({ namespace: "ops", name: "minter" }, "builders", "builder-two"), token({ namespace: "ops", name: "minter" }, "agents", "pod-maker"),
            rbacAllows(manifests, { namespace: "builders", name: "pod-maker" }, { namespace: "agents", group: "apps", resource: "deployments", name: "x", verb: "create" }),
            rbacAllows(manifests, { namespace: "builders", name: "pod-maker" }, { namespace: "agents", group: "", resource: "pods", subresource: "exec", name: "payroll-reader-1", verb: "create" }),
        ], [true, true, true, false, true, true]);
        for (const name of ["payroll-reader", "no-account"]) {
            assert.strictEqual(await simulate(shown[name].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/2026/12.csv"), "Allowed", name);
        }
        for (const name of ["builder-two", "twin-a", "twin-b"]) {
            assert.strictEqual(await simulate(shown[name].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/2026/12.csv"), "Denied", name);
        }
    });

    it("follows every account a rule acts as: a token minter of a namespace reaches each agent there", async () => {
        assert.deepStrictEqual(fleet.ask("arn:aws:s3:::payroll/builds/b1.tar"), [
            agent("builder-two", ["s3:GetObject"], [{ grant: 0, via: "statement Grant0S3Objects", on: "arn:aws:s3:::payroll/builds/*", actions: ["s3:GetObject"] }]),
            agent("minter", ["s3:GetObject"], [{
                via: "as builder-two: statement Grant0S3Objects", on: "arn:aws:s3:::payroll/builds/*", actions: ["s3:GetObject"],
                conditions: ["indirectly: Role builders/agent-minter: mints tokens for service accounts, so it acts as builder-two (service account builders/builder-two)"],
            }]),
        ]);
        // pod-maker's pods mount every secret of agents: the minter reaches them through it.
        assert.deepStrictEqual(fleet.ask("k8s:agents/secrets/payroll-reader-token"), [
            agent("minter", ["get"], [{
                via: "as pod-maker: Role agents/agent-pod-maker", on: "secrets", actions: ["get"],
                conditions: [
                    "indirectly: Role builders/agent-minter: mints tokens for service accounts, so it acts as pod-maker (service account builders/pod-maker)",
                    "indirectly: writing deployments runs pods as any service account of the namespace and mounts any secret or config map there",
                ],
            }]),
            agent("pod-maker", ["get"], [{
                via: "Role agents/agent-pod-maker", on: "secrets", actions: ["get"],
                conditions: ["indirectly: writing deployments runs pods as any service account of the namespace and mounts any secret or config map there"],
            }]),
        ]);
        assert.strictEqual(await simulate(shown["builder-two"].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/builds/b1.tar"), "Allowed");
    });

    it("ends a cycle: two agents that can act as each other each reach the other's grant once", async () => {
        for (const [self, other] of [["a", "b"], ["b", "a"]] as const) {
            assert.deepStrictEqual(fleet.ask(`arn:aws:s3:::payroll/${self}/1.csv`), [
                agent(`twin-${self}`, ["s3:GetObject"], [{ grant: 0, via: "statement Grant0S3Objects", on: `arn:aws:s3:::payroll/${self}/*`, actions: ["s3:GetObject"] }]),
                agent(`twin-${other}`, ["s3:GetObject"], [{
                    via: `as twin-${self}: statement Grant0S3Objects`, on: `arn:aws:s3:::payroll/${self}/*`, actions: ["s3:GetObject"],
                    conditions: [`indirectly: Role twins/agent-twin-${other}: mints tokens for service accounts, so it acts as twin-${self} (service account twins/twin-${self})`],
                }]),
            ].sort((x, y) => x.name.localeCompare(y.name)));
        }
        const token = (from: string, to: string) => rbacAllows(manifests, { namespace: "twins", name: from }, { namespace: "twins", group: "", resource: "serviceaccounts", subresource: "token", name: to, verb: "create" });
        assert.deepStrictEqual([token("twin-a", "twin-b"), token("twin-b", "twin-a"), token("twin-a", "twin-a")], [true, true, false]);
        assert.strictEqual(await simulate(shown["twin-b"].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/b/1.csv"), "Allowed");
        assert.strictEqual(await simulate(shown["twin-a"].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/b/1.csv"), "Denied");
    });
});

describe("whoCan in process: every AWS connector at every access level, on its resource and the neighbours, as the IAM simulator decides", function () {
    this.timeout(300_000);
    const OTHER_ACCOUNT = "210987654321";
    const ARN = (service: string, region: string, account: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
    /** Per connector: the declared resource, then ARNs asked about (the resource itself first, then its neighbours). */
    const CONNECTORS: { connector: string; access: string[]; resource: string; asked: string[] }[] = [
        {
            connector: "aws.sqs", access: ["read", "write", "readwrite"], resource: ARN("sqs", "us-east-1", ACCOUNT, "billing-events"),
            asked: [ARN("sqs", "us-east-1", ACCOUNT, "billing-events"), ARN("sqs", "us-east-1", ACCOUNT, "billing-events-dlq"), ARN("sqs", "us-east-1", ACCOUNT, "Billing-events"),
                ARN("sqs", "us-west-2", ACCOUNT, "billing-events"), ARN("sqs", "us-east-1", OTHER_ACCOUNT, "billing-events")],
        },
        {
            connector: "aws.sns", access: ["read", "write", "readwrite"], resource: ARN("sns", "us-east-1", ACCOUNT, "ops-alerts"),
            asked: [ARN("sns", "us-east-1", ACCOUNT, "ops-alerts"), ARN("sns", "us-east-1", ACCOUNT, "ops-alerts-2"), ARN("sns", "eu-west-1", ACCOUNT, "ops-alerts"), ARN("sns", "us-east-1", OTHER_ACCOUNT, "ops-alerts")],
        },
        {
            // Declared by name: the policy matches the name plus AWS's 6-character suffix.
            connector: "aws.secretsmanager", access: ["read", "write", "readwrite"], resource: SECRET("billing/stripe-key"),
            asked: [SECRET("billing/stripe-key-AbC123"), SECRET("billing/stripe-key-AbC1234"), SECRET("billing/stripe-key-old-AbC123"), SECRET("billing/stripe-AbC123"),
                ARN("secretsmanager", "us-east-1", OTHER_ACCOUNT, "secret:billing/stripe-key-AbC123")],
        },
        {
            connector: "aws.kms", access: ["read", "write", "readwrite"], resource: ARN("kms", "us-east-1", ACCOUNT, "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            asked: [ARN("kms", "us-east-1", ACCOUNT, "key/1234abcd-12ab-34cd-56ef-1234567890ab"), ARN("kms", "us-east-1", ACCOUNT, "key/1234abcd-12ab-34cd-56ef-1234567890ac"),
                ARN("kms", "us-west-2", ACCOUNT, "key/1234abcd-12ab-34cd-56ef-1234567890ab")],
        },
        {
            connector: "aws.bedrock", access: ["read"], resource: "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
            asked: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v2:0",
                "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"],
        },
        {
            connector: "aws.lambda", access: ["read", "write", "readwrite"], resource: ARN("lambda", "us-east-1", ACCOUNT, "function:refund-issuer"),
            asked: [ARN("lambda", "us-east-1", ACCOUNT, "function:refund-issuer"), ARN("lambda", "us-east-1", ACCOUNT, "function:refund-issuer:1"),
                ARN("lambda", "us-east-1", ACCOUNT, "function:refund-issuer-v2"), ARN("lambda", "us-east-1", OTHER_ACCOUNT, "function:refund-issuer")],
        },
        {
            connector: "aws.dynamodb", access: ["read", "write", "readwrite"], resource: ARN("dynamodb", "us-east-1", ACCOUNT, "table/orders"),
            asked: [ARN("dynamodb", "us-east-1", ACCOUNT, "table/orders"), ARN("dynamodb", "us-east-1", ACCOUNT, "table/orders/index/by-date"),
                ARN("dynamodb", "us-east-1", ACCOUNT, "table/orders-archive"), ARN("dynamodb", "us-west-2", ACCOUNT, "table/orders")],
        },
        {
            connector: "aws.s3", access: ["read", "write", "readwrite"], resource: "arn:aws:s3:::tickets/inbound/*",
            asked: ["arn:aws:s3:::tickets/inbound/t1.json", "arn:aws:s3:::tickets/inbound/2026/t2.json", "arn:aws:s3:::tickets/inbound-x/t1.json", "arn:aws:s3:::tickets/outbound/t1.json",
                "arn:aws:s3:::tickets", "arn:aws:s3:::tickets-archive/inbound/t1.json"],
        },
    ];
    const grants = CONNECTORS.flatMap(({ connector, access, resource }) => access.map((level) => ({ name: `${connector.slice(4)}-${level}`, grant: { connector, access: level, resources: [resource] } })));
    const docs = grants.map(({ name, grant }) => agentDoc(name, { approval, grants: [grant] }));
    const fleet = fleetOf(docs);
    const policies = new Map<string, any>();
    before(async () => {
        for (const { name } of grants) policies.set(name, (await fleet.show(name)).aws.permissionPolicy);
    });

    it("names for each agent exactly the actions the simulator allows it on each ARN, without conditions", async () => {
        const decided = { allowed: 0, denied: 0 };
        for (const { asked } of CONNECTORS) {
            for (const arn of asked) {
                const answer = fleet.ask(arn);
                for (const { name } of grants) {
                    const policy = policies.get(name);
                    const reported = new Set(answer.find((a) => a.name === name)?.paths.filter((p) => !p.conditions).flatMap((p) => p.actions) ?? []);
                    const service = arn.split(":")[2];
                    const actions = [...new Set<string>(policy.Statement.flatMap((s: { Action: string[] }) => s.Action))].filter((a) => a.split(":")[0] === service);
                    const allowed: string[] = [];
                    for (const action of actions) {
                        if (await simulateRequest(policy, action, arn) === "Allowed") allowed.push(action);
                    }
                    decided.allowed += allowed.length;
                    decided.denied += actions.length - allowed.length;
                    assert.deepStrictEqual([...reported].sort(), allowed.sort(), `${name} on ${arn}`);
                }
            }
        }
        // Both answers occur, many times: the comparison is not vacuous (221 actions decided on 34 ARNs for 22 agents).
        assert.deepStrictEqual(decided, { allowed: 53, denied: 168 });
    });
});
