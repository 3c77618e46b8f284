import * as assert from "assert";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { agentDoc, FLEET, fleetDir, show, simulate, simulateRequest } from "../../helpers/attacks";
import { cli, NOW } from "../../helpers/fixtures";
import { rbacAllows, RbacRequest } from "../../helpers/rbacAuthorizer";

/**
 * `agentid who-can`, through the CLI. AWS answers are judged by the IAM simulator
 * (@cloud-copilot/iam-simulate), which shares no code with agentid: for every case, the actions who-can
 * names for an agent are exactly those the simulator allows that agent's generated policy on the ARN.
 */

const ACCOUNT = "123456789012";
const SECRET = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}`;
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
const approval = { ticket: "SEC-1", approvers: ["sec@example.com"] };

const AWS_FLEET = [
    agentDoc("s3-reader", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }] }),
    agentDoc("s3-writer", { approval, grants: [{ connector: "aws.s3", access: "write", resources: ["arn:aws:s3:::tickets/outbound"] }] }),
    agentDoc("secret-reader", { grants: [{ connector: "aws.secretsmanager", access: "read", resources: [SECRET("billing/stripe-key")] }] }),
    agentDoc("orders-reader", { grants: [{ connector: "aws.dynamodb", access: "read", resources: [TABLE, `${TABLE}/index/by-date`] }] }),
    agentDoc("model-caller", { grants: [{ connector: "aws.iam", actions: ["bedrock:InvokeModel"], resources: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"] }] }),
    // Expired: one deleted, one disabled (its role holds a deny-all). Neither reaches anything.
    agentDoc("gone-reader", { expiresAt: "2026-11-01T00:00:00Z", grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }] }),
    agentDoc("disabled-reader", { expiresAt: "2026-11-01T00:00:00Z", onExpiry: "disable", grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }] }),
];

interface Answer {
    resource: string;
    agents: { name: string; owner: { team: string; contact: string }; actions: string[]; paths: { grant?: number; via: string; on: string; actions: string[]; conditions?: string[]; through?: string[] }[] }[];
    valid: boolean;
    invalid: { name: string | null; errors: { rule: string }[] }[];
}

async function whoCan(dir: string, resource: string, ...flags: string[]): Promise<{ code: number; answer: Answer; stderr: string }> {
    const result = await cli("who-can", dir, resource, "--now", NOW, "--json", ...flags);
    return { code: result.code, answer: JSON.parse(result.stdout) as Answer, stderr: result.stderr };
}

/** A value an s3:prefix `StringLike` pattern accepts, and one it refuses. */
function prefixValues(condition: string): { inside: string; outside: string } {
    const pattern = condition.split(" ").pop()!;
    return { inside: pattern.replace(/\*/g, "t1.json"), outside: `zz-${pattern.replace(/\*/g, "")}` };
}

describe("who-can: AWS ARNs, judged by the IAM simulator", function () {
    this.timeout(120_000);
    const dir = fleetDir(AWS_FLEET);
    const policies = new Map<string, unknown>();
    const actionsOf = (policy: any): string[] => [...new Set<string>((policy?.Statement ?? []).filter((s: any) => s.Effect === "Allow").flatMap((s: any) => s.Action))];

    before(async () => {
        for (const doc of AWS_FLEET) {
            const name = (doc.metadata as { name: string }).name;
            policies.set(name, (await show(AWS_FLEET, name)).aws?.permissionPolicy);
        }
    });

    /** ARN → the agents expected to reach it (what the simulator must agree with). */
    const CASES: [string, string[]][] = [
        ["arn:aws:s3:::tickets/inbound/t1.json", ["s3-reader"]],
        ["arn:aws:s3:::tickets/inbound/2026/12/t2.json", ["s3-reader"]],
        ["arn:aws:s3:::tickets/outbound/t1.json", ["s3-writer"]],
        ["arn:aws:s3:::tickets/inbound-x/t1.json", []],             // the prefix is the folder inbound/, never inbound-x/
        ["arn:aws:s3:::tickets/outbound-secret/t1.json", []],
        ["arn:aws:s3:::tickets/INBOUND/t1.json", []],               // resource ids match case by case
        ["arn:aws:s3:::tickets-archive/inbound/t1.json", []],
        ["arn:aws:s3:::tickets", ["s3-reader"]],                    // ListBucket, under its s3:prefix condition
        [SECRET("billing/stripe-key-AbC123"), ["secret-reader"]],   // -?????? is exactly AWS's 6-character suffix
        [SECRET("billing/stripe-key-AbC1234"), []],
        [SECRET("billing/stripe-key-extra-AbC123"), []],
        [SECRET("billing/stripe-keyX-AbC123"), []],
        [TABLE, ["orders-reader"]],
        [`${TABLE}/index/by-date`, ["orders-reader"]],
        [`${TABLE}/index/by-customer`, []],
        [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-archive`, []],
        [`arn:aws:dynamodb:us-west-2:${ACCOUNT}:table/orders`, []],
        ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", ["model-caller"]],
        ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", []],
    ];

    for (const [arn, expected] of CASES) {
        it(`${arn}: ${expected.length ? expected.join(", ") : "nobody"}, as the simulator decides`, async () => {
            const { code, answer } = await whoCan(dir, arn);
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(answer.agents.map((a) => a.name), expected);
            for (const [name, policy] of policies) {
                const reported = answer.agents.find((a) => a.name === name);
                const unconditional = new Set((reported?.paths ?? []).filter((p) => !p.conditions).flatMap((p) => p.actions));
                // Actions of other services do not apply to the ARN (IAM and the simulator agree trivially).
                for (const action of actionsOf(policy).filter((a) => a.split(":")[0] === arn.split(":")[2])) {
                    const verdict = await simulateRequest(policy, action, arn);
                    assert.strictEqual(unconditional.has(action), verdict === "Allowed", `${name} ${action} on ${arn}: who-can ${unconditional.has(action) ? "allows" : "denies"}, the simulator says ${verdict}`);
                }
                // A reported condition holds exactly as the simulator reads it.
                for (const path of (reported?.paths ?? []).filter((p) => p.conditions)) {
                    const { inside, outside } = prefixValues(path.conditions!.find((c) => c.startsWith("s3:prefix"))!);
                    for (const action of path.actions) {
                        assert.strictEqual(await simulate(policy, action, arn, { "s3:prefix": inside }), "Allowed", `${action} with s3:prefix ${inside}`);
                        assert.strictEqual(await simulate(policy, action, arn, { "s3:prefix": outside }), "Denied", `${action} with s3:prefix ${outside}`);
                        assert.strictEqual(await simulate(policy, action, arn), "Denied", `${action} without s3:prefix`);
                    }
                }
            }
        });
    }

    it("names the actions, the grant and the s3:prefix condition of a bucket listing", async () => {
        const { answer } = await whoCan(dir, "arn:aws:s3:::tickets");
        assert.deepStrictEqual(answer.agents[0].paths, [{ grant: 0, via: "statement Grant0S3List0", on: "arn:aws:s3:::tickets", actions: ["s3:ListBucket"], conditions: ["s3:prefix StringLike inbound/*"] }]);
    });

    it("answers a prefix question (a trailing *) with every agent reaching anything under it", async () => {
        const { answer } = await whoCan(dir, "arn:aws:s3:::tickets/*");
        assert.deepStrictEqual(answer.agents.map((a) => [a.name, a.actions]), [["s3-reader", ["s3:GetObject"]], ["s3-writer", ["s3:PutObject"]]]);
        const secrets = await whoCan(dir, `${SECRET("billing/")}*`);
        assert.deepStrictEqual(secrets.answer.agents.map((a) => [a.name, a.actions]), [["secret-reader", ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]]]);
        assert.deepStrictEqual((await whoCan(dir, `${SECRET("payroll/")}*`)).answer.agents, []);
    });

    it("reads a secret's ARN without AWS's suffix as the secret of that name, as the simulator decides on its real ARN", async () => {
        const docs = [
            agentDoc("by-name", { grants: [{ connector: "aws.secretsmanager", access: "read", resources: [SECRET("billing/stripe-key")] }] }),
            agentDoc("by-full-arn", { approval, grants: [{ connector: "aws.secretsmanager", access: "write", resources: [SECRET("billing/stripe-key-AbC123")] }] }),
            agentDoc("longer-name", { grants: [{ connector: "aws.secretsmanager", access: "read", resources: [SECRET("billing/stripe-key-old")] }] }),
            agentDoc("explicit", { grants: [{ connector: "aws.iam", actions: ["secretsmanager:GetSecretValue"], resources: [SECRET("billing/stripe-key-AbC123-XyZ789")] }] }),
            agentDoc("by-prefix", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }] }),
        ];
        const secretsDir = fleetDir(docs);
        const realArn = SECRET("billing/stripe-key-AbC123");
        const byName = await whoCan(secretsDir, SECRET("billing/stripe-key"));
        assert.strictEqual(byName.code, 0);
        assert.deepStrictEqual(byName.answer.agents.map((a) => [a.name, a.actions]),
            [["by-full-arn", ["secretsmanager:PutSecretValue"]], ["by-name", ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]]]);
        for (const doc of docs) {
            const name = (doc.metadata as { name: string }).name;
            const policy = (await show(docs, name)).aws?.permissionPolicy;
            const reported = new Set(byName.answer.agents.find((a) => a.name === name)?.actions ?? []);
            for (const action of actionsOf(policy).filter((a) => a.startsWith("secretsmanager:"))) {
                const verdict = await simulate(policy, action, realArn);
                assert.strictEqual(reported.has(action), verdict === "Allowed", `${name} ${action} on ${realArn}: who-can ${reported.has(action) ? "allows" : "denies"}, the simulator says ${verdict}`);
            }
        }
        // Asked with a suffix, the suffix is AWS's; a secret whose whole name ends so is named with a condition.
        const suffixed = await whoCan(secretsDir, realArn);
        assert.deepStrictEqual(suffixed.answer.agents.map((a) => [a.name, a.paths.map((p) => p.conditions ?? [])]), [
            ["by-full-arn", [[]]], ["by-name", [[]]],
            ["explicit", [["only if billing/stripe-key-AbC123 is the secret's whole name, without AWS's suffix"]]],
        ]);
        assert.strictEqual(await simulate((await show(docs, "explicit")).aws?.permissionPolicy, "secretsmanager:GetSecretValue", SECRET("billing/stripe-key-AbC123-XyZ789")), "Allowed");
        const ambiguous = await whoCan(secretsDir, SECRET("billing/stripe-key-old"));
        assert.deepStrictEqual(ambiguous.answer.agents.map((a) => [a.name, a.paths.map((p) => p.conditions ?? [])]), [["longer-name", [[]]]]);
        const oldName = await whoCan(secretsDir, SECRET("billing/stripe"));
        assert.deepStrictEqual(oldName.answer.agents, [], "billing/stripe-key-?????? is not a secret named billing/stripe");
    });

    it("filters by --action with IAM's case-insensitive matching, wildcards included", async () => {
        const arn = `${TABLE}`;
        assert.deepStrictEqual((await whoCan(dir, arn, "--action", "dynamodb:query")).answer.agents.map((a) => a.actions), [["dynamodb:Query"]]);
        assert.deepStrictEqual((await whoCan(dir, arn, "--action", "dynamodb:*Item")).answer.agents.map((a) => a.actions), [["dynamodb:BatchGetItem", "dynamodb:GetItem"]]);
        const none = await whoCan(dir, arn, "--action", "dynamodb:DeleteItem");
        assert.strictEqual(none.code, 0);
        assert.deepStrictEqual(none.answer.agents, []);
    });
});

