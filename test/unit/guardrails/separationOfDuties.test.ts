import * as assert from "assert";
import type { SeparationOfDutiesRule } from "../../../provider/declarations/types";
import { validateDeclarations } from "../../../provider/guardrails/validate";
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
