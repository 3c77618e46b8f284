import * as assert from "assert";
import type { AgentDeclaration, Duty, SeparationOfDutiesRule } from "../../../provider/declarations/types";
import { resolveSettings } from "../../../provider/model/settings";
import { ActingStep, declarationDutyViolations, DutyConflict, dutyConflicts, dutyCovers, DutyHolder, dutyRuleViolations, dutyText, dutyViolation } from "../../../provider/guardrails/separationOfDuties";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import type { AwsPermission, KubernetesPermission, Permission, SaasPermission, ToolPermission } from "../../../provider/model/permissions";
import { agentDoc, FLEET, fleetDir, validate } from "../../helpers/attacks";
import { NOW_DATE } from "../../helpers/fixtures";

/** Separation-of-duties rules, through `agentid validate` (and the validator for settings from code). */

const ACCOUNT = "123456789012";
const SECRET = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}`;
const approval = { ticket: "SEC-9", approvers: ["sec@example.com"] };

const EXFILTRATION: SeparationOfDutiesRule = {
    name: "no-secret-exfiltration",
    description: "nothing that reads payment secrets may post to chat",
    forbid: [
        { connector: "aws.secretsmanager", access: "read", resources: [`${SECRET("billing/")}*`] },
        { connector: "oauth.slack", access: "write" },
    ],
};

function fleetWith(rules: SeparationOfDutiesRule[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...FLEET, spec: { ...FLEET.spec, separationOfDuties: rules, ...extra } };
}

const readsBilling = { connector: "aws.secretsmanager", access: "read", resources: [SECRET("billing/stripe-key")] };
const postsToSlack = { connector: "oauth.slack", scopes: ["chat:write"] };

/** The agents `validate` reports under separation-of-duties, with the messages. */
async function conflicts(docs: Record<string, unknown>[], rules: SeparationOfDutiesRule[] = [EXFILTRATION], extra: Record<string, unknown> = {}) {
    const verdict = await validate(docs, fleetWith(rules, extra));
    return { verdict, sod: verdict.errors.filter((e) => e.rule === "separation-of-duties") };
}

describe("separation of duties: an agent holding every duty of a rule is invalid", () => {
    it("refuses the issue's example, naming the rule and each grant with its file:line:col", async () => {
        const { verdict, sod } = await conflicts([agentDoc("billing-bot", { approval, grants: [readsBilling, postsToSlack] })]);
        assert.strictEqual(verdict.code, 1);
        assert.deepStrictEqual(sod.map((e) => [e.agent, e.path]), [["billing-bot", "spec.grants[0]"]]);
        assert.match(sod[0].message, /^separation-of-duties rule "no-secret-exfiltration" \(nothing that reads payment secrets may post to chat\): this agent holds every duty it forbids — aws\.secretsmanager read on arn:aws:secretsmanager:us-east-1:123456789012:secret:billing\/\* by grant 0 \(\/[^)]+\/fleet\.yaml:\d+:\d+\); oauth\.slack write by grant 1 \([^)]+fleet\.yaml:\d+:\d+\); move one of these duties/);
        assert.deepStrictEqual(verdict.rules, ["separation-of-duties"], "nothing else is wrong with it");
    });

    it("accepts agents that each hold one duty (with their own OAuth clients)", async () => {
        const { verdict } = await conflicts([
            agentDoc("reader", { grants: [readsBilling] }),
            agentDoc("poster", { approval, grants: [postsToSlack] }),
        ]);
        assert.deepStrictEqual(verdict.errors, []);
    });

    describe("access levels: a grant matches a duty when it holds at least the duty's access", () => {
        const rule = (access: "read" | "write" | "readwrite"): SeparationOfDutiesRule => ({ name: "tickets", forbid: [{ connector: "aws.s3", access, resources: ["arn:aws:s3:::tickets/"] }] });
        const s3 = (access: string) => ({ connector: "aws.s3", access, resources: ["arn:aws:s3:::tickets/inbound/*"] });
        const cases: [string, "read" | "write" | "readwrite", Record<string, unknown>[], boolean][] = [
            ["read matches read", "read", [s3("read")], true],
            ["read matches readwrite", "read", [s3("readwrite")], true],
            ["read does not match write (PutObject reads nothing)", "read", [s3("write")], false],
            ["write matches write", "write", [s3("write")], true],
            ["write matches readwrite", "write", [s3("readwrite")], true],
            ["write does not match read", "write", [s3("read")], false],
            ["readwrite matches readwrite", "readwrite", [s3("readwrite")], true],
            ["readwrite matches a read grant and a write grant together", "readwrite", [s3("read"), { ...s3("write"), resources: ["arn:aws:s3:::tickets/outbound/*"] }], true],
            ["readwrite does not match read alone", "readwrite", [s3("read")], false],
        ];
        for (const [title, access, grants, violates] of cases) {
            it(title, async () => {
                const { sod } = await conflicts([agentDoc("worker", { approval, grants })], [rule(access)]);
                assert.strictEqual(sod.length, violates ? 1 : 0, JSON.stringify(sod));
            });
        }
    });

    describe("resources: ARN prefixes, as IAM matches the generated statements", () => {
        const rule: SeparationOfDutiesRule = { name: "billing", forbid: [{ connector: "aws.secretsmanager", access: "read", resources: [`${SECRET("billing/")}*`] }] };
        const reading = (arn: string) => [agentDoc("worker", { grants: [{ connector: "aws.secretsmanager", access: "read", resources: [arn] }] })];
        for (const [arn, violates] of [
            [SECRET("billing/stripe-key"), true],
            [SECRET("billing/stripe-key-AbCdEf"), true],
            [SECRET("billing-archive/stripe-key"), false],
            [SECRET("payroll/key"), false],
            [`arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:billing/stripe-key`, false],
        ] as [string, boolean][]) {
            it(`${arn.split(":secret:")[1]} in ${arn.split(":")[3]}: ${violates ? "under" : "not under"} secret:billing/`, async () => {
                assert.strictEqual((await conflicts(reading(arn), [rule])).sod.length, violates ? 1 : 0);
            });
        }

        it("keeps S3 prefixes to their folder: inbound/ is not inbound-x/", async () => {
            const s3Rule: SeparationOfDutiesRule = { name: "inbound", forbid: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound-x/"] }] };
            const docs = [agentDoc("worker", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }] })];
            assert.strictEqual((await conflicts(docs, [s3Rule])).sod.length, 0);
            const whole: SeparationOfDutiesRule = { name: "whole-bucket", forbid: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/*"] }] };
            assert.strictEqual((await conflicts(docs, [whole])).sod.length, 1);
        });

        it("counts aws.iam grants under their service: explicit actions are no way around a duty", async () => {
            const docs = [agentDoc("sneaky", { grants: [{ connector: "aws.iam", actions: ["secretsmanager:GetSecretValue"], resources: [SECRET("billing/stripe-key-AbCdEf")] }] })];
            assert.strictEqual((await conflicts(docs, [rule])).sod.length, 1);
        });
    });

    describe("shared identities and shared OAuth clients", () => {
        it("judges agents sharing an identity together: each holding a duty is reported, naming the other's grant", async () => {
            const account = { kubernetes: { namespace: "agents", serviceAccount: "shared" }, aws: { trust: "rolesAnywhere" } };
            const { sod } = await conflicts([
                agentDoc("reader", { identity: account, grants: [readsBilling] }),
                agentDoc("poster", { identity: account, approval, grants: [postsToSlack] }),
            ], [EXFILTRATION], { oauthClientSharing: "perAgent" });
            assert.deepStrictEqual(sod.map((e) => e.agent).sort(), ["poster", "reader"]);
            assert.match(sod.find((e) => e.agent === "reader")!.message, /oauth\.slack write by grant 0 of agent "poster", which shares this agent's identity/);
        });

        it("counts the scopes an agent obtains through the fleet's shared OAuth client", async () => {
            const docs = [
                agentDoc("reader", { approval, grants: [readsBilling, { connector: "oauth.slack", scopes: ["channels:read"] }] }),
                agentDoc("poster", { approval, grants: [postsToSlack] }),
            ];
            const shared = await conflicts(docs);
            assert.deepStrictEqual(shared.sod.map((e) => e.agent), ["reader"], "the poster reads no secret");
            assert.match(shared.sod[0].message, /oauth\.slack write by grant 1 \([^)]+\) through the OAuth client shared with poster/);
            const perAgent = await conflicts(docs, [EXFILTRATION], { oauthClientSharing: "perAgent" });
            assert.deepStrictEqual(perAgent.sod, [], "its own client serves only channels:read");
        });

        it("counts what an agent reaches by acting as another agent's service account, step by step", async () => {
            // pod-maker writes deployments where irsa-reader's service account lives; token-minter mints pod-maker's tokens.
            const docs = [
                agentDoc("irsa-reader", { identity: { kubernetes: { namespace: "agents" }, aws: { trust: "irsa" } }, grants: [readsBilling] }),
                agentDoc("pod-maker", { approval, identity: { kubernetes: { namespace: "builders" } }, grants: [postsToSlack, { connector: "kubernetes", namespace: "agents", apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }] }),
                agentDoc("token-minter", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "builders", resources: ["serviceaccounts/token"], resourceNames: ["pod-maker"], verbs: ["create"] }] }),
                agentDoc("other-minter", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [{ connector: "kubernetes", namespace: "builders", resources: ["serviceaccounts/token"], resourceNames: ["someone-else"], verbs: ["create"] }] }),
            ];
            const { sod } = await conflicts(docs);
            assert.deepStrictEqual(sod.map((e) => [e.agent, e.path]), [["pod-maker", "spec.grants[0]"], ["token-minter", "spec.grants[0]"]],
                "irsa-reader posts nowhere; other-minter's names are someone else's");
            assert.match(sod[0].message, /aws\.secretsmanager read on \S+ by grant 0 of agent "irsa-reader", which this agent can act as \(writing deployments runs pods as any service account of the namespace/);
            assert.match(sod[1].message, /oauth\.slack write by grant 0 of agent "pod-maker", which this agent can act as \(mints tokens for service accounts\)/);
            // Without the step, nothing is wrong.
            const { sod: alone } = await conflicts([docs[0], agentDoc("pod-maker", { approval, identity: { kubernetes: { namespace: "builders" } }, grants: [postsToSlack] })]);
            assert.deepStrictEqual(alone, []);
        });

        it("counts reading every secret of a namespace as acting as its service accounts (their token secrets); named secrets are not", async () => {
            const irsaReader = agentDoc("irsa-reader", { identity: { kubernetes: { namespace: "agents" }, aws: { trust: "irsa" } }, grants: [readsBilling] });
            const secretReader = (resourceNames?: string[]) => agentDoc("secret-reader", { approval, identity: { kubernetes: { namespace: "ops" } },
                grants: [postsToSlack, { connector: "kubernetes", namespace: "agents", resources: ["secrets"], verbs: ["get"], ...(resourceNames ? { resourceNames } : {}) }] });
            const { sod } = await conflicts([irsaReader, secretReader()]);
            assert.deepStrictEqual(sod.map((e) => [e.agent, e.path]), [["secret-reader", "spec.grants[0]"]]);
            assert.match(sod[0].message, /aws\.secretsmanager read on \S+ by grant 0 of agent "irsa-reader", which this agent can act as \(reads every secret of the namespace, service account token secrets included\) \([^)]+fleet\.yaml:\d+:\d+\); oauth\.slack write by grant 0 \(/);
            const { sod: named } = await conflicts([irsaReader, secretReader(["app-config"])]);
            assert.deepStrictEqual(named, []);
        });

        it("counts acting through an ephemeral container (kubectl debug: patch pods/ephemeralcontainers) or a proxied PUT", async () => {
            const irsaReader = agentDoc("irsa-reader", { identity: { kubernetes: { namespace: "agents" }, aws: { trust: "irsa" } }, grants: [readsBilling] });
            const into = (resources: string[], verbs: string[]) => ({ connector: "kubernetes", namespace: "agents", resources, verbs });
            const docs = [
                irsaReader,
                agentDoc("debugger", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [postsToSlack, into(["pods/ephemeralcontainers"], ["patch"])] }),
                agentDoc("proxier", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [postsToSlack, into(["pods/proxy"], ["update"])] }),
                agentDoc("ec-reader", { approval, identity: { kubernetes: { namespace: "ops" } }, grants: [postsToSlack, into(["pods/ephemeralcontainers"], ["get"])] }),
            ];
            const { sod } = await conflicts(docs);
            assert.deepStrictEqual(sod.map((e) => [e.agent, e.path]), [["debugger", "spec.grants[0]"], ["proxier", "spec.grants[0]"]],
                "reading a pod's ephemeral containers runs nothing in it");
            assert.match(sod[0].message, /aws\.secretsmanager read on \S+ by grant 0 of agent "irsa-reader", which this agent can act as \(pods\/ephemeralcontainers runs commands in, or connects to, pods of any service account of the namespace\)/);
        });

        it("counts acting as an agent whose SPIRE selectors pin a service account of a namespace it may run pods in", async () => {
            const spireReader = agentDoc("spire-reader", { identity: { aws: { trust: "rolesAnywhere" }, spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:spire-reader"] } }, grants: [readsBilling] });
            const podMaker = agentDoc("pod-maker", { approval, identity: { kubernetes: { namespace: "builders" } }, grants: [postsToSlack, { connector: "kubernetes", namespace: "agents", apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }] });
            const { sod } = await conflicts([spireReader, podMaker]);
            assert.deepStrictEqual(sod.map((e) => [e.agent, e.path]), [["pod-maker", "spec.grants[0]"]]);
            assert.match(sod[0].message, /aws\.secretsmanager read on \S+ by grant 0 of agent "spire-reader", which this agent can act as \(writing deployments runs pods/);
        });

        it("counts the secrets a pod the agent may create can mount as read", async () => {
            const rule: SeparationOfDutiesRule = { name: "secrets-and-chat", forbid: [{ connector: "kubernetes", access: "read", resources: ["payments/secrets"] }, { connector: "oauth.slack", access: "write" }] };
            const pods = { connector: "kubernetes", namespace: "payments", resources: ["pods"], verbs: ["create"] };
            const { sod } = await conflicts([agentDoc("runner", { approval, identity: { kubernetes: { namespace: "agents" } }, grants: [pods, postsToSlack] })], [rule]);
            assert.deepStrictEqual(sod.map((e) => e.path), ["spec.grants[0]"]);
            assert.match(sod[0].message, /kubernetes read on payments\/secrets by grant 0 \([^)]+\) \(indirectly: writing pods runs pods as any service account of the namespace and mounts any secret or config map there\)/);
            const reads = { connector: "kubernetes", namespace: "payments", resources: ["pods"], verbs: ["get"] };
            assert.deepStrictEqual((await conflicts([agentDoc("runner", { approval, identity: { kubernetes: { namespace: "agents" } }, grants: [reads, postsToSlack] })], [rule])).sod, []);
        });

        it("holds an expired agent to nothing: it reaches nothing", async () => {
            const { sod } = await conflicts([agentDoc("retired", { expiresAt: "2026-11-01", approval, grants: [readsBilling, postsToSlack] })]);
            assert.deepStrictEqual(sod, []);
        });
    });

    it("covers Kubernetes namespaces and resources, and gateway tools", async () => {
        const rule: SeparationOfDutiesRule = {
            name: "refunds-and-secrets",
            forbid: [{ connector: "kubernetes", access: "read", resources: ["payments/secrets"] }, { connector: "tool.helpdesk", access: "write", resources: ["crm/issueRefund"] }],
        };
        const k8s = (resources: string[]) => ({ connector: "kubernetes", namespace: "payments", resources, resourceNames: ["stripe"], verbs: ["get"] });
        const tool = (tools: string[]) => ({ connector: "tool.helpdesk", access: "write", tools });
        const identity = { kubernetes: { namespace: "agents" }, aws: { trust: "rolesAnywhere" } };
        const check = async (grants: Record<string, unknown>[]) => (await conflicts([agentDoc("worker", { identity, approval, grants })], [rule])).sod.length;
        assert.strictEqual(await check([k8s(["secrets"]), tool(["crm/issueRefund"])]), 1);
        assert.strictEqual(await check([k8s(["configmaps"]), tool(["crm/issueRefund"])]), 0);
        assert.strictEqual(await check([k8s(["secrets"]), tool(["crm/lookupCustomer"])]), 0);
    });

    describe("the rules themselves", () => {
        for (const [title, forbid, says] of [
            ["an unknown connector", [{ connector: "aws.nothing", access: "read" }], /"aws\.nothing" is not a connector a duty can name/],
            ["aws.iam (name the service instead)", [{ connector: "aws.iam", access: "write" }], /"aws\.iam" is not a connector a duty can name/],
            ["an unknown vendor", [{ connector: "oauth.myspace", access: "write" }], /"oauth\.myspace" is not a connector/],
            ["a resource that is not an ARN prefix", [{ connector: "aws.s3", access: "read", resources: ["tickets/*"] }], /is not an ARN prefix/],
            ["a wildcard inside an ARN prefix", [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::*/inbound/"] }], /is not an ARN prefix/],
            ["an ARN of another service", [{ connector: "aws.s3", access: "read", resources: [`${SECRET("billing/")}`] }], /is not a s3 ARN/],
            ["an unknown scope", [{ connector: "oauth.slack", access: "write", resources: ["chat:everything"] }], /is not a slack scope/],
            ["a Kubernetes resource that is not <namespace>[/<resource>]", [{ connector: "kubernetes", access: "read", resources: ["payments/secrets/stripe"] }], /is not <namespace> or <namespace>\/<resource>/],
        ] as [string, unknown[], RegExp][]) {
            it(`refuses ${title} (fleet-setting)`, async () => {
                const verdict = await validate([agentDoc("worker")], fleetWith([{ name: "bad", forbid } as SeparationOfDutiesRule]));
                assert.deepStrictEqual(verdict.rules, ["fleet-setting"]);
                assert.match(verdict.errors[0].message, says);
            });
        }

        it("refuses two rules with one name", async () => {
            const verdict = await validate([agentDoc("worker")], fleetWith([EXFILTRATION, EXFILTRATION]));
            assert.deepStrictEqual(verdict.errors.map((e) => [e.rule, e.path]), [["fleet-setting", "spec.separationOfDuties[1].name"]]);
        });

        it("adds a Fleet document's rules to the program's (a union), and refuses one that replaces a program rule", () => {
            const tickets: SeparationOfDutiesRule = { name: "tickets", forbid: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/"] }] };
            const dir = fleetDir([agentDoc("worker", { approval, grants: [readsBilling, postsToSlack, { connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }] })], fleetWith([tickets]));
            const report = validateDeclarations([dir], { now: NOW_DATE, settings: { separationOfDuties: [EXFILTRATION] } });
            assert.deepStrictEqual(report.settings.separationOfDuties!.map((r) => r.name), ["tickets", "no-secret-exfiltration"]);
            assert.deepStrictEqual(report.errors.map((e) => e.rule), ["separation-of-duties", "separation-of-duties"], "both rules judge the agents");

            const weakened = { ...EXFILTRATION, forbid: [...EXFILTRATION.forbid, { connector: "aws.kms", access: "read" }] };
            const replaced = validateDeclarations([fleetDir([agentDoc("worker", { approval, grants: [readsBilling, postsToSlack] })], fleetWith([weakened as SeparationOfDutiesRule]))],
                { now: NOW_DATE, settings: { separationOfDuties: [EXFILTRATION] } });
            assert.deepStrictEqual(replaced.errors.map((e) => [e.rule, e.path.join(".")]), [["fleet-setting", "spec.separationOfDuties.0"], ["separation-of-duties", "spec.grants.0"]]);
            assert.match(replaced.errors[0].message, /a document may add rules, never replace one/);
        });
    });
});

describe("separation of duties, module by module: what a duty covers, who holds it, and the exact findings", () => {
    const aws = (service: string, resource: string, extra: Partial<AwsPermission> = {}): AwsPermission => ({ kind: "aws", level: "read", effect: "Allow", action: `${service}:Get`, service, resource, ...extra });
    const k8s = (namespace: string, resource: string): KubernetesPermission => ({ kind: "kubernetes", level: "read", namespace, apiGroups: [""], resource, verb: "get" });
    const saas = (vendor: string, scope?: string): SaasPermission => ({ kind: "saas", level: "write", vendor, ...(scope === undefined ? {} : { scope }) });
    const tool = (gateway: string, name: string): ToolPermission => ({ kind: "tool", level: "write", gateway, tool: name });
    const duty = (connector: string, resources?: string[]): Duty => ({ connector, access: "read", ...(resources ? { resources } : {}) });

    it("covers, per connector family, exactly the permissions within the duty's resources", () => {
        const cases: [string, Duty, Permission, boolean][] = [
            ["an aws.s3 duty covers an Allow on every service (a stack's Action *)", duty("aws.s3"), aws("*", "*"), true],
            ["an aws.s3 duty covers no other service", duty("aws.s3"), aws("sqs", "*"), false],
            ["an aws.s3 duty covers no Deny", duty("aws.s3"), aws("s3", "*", { effect: "Deny" }), false],
            ["a kubernetes duty without resources covers no AWS permission", duty("kubernetes"), aws("s3", "*"), false],
            ["a kubernetes duty covers its namespace's resources", duty("kubernetes", ["payments"]), k8s("payments", "secrets"), true],
            ["a kubernetes duty covers no other namespace", duty("kubernetes", ["payments/secrets"]), k8s("agents", "secrets"), false],
            ["a duty on several resources covers a permission within any one of them", duty("kubernetes", ["payments/secrets", "agents"]), k8s("agents", "configmaps"), true],
            ["a kubernetes duty on pods covers pods/exec", duty("kubernetes", ["payments/pods"]), k8s("payments", "pods/exec"), true],
            ["a kubernetes duty on pods does not cover podtemplates", duty("kubernetes", ["payments/pods"]), k8s("payments", "podtemplates"), false],
            ["an oauth.slack duty covers no other vendor", duty("oauth.slack"), saas("github", "repo"), false],
            ["an oauth.slack duty on chat:write covers chat:write", duty("oauth.slack", ["chat:write"]), saas("slack", "chat:write"), true],
            ["an oauth.slack duty on chat:write covers a client serving any scope (a stack's)", duty("oauth.slack", ["chat:write"]), saas("slack"), true],
            ["an oauth.slack duty on chat:write does not cover channels:read", duty("oauth.slack", ["chat:write"]), saas("slack", "channels:read"), false],
            ["a tool.helpdesk duty covers no other gateway's tool of that name", duty("tool.helpdesk", ["crm/issueRefund"]), tool("billing", "crm/issueRefund"), false],
            ["a tool.helpdesk duty on a target covers its tools", duty("tool.helpdesk", ["crm"]), tool("helpdesk", "crm/issueRefund"), true],
            ["a tool.helpdesk duty on a target does not cover a target that starts like it", duty("tool.helpdesk", ["crm"]), tool("helpdesk", "crmx/issueRefund"), false],
            ["a connector of no family (tool:helpdesk) covers nothing", duty("tool:helpdesk"), tool("helpdesk", "crm/issueRefund"), false],
        ];
        assert.deepStrictEqual(cases.map(([title, d, p]) => [title, dutyCovers(d, p)]), cases.map(([title, , , covers]) => [title, covers]));
    });

    const rule: SeparationOfDutiesRule = { name: "secrets-and-chat", forbid: [duty("aws.secretsmanager"), { connector: "oauth.slack", access: "write" }] };
    const reads = aws("secretsmanager", SECRET("billing/key"), { grant: 0 });
    const posts = { ...saas("slack", "chat:write"), grant: 1 };

    it("judges holders on their own when given no identity groups and no acting steps", () => {
        const holders: DutyHolder[] = [{ name: "both", permissions: [reads, posts] }, { name: "reader", permissions: [reads] }];
        const expected = [[{ rule, duties: [{ duty: rule.forbid[0], held: [{ holder: 0, permissions: [reads] }] }, { duty: rule.forbid[1], held: [{ holder: 0, permissions: [posts] }] }], actsAs: [] }], []];
        assert.deepStrictEqual(dutyConflicts(holders, [rule]), expected);
        assert.deepStrictEqual(dutyConflicts(holders, [rule], [], []), expected, "acting steps listed for fewer holders than there are");
    });

    it("names, for a holder reached in two steps, the first step (the reporting holder's own grant)", () => {
        // 2 acts as 1 (its grant 0), 1 acts as 0 (its grant 1): 0 reads, 1 posts.
        const toReader: ActingStep = { to: 0, grant: 1, reason: "writes the reader's deployments" };
        const toPoster: ActingStep = { to: 1, grant: 0, reason: "mints the poster's tokens" };
        const holders: DutyHolder[] = [{ name: "reader", permissions: [reads] }, { name: "poster", permissions: [posts] }, { name: "minter", permissions: [] }];
        const conflicts = dutyConflicts(holders, [rule], [], [[], [toReader], [toPoster]]);
        assert.deepStrictEqual(conflicts.map((list) => list.map((c) => c.actsAs)), [[], [[{ holder: 0, step: toReader }]], [[{ holder: 0, step: toPoster }, { holder: 1, step: toPoster }]]]);
    });

    it("reports a holder sharing an identity only when it holds a duty itself; what it acts as, and that holder's group, are its own", () => {
        const both: DutyHolder = { name: "both", permissions: [reads, posts] };
        const none: DutyHolder = { name: "none", permissions: [] };
        const reader: DutyHolder = { name: "reader", permissions: [reads] };
        assert.deepStrictEqual(dutyConflicts([both, none], [rule], [[0, 1]]).map((list) => list.length), [1, 0], "the group-mate that holds nothing is not reported");
        assert.deepStrictEqual(dutyConflicts([both, reader], [rule], [[0, 1]]).map((list) => list.length), [1, 1], "the reader holds a duty itself");
        const step: ActingStep = { to: 1, grant: 0, reason: "r" };
        assert.deepStrictEqual(dutyConflicts([none, both], [rule], [[0, 1]], [[step], []]).map((list) => list.map((c) => c.actsAs)), [[[{ holder: 1, step }]], [[]]],
            "a group-mate it also acts as is its own");
        assert.deepStrictEqual(dutyConflicts([none, none, both], [rule], [[1, 2]], [[step], [], []]).map((list) => list.map((c) => c.actsAs)), [[[{ holder: 1, step }, { holder: 2, step }]], [], [[]]],
            "the group of a holder it acts as is its own");
    });

    it("names a duty with every resource it covers", () => {
        assert.strictEqual(dutyText({ connector: "kubernetes", access: "read", resources: ["payments/secrets", "agents"] }), "kubernetes read on payments/secrets, agents");
    });

    it("judges an agent with an unreadable expiry or an invalid grant on nothing (their own errors say why)", () => {
        const settings = resolveSettings({ separationOfDuties: [EXFILTRATION] });
        const agent = (expiresAt: string, grants: unknown[]) => ({
            apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "billing-bot" },
            spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt, approval, grants },
        } as unknown as AgentDeclaration);
        const violations = (decl: AgentDeclaration) => declarationDutyViolations([decl], settings, NOW_DATE, (_, g) => `billing.yaml grant ${g}`).map((list) => list.map((v) => v.path));
        assert.deepStrictEqual(violations(agent("2027-01-15T00:00:00Z", [readsBilling, postsToSlack])), [[["spec", "grants", 0]]], "the control");
        assert.deepStrictEqual(violations(agent("not a date", [readsBilling, postsToSlack])), [[]]);
        assert.deepStrictEqual(violations(agent("2027-01-15T00:00:00Z", [readsBilling, postsToSlack, { connector: "aws.s3", access: "read", resources: ["tickets"] }])), [[]]);
    });

    it("lists the holders of a duty in index order, whatever order they were reached in", () => {
        const holders: DutyHolder[] = [{ name: "a", permissions: [reads] }, { name: "b", permissions: [reads] }, { name: "c", permissions: [reads, posts] }];
        const [conflict] = dutyConflicts(holders, [rule], [[0, 1, 2]])[2];
        assert.deepStrictEqual(conflict.duties[0].held.map((h) => h.holder), [0, 1, 2]);
    });

    describe("the finding of one conflict", () => {
        const at = (holder: number, grant: number) => `h${holder}.yaml:${grant}`;
        const holders: DutyHolder[] = [{ name: "self", permissions: [] }, { name: "twin", permissions: [] }, { name: "puppet", permissions: [] }, { name: "other-puppet", permissions: [] }];
        const tail = "; move one of these duties to another agent (with its own identity and OAuth client), or change the rule with its owners";
        const head = `separation-of-duties rule "secrets-and-chat": this agent holds every duty it forbids — `;

        it("lists a holder's grants in order, every agent sharing the OAuth client, and every indirect reason", () => {
            const conflict: DutyConflict = {
                rule, actsAs: [],
                duties: [
                    { duty: rule.forbid[0], held: [{ holder: 0, permissions: [{ ...reads, grant: 2, indirect: "a pod mounts it" }, { ...reads, grant: undefined }, { ...reads, grant: 0, indirect: "a job mounts it" }] }] },
                    { duty: rule.forbid[1], held: [{ holder: 0, permissions: [{ ...posts, grant: 1, through: ["poster", "announcer"] }] }] },
                ],
            };
            assert.deepStrictEqual(dutyViolation(conflict, 0, holders, at), {
                path: ["spec", "grants", 0], rule: "separation-of-duties",
                message: `${head}aws.secretsmanager read by grant 0 (h0.yaml:0), grant 2 (h0.yaml:2) (indirectly: a pod mounts it; a job mounts it); oauth.slack write by grant 1 (h0.yaml:1) through the OAuth client shared with poster, announcer${tail}`,
            });
        });

        it("says which agent it acts as, with that step's reason, and which shares its identity; placed at its own grant", () => {
            const conflict: DutyConflict = {
                rule,
                actsAs: [{ holder: 2, step: { to: 2, grant: 0, reason: "mints puppet's tokens" } }, { holder: 3, step: { to: 3, grant: 1, reason: "execs into other-puppet's pods" } }],
                duties: [
                    { duty: rule.forbid[0], held: [{ holder: 1, permissions: [reads] }, { holder: 3, permissions: [reads] }] },
                    { duty: rule.forbid[1], held: [{ holder: 0, permissions: [{ ...posts, grant: 3 }] }, { holder: 2, permissions: [posts] }] },
                ],
            };
            assert.deepStrictEqual(dutyViolation(conflict, 0, holders, at), {
                path: ["spec", "grants", 3], rule: "separation-of-duties",
                message: `${head}aws.secretsmanager read by grant 0 of agent "twin", which shares this agent's identity (h1.yaml:0) and grant 0 of agent "other-puppet", which this agent can act as (execs into other-puppet's pods) (h3.yaml:0); `
                    + `oauth.slack write by grant 3 (h0.yaml:3) and grant 1 of agent "puppet", which this agent can act as (mints puppet's tokens) (h2.yaml:1)${tail}`,
            });
        });

        it("is placed at the first acting step when the agent holds no duty itself, and at its name when nothing names a grant", () => {
            const viaPuppet: DutyConflict = {
                rule, actsAs: [{ holder: 2, step: { to: 2, grant: 4, reason: "r" } }, { holder: 3, step: { to: 3, reason: "s" } }],
                duties: [{ duty: rule.forbid[0], held: [{ holder: 2, permissions: [reads] }] }, { duty: rule.forbid[1], held: [{ holder: 2, permissions: [posts] }] }],
            };
            assert.deepStrictEqual(dutyViolation(viaPuppet, 0, holders, at).path, ["spec", "grants", 4]);
            const ungranted: DutyConflict = {
                rule,
                duties: [{ duty: rule.forbid[0], held: [{ holder: 0, permissions: [{ ...reads, grant: undefined }] }] }, { duty: rule.forbid[1], held: [{ holder: 0, permissions: [{ ...posts, grant: undefined }] }] }],
            };
            assert.deepStrictEqual(dutyViolation(ungranted, 0, holders, at).path, ["metadata", "name"]);
        });
    });

    describe("the rules' own findings, exactly", () => {
        const check = (forbid: Duty[]) => dutyRuleViolations([{ name: "r", forbid }], ["spec", "separationOfDuties"]);

        it("names a repeated rule name at the second rule", () => {
            assert.deepStrictEqual(dutyRuleViolations([rule, rule], ["spec", "separationOfDuties"]), [{
                path: ["spec", "separationOfDuties", 1, "name"], rule: "fleet-setting",
                message: `separationOfDuties has two rules named "secrets-and-chat"; give each rule its own name`,
            }]);
        });

        it("accepts a namespace, or a namespace and a lower-case resource; refuses anything else at the resource's index", () => {
            assert.deepStrictEqual(check([duty("kubernetes", ["payments", "payments/secrets", "payments/pods.metrics.k8s.io"])]), []);
            const bad = ["payments/Secrets", "payments/9secrets", "payments/secrets_x", "Payments", "payments/secrets/stripe"];
            assert.deepStrictEqual(check([duty("kubernetes", ["payments", ...bad])]), bad.map((resource, i) => ({
                path: ["spec", "separationOfDuties", 0, "forbid", 0, "resources", i + 1], rule: "fleet-setting",
                message: `"${resource}" is not <namespace> or <namespace>/<resource>, e.g. production/secrets`,
            })));
        });

        it("accepts an ARN prefix cut anywhere, naming the service only once its part is complete, with one trailing * at most", () => {
            assert.deepStrictEqual(check([duty("aws.s3", ["arn:", "arn:aws::", "arn:aws:s", "arn:aws:s3:::tickets/", "arn:aws:s3:::tickets/*"])]), []);
            assert.deepStrictEqual(check([duty("aws.s3", ["arn:aws:s3:::tickets?", "arn:aws:sqs:"])]).map((v) => v.message), [
                `"arn:aws:s3:::tickets?" is not an ARN prefix; write the start of the ARNs the duty covers, e.g. arn:aws:s3:us-east-1:123456789012:… (a trailing * is optional, no other wildcard)`,
                `"arn:aws:sqs:" is not a s3 ARN; a aws.s3 duty covers s3 resources`,
            ]);
        });

        it("accepts a tool duty whose gateway is a DNS-1123 label, and refuses one whose gateway is not, at its connector", () => {
            assert.deepStrictEqual(check([duty("tool.helpdesk", ["crm"]), duty("tool.support-tools-2", ["crm/issueRefund"])]), []);
            const message = (connector: string) => `"${connector}" is not a connector a duty can name; use an AWS service connector (aws.s3, aws.secretsmanager, …: every IAM action of the service counts, aws.iam grants included), kubernetes, oauth.<vendor> or tool.<gateway>`;
            assert.deepStrictEqual(check([duty("tool.Help_Desk", ["crm"]), duty("tool.-helpdesk", ["crm"]), duty("tool.", ["crm"])]), ["tool.Help_Desk", "tool.-helpdesk", "tool."].map((connector, d) => ({
                path: ["spec", "separationOfDuties", 0, "forbid", d, "connector"], rule: "fleet-setting", message: message(connector),
            })));
        });

        it("accepts a vendor's scopes and refuses another, listing the vendor's scopes", () => {
            assert.deepStrictEqual(check([duty("oauth.slack", ["chat:write", "channels:read"])]), []);
            assert.deepStrictEqual(check([duty("oauth.slack", ["chat:everything"])]), [{
                path: ["spec", "separationOfDuties", 0, "forbid", 0, "resources", 0], rule: "fleet-setting",
                message: `"chat:everything" is not a slack scope; known scopes: channels:read, channels:history, groups:read, groups:history, im:read, im:history, users:read, users:read.email, team:read, files:read, reactions:read, chat:write, files:write, reactions:write, channels:manage, admin`,
            }]);
        });

        it("accepts a gateway's target or target/tool, and refuses anything else", () => {
            assert.deepStrictEqual(check([duty("tool.helpdesk", ["crm", "crm/issueRefund", "crm_v2/issue-refund.v1"])]), []);
            const bad = ["9crm", "crm/issue refund", "crm/", "crm/9x", "crm/a/b"];
            assert.deepStrictEqual(check([duty("tool.helpdesk", bad)]), bad.map((resource, i) => ({
                path: ["spec", "separationOfDuties", 0, "forbid", 0, "resources", i], rule: "fleet-setting",
                message: `"${resource}" is not <target> or <target>/<tool>, e.g. crm/issueRefund`,
            })));
        });
    });
});