describe("who-can: Kubernetes, SaaS and gateway tools", () => {
    const k8s = [
        agentDoc("cm-reader", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get", "list"] }] }),
        agentDoc("named-secret", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["secrets"], resourceNames: ["smtp"], verbs: ["get"] }] }),
        agentDoc("log-reader", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["pods/log"], verbs: ["get"] }] }),
        agentDoc("deployer", { approval, identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "production", apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }] }),
    ];

    it("k8s:<namespace>/<resource> names every agent whose RBAC rules reach it, with verbs and name limits", async () => {
        const dir = fleetDir(k8s);
        const { code, answer } = await whoCan(dir, "k8s:support/configmaps");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(answer.agents.map((a) => [a.name, a.actions]), [["cm-reader", ["get", "list"]]]);
        const secrets = await whoCan(dir, "k8s:support/secrets");
        assert.deepStrictEqual(secrets.answer.agents[0].paths, [{ via: "Role support/agent-named-secret", on: "secrets", actions: ["get"], conditions: ["only objects named smtp"] }]);
        assert.deepStrictEqual((await whoCan(dir, "k8s:support/secrets/smtp")).answer.agents.map((a) => a.name), ["named-secret"]);
        assert.deepStrictEqual((await whoCan(dir, "k8s:support/secrets/db-password")).answer.agents, [], "resourceNames limit the rule to smtp");
        assert.deepStrictEqual((await whoCan(dir, "k8s:billing/configmaps")).answer.agents, [], "another namespace");
    });

    it("counts subresources under their resource, and API groups when named", async () => {
        const dir = fleetDir(k8s);
        assert.deepStrictEqual((await whoCan(dir, "k8s:support/pods")).answer.agents.map((a) => [a.name, a.actions]), [["log-reader", ["get pods/log"]]]);
        assert.deepStrictEqual((await whoCan(dir, "k8s:support/pods/web-1/log")).answer.agents.map((a) => [a.name, a.actions]), [["log-reader", ["get"]]]);
        assert.deepStrictEqual((await whoCan(dir, "k8s:support/pods/web-1/exec")).answer.agents, []);
        assert.deepStrictEqual((await whoCan(dir, "k8s:production/deployments.apps")).answer.agents.map((a) => a.name), ["deployer"]);
        assert.deepStrictEqual((await whoCan(dir, "k8s:production/deployments.extensions")).answer.agents, []);
        assert.deepStrictEqual((await whoCan(dir, "k8s:production/deployments", "--action", "get")).answer.agents, []);
        assert.deepStrictEqual((await whoCan(dir, "k8s:production/deployments", "--action", "patch")).answer.agents.map((a) => a.name), ["deployer"]);
    });

    it("oauth:<vendor>[:<scope>] counts the scopes an agent obtains through a shared OAuth client", async () => {
        const docs = [
            agentDoc("slack-reader", { grants: [{ connector: "oauth.slack", scopes: ["channels:read"] }], approval }),
            agentDoc("slack-poster", { grants: [{ connector: "oauth.slack", scopes: ["chat:write"] }], approval }),
            agentDoc("github-reader", { grants: [{ connector: "oauth.github", scopes: ["read:org"] }] }),
        ];
        const dir = fleetDir(docs);
        const posting = await whoCan(dir, "oauth:slack:chat:write");
        assert.deepStrictEqual(posting.answer.agents.map((a) => a.name), ["slack-poster", "slack-reader"]);
        const reader = posting.answer.agents.find((a) => a.name === "slack-reader")!;
        assert.deepStrictEqual(reader.paths, [{ grant: 0, via: "oauth.slack", on: "the slack OAuth client", actions: ["chat:write"], through: ["slack-poster"] }]);
        assert.deepStrictEqual((await whoCan(dir, "oauth:github")).answer.agents.map((a) => [a.name, a.actions]), [["github-reader", ["read:org"]]]);

        // With one client per agent, nothing is shared.
        const perAgent = fleetDir(docs, { ...FLEET, spec: { ...FLEET.spec, oauthClientSharing: "perAgent" } });
        assert.deepStrictEqual((await whoCan(perAgent, "oauth:slack:chat:write")).answer.agents.map((a) => a.name), ["slack-poster"]);
    });

    it("tool:<gateway>[/<target>[/<tool>]] names the agents Cedar permits", async () => {
        const dir = fleetDir([
            agentDoc("helper", { grants: [{ connector: "tool.helpdesk", tools: ["crm/lookupCustomer", "kb/search"] }] }),
            agentDoc("refunder", { approval, grants: [{ connector: "tool.helpdesk", access: "write", tools: ["crm/issueRefund"] }] }),
        ]);
        assert.deepStrictEqual((await whoCan(dir, "tool:helpdesk")).answer.agents.map((a) => [a.name, a.actions]),
            [["helper", ["crm/lookupCustomer", "kb/search"]], ["refunder", ["crm/issueRefund"]]]);
        assert.deepStrictEqual((await whoCan(dir, "tool:helpdesk/crm/issueRefund")).answer.agents.map((a) => a.name), ["refunder"]);
        assert.deepStrictEqual((await whoCan(dir, "tool:helpdesk/kb")).answer.agents.map((a) => a.name), ["helper"]);
        assert.deepStrictEqual((await whoCan(dir, "tool:other")).answer.agents, []);
    });

    it("expired agents reach nothing, whether deleted or disabled", async () => {
        const grants = [{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] }];
        const dir = fleetDir([
            agentDoc("old-delete", { expiresAt: "2026-11-01", identity: { kubernetes: { namespace: "agents" } }, grants }),
            agentDoc("old-disable", { expiresAt: "2026-11-01", onExpiry: "disable", identity: { kubernetes: { namespace: "agents" } }, grants }),
            agentDoc("old-tools", { expiresAt: "2026-11-01", onExpiry: "disable", grants: [{ connector: "tool.helpdesk", tools: ["kb/search"] }, { connector: "oauth.github", scopes: ["read:org"] }] }),
        ]);
        for (const resource of ["k8s:support/configmaps", "tool:helpdesk", "oauth:github"]) {
            const { code, answer } = await whoCan(dir, resource);
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(answer.agents, [], resource);
        }
    });
});

describe("who-can: Kubernetes judged by the RBAC authorizer's documented rules, tools by cedar-wasm", function () {
    this.timeout(120_000);
    const docs = [
        agentDoc("cm-reader", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get", "list"] }] }),
        agentDoc("named-secret", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["secrets"], resourceNames: ["smtp"], verbs: ["get"] }] }),
        agentDoc("log-reader", { identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["pods/log"], verbs: ["get"] }, { connector: "kubernetes", namespace: "billing", access: "read", resources: ["pods"] }] }),
        agentDoc("deployer", { approval, identity: { kubernetes: { namespace: "agents" } }, grants: [{ connector: "kubernetes", namespace: "production", apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch", "get"] }] }),
        agentDoc("apps-cm", { approval, identity: { kubernetes: { namespace: "tools" } }, grants: [{ connector: "kubernetes", namespace: "production", apiGroups: ["apps", ""], resources: ["configmaps", "secrets"], resourceNames: ["db-password"], verbs: ["get", "update"] }] }),
    ];
    const GROUPS = ["", "apps", "extensions"];
    const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];
    const QUERIES: [string, Omit<RbacRequest, "verb" | "namespace" | "group"> & { group?: string }][] = [
        ["configmaps/settings", { resource: "configmaps", name: "settings" }],
        ["secrets/smtp", { resource: "secrets", name: "smtp" }],
        ["secrets/db-password", { resource: "secrets", name: "db-password" }],
        ["pods/web-1", { resource: "pods", name: "web-1" }],
        ["pods/web-1/log", { resource: "pods", subresource: "log", name: "web-1" }],
        ["pods/web-1/exec", { resource: "pods", subresource: "exec", name: "web-1" }],
        ["deployments.apps/api", { resource: "deployments", group: "apps", name: "api" }],
        ["deployments.extensions/api", { resource: "deployments", group: "extensions", name: "api" }],
        ["configmaps.apps/db-password", { resource: "configmaps", group: "apps", name: "db-password" }],
    ];

    it("names exactly the agents and verbs the authorizer allows, for every namespace, resource, group, name and subresource", async () => {
        const dir = fleetDir(docs);
        const shown = await Promise.all(docs.map((d) => show(docs, (d.metadata as { name: string }).name)));
        const manifests = shown.flatMap((s) => s.kubernetes?.manifests ?? []);
        let allowed = 0;
        for (const namespace of ["support", "production", "billing", "agents"]) {
            for (const [path, q] of QUERIES) {
                const { code, answer } = await whoCan(dir, `k8s:${namespace}/${path}`);
                assert.strictEqual(code, 0);
                // Direct paths on exactly the resource asked about (a resource's answer also lists its subresources as "get pods/log").
                const reported = answer.agents.map((a) => [a.name, a.paths.filter((p) => !p.conditions?.some((c) => c.startsWith("indirectly:")))
                    .flatMap((p) => p.actions).filter((verb) => !verb.includes(" ")).sort()] as [string, string[]])
                    .filter(([, verbs]) => verbs.length > 0);
                const expected = shown.map((s): [string, string[]] => {
                    const account = s.kubernetes.manifests.find((m: any) => m.kind === "ServiceAccount").metadata;
                    const verbs = VERBS.filter((verb) => (q.group !== undefined ? [q.group] : GROUPS).some((group) => rbacAllows(manifests, account, { ...q, namespace, group, verb })));
                    return [s.name, verbs.sort()];
                }).filter(([, verbs]) => verbs.length > 0);
                allowed += expected.length;
                assert.deepStrictEqual(reported, expected, `k8s:${namespace}/${path}`);
            }
        }
        assert.strictEqual(allowed, 7, "the cases include allowed requests, not only denials");
    });

    it("names exactly the agents whose Cedar policies cedar-wasm permits for each tool of the gateway", async () => {
        const toolDocs = [
            agentDoc("helper", { grants: [{ connector: "tool.helpdesk", tools: ["crm/lookupCustomer", "kb/search"] }] }),
            agentDoc("refunder", { approval, grants: [{ connector: "tool.helpdesk", access: "write", tools: ["crm/issueRefund"] }] }),
            agentDoc("searcher", { grants: [{ connector: "tool.helpdesk", tools: ["kb/search"] }] }),
            agentDoc("retired", { expiresAt: "2026-11-01T00:00:00Z", onExpiry: "disable", grants: [{ connector: "tool.helpdesk", tools: ["crm/issueRefund"] }] }),
        ];
        const dir = fleetDir(toolDocs);
        const names = toolDocs.map((d) => (d.metadata as { name: string }).name);
        const shown = await Promise.all(names.map((n) => show(toolDocs, n)));
        const policies: cedar.PolicySet = { staticPolicies: Object.fromEntries(shown.flatMap((s) => (s.cedar ?? []).map((c: any) => [c.name, c.statement]))) };
        const gateway = (FLEET.spec.gateways as Record<string, string>).helpdesk;
        const permits = (agent: string, tool: string) => {
            const principal = { type: "AgentCore::IamEntity", id: `arn:aws:sts::${ACCOUNT}:assumed-role/agent-${agent}/session-1` };
            const answer = cedar.isAuthorized({
                principal, action: { type: "AgentCore::Action", id: tool.replace("/", "___") }, resource: { type: "AgentCore::Gateway", id: gateway },
                context: {}, policies, entities: [{ uid: principal, attrs: { id: principal.id }, parents: [] }],
            });
            if (answer.type !== "success") throw new Error(JSON.stringify(answer.errors));
            return answer.response.decision === "allow";
        };
        let allowed = 0;
        for (const tool of ["crm/lookupCustomer", "crm/issueRefund", "kb/search", "kb/delete"]) {
            const { answer } = await whoCan(dir, `tool:helpdesk/${tool}`);
            const expected = names.filter((n) => permits(n, tool));
            allowed += expected.length;
            assert.deepStrictEqual(answer.agents.map((a) => a.name), expected, tool);
        }
        assert.strictEqual(allowed, 4);
    });
});

describe("who-can: an agent that can act as another agent's service account reaches what that agent reaches", function () {
    this.timeout(120_000);
    const docs = [
        agentDoc("irsa-reader", { identity: { kubernetes: { namespace: "agents" }, aws: { trust: "irsa" } }, grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::payroll/*"] }] }),
        agentDoc("pod-maker", { approval, identity: { kubernetes: { namespace: "builders" } }, grants: [{ connector: "kubernetes", namespace: "agents", apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }] }),
        agentDoc("token-minter", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "builders", resources: ["serviceaccounts/token"], resourceNames: ["pod-maker"], verbs: ["create"] }] }),
        agentDoc("other-minter", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "builders", resources: ["serviceaccounts/token"], resourceNames: ["someone-else"], verbs: ["create"] }] }),
        agentDoc("pod-reader", { identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "agents", access: "read", resources: ["pods"] }] }),
    ];

    it("follows each step (deployments written, tokens minted) to the AWS grant at the end, as the authorizer and the simulator decide", async () => {
        const dir = fleetDir(docs);
        const { code, answer } = await whoCan(dir, "arn:aws:s3:::payroll/2026/12.csv");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(answer.agents.map((a) => [a.name, a.actions, a.paths.map((p) => p.via)]), [
            ["irsa-reader", ["s3:GetObject"], ["statement Grant0S3Objects"]],
            ["pod-maker", ["s3:GetObject"], ["as irsa-reader: statement Grant0S3Objects"]],
            ["token-minter", ["s3:GetObject"], ["as pod-maker → irsa-reader: statement Grant0S3Objects"]],
        ]);
        assert.deepStrictEqual(answer.agents[2].paths[0].conditions, [
            "indirectly: Role builders/agent-token-minter: mints tokens for service accounts, so it acts as pod-maker (service account builders/pod-maker)",
            "indirectly: Role agents/agent-pod-maker: writing deployments runs pods as any service account of the namespace and mounts any secret or config map there, so it acts as irsa-reader (service account agents/irsa-reader)",
        ]);
        // Each step, judged: the authorizer allows it, and the last identity's policy allows the read.
        const shown = await Promise.all(docs.map((d) => show(docs, (d.metadata as { name: string }).name)));
        const manifests = shown.flatMap((s) => s.kubernetes?.manifests ?? []);
        assert.strictEqual(rbacAllows(manifests, { namespace: "ops", name: "token-minter" }, { namespace: "builders", group: "", resource: "serviceaccounts", subresource: "token", name: "pod-maker", verb: "create" }), true);
        assert.strictEqual(rbacAllows(manifests, { namespace: "ops", name: "other-minter" }, { namespace: "builders", group: "", resource: "serviceaccounts", subresource: "token", name: "pod-maker", verb: "create" }), false);
        assert.strictEqual(rbacAllows(manifests, { namespace: "builders", name: "pod-maker" }, { namespace: "agents", group: "apps", resource: "deployments", name: "x", verb: "create" }), true);
        assert.strictEqual(rbacAllows(manifests, { namespace: "ops", name: "pod-reader" }, { namespace: "agents", group: "", resource: "pods", name: "x", verb: "create" }), false);
        assert.strictEqual(await simulate(shown[0].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/2026/12.csv"), "Allowed");
    });

    it("follows every verb of a connect subresource that reaches a running pod: kubectl debug patches pods/ephemeralcontainers, a PUT through pods/proxy is update", async () => {
        // Kubernetes maps each HTTP method on a subresource to its verb (PATCH → patch, PUT → update, DELETE → delete);
        // an ephemeral container joins the pod and mounts its service account token, a proxied request reaches the pod.
        const connectors = [
            agentDoc("debugger", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "agents", resources: ["pods/ephemeralcontainers"], verbs: ["patch"] }] }),
            agentDoc("proxier", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "agents", resources: ["pods/proxy"], verbs: ["update", "delete"] }] }),
            agentDoc("ec-reader", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "agents", resources: ["pods/ephemeralcontainers"], verbs: ["get", "list"] }] }),
        ];
        const fleet = [docs[0], ...connectors];
        const { code, answer } = await whoCan(fleetDir(fleet), "arn:aws:s3:::payroll/2026/12.csv");
        assert.strictEqual(code, 0, JSON.stringify(answer.invalid));
        assert.deepStrictEqual(answer.agents.map((a) => [a.name, a.paths.map((p) => p.via)]), [
            ["debugger", ["as irsa-reader: statement Grant0S3Objects"]],
            ["irsa-reader", ["statement Grant0S3Objects"]],
            ["proxier", ["as irsa-reader: statement Grant0S3Objects"]],
        ], "ec-reader only reads the pods' ephemeral containers");
        const shown = await Promise.all(fleet.map((d) => show(fleet, (d.metadata as { name: string }).name)));
        const manifests = shown.flatMap((s) => s.kubernetes?.manifests ?? []);
        const into = { namespace: "agents", group: "", resource: "pods", name: "irsa-reader-7d9f" };
        assert.strictEqual(rbacAllows(manifests, { namespace: "ops", name: "debugger" }, { ...into, subresource: "ephemeralcontainers", verb: "patch" }), true);
        assert.strictEqual(rbacAllows(manifests, { namespace: "ops", name: "proxier" }, { ...into, subresource: "proxy", verb: "update" }), true);
        assert.strictEqual(rbacAllows(manifests, { namespace: "ops", name: "ec-reader" }, { ...into, subresource: "ephemeralcontainers", verb: "patch" }), false);
        assert.strictEqual(await simulate(shown[0].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/2026/12.csv"), "Allowed");
    });

    it("follows a step to an agent whose SPIRE selectors pin a service account: a pod running as it receives the agent's SVID", async () => {
        // No Kubernetes identity of its own: SPIRE's k8s workload attestor gives a pod running as agents/spire-reader
        // the selectors k8s:ns:agents and k8s:sa:spire-reader, so SPIRE issues it the entry's SVID, which Roles Anywhere trusts.
        const spireReader = agentDoc("spire-reader", {
            identity: { aws: { trust: "rolesAnywhere" }, spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:spire-reader"] } },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::payroll/*"] }],
        });
        const fleet = [spireReader, docs[1]];
        const { code, answer } = await whoCan(fleetDir(fleet), "arn:aws:s3:::payroll/2026/12.csv");
        assert.strictEqual(code, 0, JSON.stringify(answer.invalid));
        assert.deepStrictEqual(answer.agents.map((a) => [a.name, a.paths.map((p) => p.via)]), [
            ["pod-maker", ["as spire-reader: statement Grant0S3Objects"]],
            ["spire-reader", ["statement Grant0S3Objects"]],
        ]);
        assert.deepStrictEqual(answer.agents[0].paths[0].conditions, [
            "indirectly: Role agents/agent-pod-maker: writing deployments runs pods as any service account of the namespace and mounts any secret or config map there, so it acts as spire-reader (service account agents/spire-reader)",
        ]);
        const shown = await Promise.all(fleet.map((d) => show(fleet, (d.metadata as { name: string }).name)));
        const manifests = shown.flatMap((s) => s.kubernetes?.manifests ?? []);
        assert.strictEqual(rbacAllows(manifests, { namespace: "builders", name: "pod-maker" }, { namespace: "agents", group: "apps", resource: "deployments", name: "x", verb: "create" }), true);
        // SPIRE issues an entry to a workload whose attested selectors include all of the entry's.
        const attested = new Set(["k8s:ns:agents", "k8s:sa:spire-reader", "k8s:pod-name:x-1"]);
        const entry = shown[0].spire.entry;
        assert.ok(entry.selectors.every((sel: { type: string; value: string }) => attested.has(`${sel.type}:${sel.value}`)));
        const trust = shown[0].aws.trustPolicy.Statement[0];
        assert.strictEqual(trust.Condition.StringEquals["aws:PrincipalTag/x509SAN/URI"], entry.spiffeId);
        assert.strictEqual(await simulate(shown[0].aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::payroll/2026/12.csv"), "Allowed");
    });

    it("counts the secrets and config maps a pod it may create can mount", async () => {
        const dir = fleetDir(docs);
        const { answer } = await whoCan(dir, "k8s:agents/secrets/irsa-reader-token");
        assert.deepStrictEqual(answer.agents.map((a) => [a.name, a.paths.map((p) => [p.via, p.actions])]), [
            ["pod-maker", [["Role agents/agent-pod-maker", ["get"]]]],
            ["token-minter", [["as pod-maker: Role agents/agent-pod-maker", ["get"]]]],
        ]);
        assert.deepStrictEqual((await whoCan(dir, "k8s:agents/secrets/irsa-reader-token", "--action", "list")).answer.agents, []);
        assert.deepStrictEqual((await whoCan(dir, "k8s:agents/pods/x/log")).answer.agents, []);
    });
});

describe("who-can: the CLI contract", () => {
    it("exits 0 with an empty list when nobody can, and prints one line saying so", async () => {
        const dir = fleetDir([agentDoc("reader")]);
        const text = await cli("who-can", dir, "arn:aws:s3:::elsewhere/x", "--now", NOW);
        assert.strictEqual(text.code, 0);
        assert.strictEqual(text.stdout, "no agent can reach arn:aws:s3:::elsewhere/x\n");
    });

    it("reports invalid agents (not evaluated) and exits 1: the answer may be incomplete", async () => {
        const dir = fleetDir([agentDoc("reader"), agentDoc("broken", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/*/x"] }] })]);
        const { code, answer, stderr } = await whoCan(dir, "arn:aws:s3:::tickets/inbound/t1.json");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(answer.agents.map((a) => a.name), ["reader"]);
        assert.strictEqual(answer.valid, false);
        assert.deepStrictEqual(answer.invalid.map((i) => [i.name, i.errors.map((e) => e.rule)]), [["broken", ["wildcard-resource"]]]);
        assert.match(stderr, /1 invalid agent, not evaluated\), so this answer may be incomplete/);
    });

    for (const [args, message] of [
        [["arn:aws:s3:::tickets/*/x"], /wildcard other than one trailing \*/],
        [["k8s:support"], /is not a Kubernetes path/],
        [["k8s:Support/configmaps"], /not a DNS-1123 label/],
        [["oauth:myspace"], /known vendors: github/],
        [["oauth:slack:chat:everything"], /which slack does not have/],
        [["s3://tickets/x"], /is not a resource agentid knows/],
        [[], /give the declaration paths, then the resource/],
    ] as [string[], RegExp][]) {
        it(`refuses ${args.join(" ") || "a missing resource"} as a usage error (exit 2, one JSON document)`, async () => {
            const dir = fleetDir([agentDoc("reader")]);
            const result = await cli("who-can", dir, ...args, "--json");
            assert.strictEqual(result.code, 2);
            const doc = JSON.parse(result.stdout) as { error: { code: string; message: string } };
            assert.strictEqual(doc.error.code, "usage");
            assert.match(doc.error.message, message);
        });
    }

    it("refuses a missing path as an environment error (exit 2)", async () => {
        const result = await cli("who-can", "/nonexistent/agents", "arn:aws:s3:::tickets/x", "--json");
        assert.strictEqual(result.code, 2);
        assert.strictEqual(JSON.parse(result.stdout).error.code, "environment");
    });
});
