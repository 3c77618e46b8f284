import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { engineEnv, toolchainRoot } from "../../../provider/engine/toolchain";
import { PACKAGE_ROOT } from "../../../provider/engine/workspace";
import { GUARDRAILS } from "../../../provider/policy/policies";
import { DeploymentVerdict, engineResources, PolicyConfigFile, StackIdentity, startPolicyPack, UNKNOWN_VALUE } from "../../servers/policyAnalyzer";
import { RecordedResource, recordProgram, RunMode } from "../../servers/programRecorder";
import { announceEngine, requireEngine, scratch } from "../engine";
import { ACCOUNT, ANCHOR, EXPIRES, NOW, OIDC, OTHER_ACCOUNT, SPIFFE, STACKS } from "./stacks";

/**
 * The agentid-guardrails pack end to end: the built pack (provider/policy/pack → dist/provider/policy) runs
 * in the real Pulumi policy runtime — `@pulumi/pulumi/cmd/run-policy-pack` started in the pack directory,
 * exactly as pulumi-language-nodejs starts an analyzer — and is driven over its real entry point, the
 * engine's Analyzer gRPC interface (Handshake, ConfigureStack, GetAnalyzerInfo, Configure with the policy
 * config reconciled against the pack's schema, Analyze per resource, AnalyzeStack): test/servers/policyAnalyzer.ts.
 *
 * Why not `pulumi preview --policy-pack` for everything: the engine previews an AWS resource only through
 * the AWS provider plugin (Check/Diff), and that plugin cannot be had here — get.pulumi.com is unreachable
 * and the Go module proxy refuses github.com/pulumi/pulumi-aws/provider/v7 (TOOLCHAIN-NOTES.md). A stub
 * provider in the engine would put a fake between the program and the pack. Instead each stack is a real
 * Pulumi program (test/e2e/policy/stacks.ts, real @pulumi/aws and @pulumi/kubernetes resource classes, real
 * AgentFleet) run by the real Node.js SDK, and its RegisterResource traffic is recorded
 * (test/servers/programRecorder.ts): the inputs the engine would hand the pack, with what AWS computes left
 * unknown at preview and filled in at update. What is played is only the providers' answers.
 * The Kubernetes stack additionally runs through the real engine (`pulumi preview --policy-pack` with the
 * real Kubernetes provider rendering YAML), and its findings must equal the harness's: the harness feeds the
 * pack what the engine does.
 *
 * Whether a finding is a real escape is judged by the IAM simulator (@cloud-copilot/iam-simulate), which
 * shares no code with the pack, over the very documents the program registered.
 */

const PACK = path.join(PACKAGE_ROOT, "provider", "policy", "pack");
const PROGRAM = path.join(PACKAGE_ROOT, "dist", "test", "e2e", "policy", "program.js");
const POLICY_CONFIG: PolicyConfigFile = Object.fromEntries(GUARDRAILS.map((g) => [g.name, { now: NOW }]));
const DESCRIPTIONS = new Map(GUARDRAILS.map((g) => [g.name, g.description]));

/** One violation as the engine shows it: the policy, the resource's Pulumi name, the violation's text. */
interface Finding {
    policy: string;
    resource: string;
    says: string;
}

interface Judged {
    resources: RecordedResource[];
    verdict: DeploymentVerdict;
    findings: Finding[];
}

const identity = (stack: string, mode: RunMode, config: Record<string, unknown> = {}): StackIdentity => ({
    organization: "organization", project: "handwritten", stack: "e2e", dryRun: mode === "preview", config: { "e2e:stack": stack, ...config },
});

/** Runs a stack's program, then the pack over what it registered, as the engine would at preview (or update). */
async function judge(stack: string, mode: RunMode = "preview", config: PolicyConfigFile = POLICY_CONFIG): Promise<Judged> {
    const id = identity(stack, mode);
    const resources = await recordProgram({ program: PROGRAM, mode, project: id.project, stack: id.stack, config: id.config });
    const pack = await startPolicyPack({ packDir: PACK, stack: id, config });
    try {
        const verdict = await pack.analyzeDeployment(engineResources(resources, id));
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const findings = [...verdict.analyze, ...verdict.analyzeStack].map((d): Finding => {
            const [description, ...rest] = d.message.split("\n");
            assert.strictEqual(description, DESCRIPTIONS.get(d.policy), `${d.policy}: the engine shows the policy's description first`);
            assert.deepStrictEqual([d.pack, d.packVersion], ["agentid-guardrails", "0.1.0"]);
            const resource = byUrn.get(d.urn);
            assert.ok(resource, `${d.policy} reports on ${d.urn}, which is no resource of the stack`);
            return { policy: d.policy, resource: resource.name, says: rest.join("\n") };
        });
        return { resources, verdict, findings };
    } finally {
        await pack.close();
    }
}

type Expected = [policy: string, resource: string, says: string];

/** Every finding is expected and every expected finding is there, each once. */
function assertFindings(actual: readonly Finding[], expected: readonly Expected[]): void {
    const left = [...actual];
    const missing: string[] = [];
    for (const [policy, resource, says] of expected) {
        const i = left.findIndex((f) => f.policy === policy && f.resource === resource && f.says.includes(says));
        if (i < 0) missing.push(`${policy} on ${resource}: …${says}…`);
        else left.splice(i, 1);
    }
    assert.deepStrictEqual({ missing, unexpected: left.map((f) => `${f.policy} on ${f.resource}: ${f.says}`) }, { missing: [], unexpected: [] });
}

const shadow = (...roles: string[]): Expected[] => roles.map((r) => ["no-shadow-agents", r, "that no agentid Agent declares (a shadow agent)"]);

const byName = (judged: Judged, name: string): RecordedResource => {
    const found = judged.resources.find((r) => r.name === name);
    assert.ok(found, `the stack registered no ${name}`);
    return found;
};
const trustOf = (judged: Judged, role: string) => JSON.parse(byName(judged, role).inputs.assumeRolePolicy as string);

type Outcome = "Allowed" | "Denied";
const BEFORE_EXPIRY = "2027-01-14T00:00:00Z";
const AFTER_EXPIRY = "2027-03-01T00:00:00Z";
const ATTACKER = `arn:aws:iam::${OTHER_ACCOUNT}:role/attacker`;

/** Whether `principal` may assume a role with this trust; a principal of another account also needs its own account's allowance. */
async function assume(trust: unknown, principal: string, action: string, context: Record<string, string> = {}): Promise<Outcome> {
    const crossAccount = principal.startsWith(`arn:aws:iam::${OTHER_ACCOUNT}:`);
    const result = await runSimulation({
        request: { principal, action, resource: { resource: `arn:aws:iam::${ACCOUNT}:role/victim`, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": BEFORE_EXPIRY, ...context } },
        identityPolicies: crossAccount ? [{ name: "attacker", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] } }] : [],
        serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: trust,
    }, {});
    if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

/** Whether a session of a role holding `policies` may perform `action` on `resource`. */
async function perform(policies: readonly unknown[], action: string, resource: string): Promise<Outcome> {
    const result = await runSimulation({
        request: { principal: `arn:aws:sts::${ACCOUNT}:assumed-role/victim/session`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": BEFORE_EXPIRY } },
        identityPolicies: policies.map((policy, i) => ({ name: `policy-${i}`, policy })), serviceControlPolicies: [], resourceControlPolicies: [],
    }, {});
    if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

/** AdministratorAccess as AWS publishes it (arn:aws:iam::aws:policy/AdministratorAccess, version v1). */
const ADMINISTRATOR_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** The resource types the policies read that AgentFleet generates (static credentials and cluster-wide bindings it never does). */
const INSPECTED_TYPES = [
    "agentid:index:Agent", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation", "kubernetes:core/v1:ServiceAccount", "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
];

describe("e2e: agentid-guardrails in the Pulumi policy runtime, over the engine's Analyzer interface", function () {
    const judged = new Map<string, Promise<Judged>>();
    /** Each stack is recorded and judged once (a program run and a pack process), whichever test asks first. */
    const stack = (name: string, mode: RunMode = "preview") => {
        const key = `${name}/${mode}`;
        if (!judged.has(key)) judged.set(key, judge(name, mode));
        return judged.get(key)!;
    };

    it("every stack program is covered below", () => {
        assert.deepStrictEqual(Object.keys(STACKS).sort(), ["clean", "compliant", "computed", "credentials", "duties", "kubernetes", "ownership", "permissions", "trust", "writes"]);
    });

    it("the pack announces every guardrail as a mandatory stack policy with the lifetime, clock and separation-of-duties config", async () => {
        const pack = await startPolicyPack({ packDir: PACK, stack: identity("compliant", "preview"), config: POLICY_CONFIG });
        try {
            assert.deepStrictEqual([pack.info.name, pack.info.version, pack.info.supportsConfig], ["agentid-guardrails", "0.1.0", true]);
            assert.deepStrictEqual(pack.info.policies.map((p) => [p.name, p.enforcementLevel]), GUARDRAILS.map((g) => [g.name, "mandatory"]));
            for (const p of pack.info.policies) assert.deepStrictEqual(Object.keys(p.configSchema?.properties ?? {}).sort(), ["gateways", "maxLifetimeDays", "now", "separationOfDuties"], p.name);
            assert.deepStrictEqual(pack.configured["agent-trust-pinned"], { enforcementLevel: "mandatory", properties: { maxLifetimeDays: 90, now: NOW } });
        } finally {
            await pack.close();
        }
    });

    it("a hand-written compliant agent role: only no-shadow-agents speaks", async () => {
        const { findings, verdict } = await stack("compliant");
        assertFindings(findings, shadow("triage-runner"));
        assert.deepStrictEqual(verdict.analyze, [], "every guardrail is a stack policy: nothing is reported resource by resource");
        assert.strictEqual(verdict.failed, true, "a shadow agent is mandatory: the engine fails the preview");
    });

    describe("agent-trust-pinned", () => {
        it("reports AWS principals, StringLike and missing pins, a trust date beyond the expiry tag and long sessions", async () => {
            assertFindings((await stack("trust")).findings, [
                ["agent-trust-pinned", "anyone", `is an agent role (its trust reads the workload condition key aws:RequestTag/kubernetes-service-account) and trust statement Pods admits AWS principals ("*")`],
                ["agent-trust-pinned", "other-account", `trust statement Partner admits AWS principals ("arn:aws:iam::${OTHER_ACCOUNT}:root")`],
                ["agent-trust-pinned", "any-pod", `trust statement AnyPod does not pin the pod's service account: add StringEquals "aws:RequestTag/kubernetes-service-account"`],
                ["agent-trust-pinned", "anchor-only", `trust statement AnchorOnly does not pin the SPIFFE ID (certificate URI SAN)`],
                ["agent-trust-pinned", "any-token", `trust statement AnyToken does not pin the service account (token subject)`],
                ["agent-trust-pinned", "any-token", `trust statement AnyToken does not pin the token audience`],
                ["agent-trust-pinned", "beyond-expiry", `trust statement Late ends at 2099-01-01T00:00:00Z but the role's agentid:expires-at tag says ${EXPIRES}`],
                ["agent-trust-pinned", "beyond-expiry", `trust statement Late ends at 2099-01-01T00:00:00Z, more than 90 days after now (${NOW})`],
                ["agent-trust-pinned", "long-sessions", "allows sessions of 43200s; agents get at most 3600s"],
                ...shadow("anyone", "other-account", "any-pod", "anchor-only", "any-token", "beyond-expiry", "long-sessions"),
            ]);
        });

        it("each reported trust really admits someone else; the compliant twin refuses the same request (simulator)", async () => {
            const j = await stack("trust");
            const twin = trustOf(await stack("compliant"), "triage-runner");
            const pod = (sa: string) => ({ "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": sa, "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod` });
            const attempts: [role: string, principal: string, action: string, context: Record<string, string>, twinRefuses: boolean][] = [
                ["anyone", ATTACKER, "sts:AssumeRole", { "aws:RequestTag/kubernetes-service-account": "anyone" }, true],
                ["other-account", ATTACKER, "sts:AssumeRole", {}, true],
                ["any-pod", "pods.eks.amazonaws.com", "sts:AssumeRole", pod("ci-runner"), true],
                ["anchor-only", "rolesanywhere.amazonaws.com", "sts:AssumeRole", { "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/billing", "aws:SourceArn": ANCHOR }, false],
                ["any-token", OIDC, "sts:AssumeRoleWithWebIdentity", {}, false],
                ["beyond-expiry", "rolesanywhere.amazonaws.com", "sts:AssumeRole", { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR, "aws:CurrentTime": AFTER_EXPIRY }, false],
            ];
            for (const [role, principal, action, context, twinRefuses] of attempts) {
                assert.strictEqual(await assume(trustOf(j, role), principal, action, context), "Allowed", `${role}: the simulator admits ${principal}`);
                if (twinRefuses) assert.strictEqual(await assume(twin, principal, action, context), "Denied", `${role}: the compliant trust refuses ${principal}`);
            }
            // The twin admits its own workload, so its refusals above are not a blanket denial.
            assert.strictEqual(await assume(twin, "pods.eks.amazonaws.com", "sts:AssumeRole", pod("triage-runner")), "Allowed");
        });
    });

    describe("agent-least-privilege", () => {
        it("reports AdministratorAccess attached, NotAction inline, unknown managed ARNs, Policy + PolicyAttachment, NotResource and an unreviewable computed policy", async () => {
            assertFindings((await stack("permissions")).findings, [
                ["agent-least-privilege", "admin-attached-admin", `on agent role aws.iam.Role "admin-attached": policyArn arn:aws:iam::aws:policy/AdministratorAccess is an AWS managed policy`],
                ["agent-least-privilege", "inline-not-action", `inline policy "everything-but", statement AllButS3: NotAction allows every action except ["s3:*"]`],
                ["agent-least-privilege", "inline-not-action", `inline policy "everything-but", statement AllButS3: "*" as a resource means everything`],
                ["agent-least-privilege", "managed-arn", `managedPolicyArns arn:aws:iam::${ACCOUNT}:policy/shared-ops is a managed policy this stack does not define`],
                ["agent-least-privilege", "policy-attached-bucket-admin", `on agent role aws.iam.Role "policy-attached": policyArn aws.iam.Policy "bucket-admin", statement Buckets: "s3:*"`],
                ["agent-least-privilege", "policy-attached-bucket-admin", `on agent role aws.iam.Role "policy-attached": policyArn aws.iam.Policy "bucket-admin", statement Buckets: "*" as a resource means everything`],
                ["agent-least-privilege", "not-resource-reads", `statement AllButSecrets: NotResource allows every resource except "arn:aws:s3:::secrets/*"`],
                ["agent-least-privilege", "computed-policy-reports", "its policy is not known at preview (it is computed from other resources' outputs), so nobody can review what it grants an agent"],
                // s3:* holds write actions, and the hand-written role has no approval.
                ["agent-write-approved", "policy-attached", "holds write actions (s3:*) without an approval"],
                ...shadow("admin-attached", "inline-not-action", "managed-arn", "policy-attached", "not-resource", "computed-policy"),
            ]);
        });

        it("each reported grant really allows more than exact actions on exact resources; the compliant grant does not (simulator)", async () => {
            const j = await stack("permissions");
            const inline = (byName(j, "inline-not-action").inputs.inlinePolicies as { policy: string }[]).map((p) => JSON.parse(p.policy));
            const policyOf = (name: string) => JSON.parse(byName(j, name).inputs.policy as string);
            const read = policyOf("not-resource-reads");
            const compliant = JSON.parse(byName(await stack("compliant"), "triage-runner-read").inputs.policy as string);
            assert.strictEqual(byName(j, "admin-attached-admin").inputs.policyArn, "arn:aws:iam::aws:policy/AdministratorAccess");
            assert.strictEqual(await perform([ADMINISTRATOR_ACCESS], "iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/backdoor`), "Allowed");
            assert.strictEqual(await perform(inline, "iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/admin`), "Allowed");
            assert.strictEqual(await perform([policyOf("bucket-admin")], "s3:DeleteBucket", "arn:aws:s3:::payroll"), "Allowed");
            assert.strictEqual(await perform([read], "s3:GetObject", "arn:aws:s3:::payroll/salaries.csv"), "Allowed");
            for (const [action, resource] of [["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/backdoor`], ["s3:DeleteBucket", "arn:aws:s3:::payroll"], ["s3:GetObject", "arn:aws:s3:::payroll/salaries.csv"]]) {
                assert.strictEqual(await perform([compliant], action, resource), "Denied", `the compliant grant refuses ${action} on ${resource}`);
            }
            assert.strictEqual(await perform([compliant], "s3:GetObject", "arn:aws:s3:::tickets/inbound/1.json"), "Allowed");
        });
    });

    describe("agent-owner-and-expiry", () => {
        it("reports untagged agent roles recognised by what they trust, a lifetime beyond the limit, and an annotated service account without an owner", async () => {
            const missing = (role: string, how: string): Expected[] => ["without an owner team", "without an owner contact e-mail", "without an expiry"]
                .map((says) => ["agent-owner-and-expiry", role, `is an agent identity (${how}) ${says}`]);
            assertFindings((await stack("ownership")).findings, [
                ...missing("untagged-pods", "it trusts pods.eks.amazonaws.com"),
                ...missing("untagged-oidc", `it trusts web identities from ${OIDC}`),
                ["agent-owner-and-expiry", "too-long", `that expires 2099-01-01T00:00:00Z, more than 90 days after now (${NOW})`],
                ["agent-trust-pinned", "too-long", "ends at 2099-01-01T00:00:00Z, more than 90 days after now"],
                ["agent-owner-and-expiry", "nobody-owns", "is an agent identity (it carries agentid.dev annotations) without an owner team"],
                ["agent-owner-and-expiry", "nobody-owns", "is an agent identity (it carries agentid.dev annotations) without an owner contact e-mail"],
                ...shadow("untagged-pods", "untagged-oidc", "too-long"),
            ]);
        });

        it("honours maxLifetimeDays from the policy config", async () => {
            const config = Object.fromEntries(GUARDRAILS.map((g) => [g.name, { now: NOW, maxLifetimeDays: 30 }]));
            const { findings } = await judge("compliant", "preview", config);
            assertFindings(findings, [
                ["agent-owner-and-expiry", "triage-runner", `that expires ${EXPIRES}, more than 30 days after now (${NOW}); set tag agentid:expires-at on or before 2026-12-31T00:00:00Z`],
                ["agent-trust-pinned", "triage-runner", `ends at ${EXPIRES}, more than 30 days after now (${NOW})`],
                ...shadow("triage-runner"),
            ]);
        });
    });

    describe("no-static-credentials", () => {
        it("reports access keys, console passwords, Bedrock API keys, signing certificates, SSH keys and token Secrets", async () => {
            const { findings, verdict } = await stack("credentials");
            assertFindings(findings, [
                ["no-static-credentials", "bot-key", `aws.iam.AccessKey "bot-key" is a long-term IAM access key`],
                ["no-static-credentials", "bot-console", `aws.iam.UserLoginProfile "bot-console" is a static console password`],
                ["no-static-credentials", "bot-bedrock-key", `aws.iam.ServiceSpecificCredential "bot-bedrock-key" is a long-term service-specific credential (a Bedrock API key`],
                ["no-static-credentials", "bot-certificate", `aws.iam.SigningCertificate "bot-certificate" is a long-term X.509 signing certificate`],
                ["no-static-credentials", "bot-ssh", `aws.iam.SshKey "bot-ssh" is a long-term SSH key`],
                ["no-static-credentials", "bot-token", `kubernetes.core.v1.Secret "bot-token" (agents/bot-token) is a kubernetes.io/service-account-token Secret`],
            ]);
            assert.strictEqual(verdict.failed, true);
        });

        it("reports them as advisory when the policy config says so, and the engine lets the preview pass", async () => {
            const { verdict } = await judge("credentials", "preview", { ...POLICY_CONFIG, "no-static-credentials": { enforcementLevel: "advisory", now: NOW } });
            assert.deepStrictEqual([...new Set(verdict.analyzeStack.map((d) => `${d.policy} ${d.level}`))], ["no-static-credentials advisory"]);
            assert.strictEqual(verdict.analyzeStack.length, 6);
            assert.strictEqual(verdict.failed, false);
        });
    });

    describe("agent-write-approved", () => {
        it("reports write actions without an approval and an approval for other grants", async () => {
            assertFindings((await stack("writes")).findings, [
                ["agent-write-approved", "unapproved-writer", "holds write actions (s3:PutObject) without an approval; declare spec.approval"],
                ["agent-write-approved", "stale-approval", "approval CHG-1 by alice was for grants sha256:old, but the grants are now sha256:new"],
                ...shadow("unapproved-writer", "stale-approval"),
            ]);
        });
    });

    describe("agent-separation-of-duties", () => {
        const RULE = { name: "no-pay-and-export", forbid: [
            { connector: "aws.secretsmanager", access: "read", resources: [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:payments/*`] },
            { connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::customer-exports/*"] },
        ] };
        const withRule: PolicyConfigFile = Object.fromEntries(GUARDRAILS.map((g) => [g.name, { now: NOW, separationOfDuties: [RULE] }]));

        it("reports the role holding both duties of the configured rule, not its twin; silent without the rule", async () => {
            assertFindings((await judge("duties", "preview", withRule)).findings, [
                ["agent-separation-of-duties", "pay-and-export", `holds every duty of separation-of-duties rule "no-pay-and-export": aws.secretsmanager read on arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:payments/* through aws.iam.RolePolicy "pay-and-export-read"; aws.s3 read on arn:aws:s3:::customer-exports/* through aws.iam.RolePolicy "pay-and-export-read"`],
                ...shadow("pay-and-export", "pay-only"),
            ]);
            assertFindings((await stack("duties")).findings, shadow("pay-and-export", "pay-only"));
        });

        it("the simulator confirms the flagged role reaches both, its twin only the secret", async () => {
            const judged = await stack("duties");
            const policyOf = (name: string) => JSON.parse(byName(judged, name).inputs.policy as string);
            const reaches = async (policy: unknown, action: string, resource: string) => {
                const result = await runSimulation({
                    request: { principal: `arn:aws:iam::${ACCOUNT}:role/agent`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": BEFORE_EXPIRY } },
                    identityPolicies: [{ name: "grants", policy }], serviceControlPolicies: [], resourceControlPolicies: [],
                }, {});
                if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
                return result.overallResult === "Allowed" ? "Allowed" : "Denied";
            };
            const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:payments/stripe-key-AbCdEf`;
            const export_ = "arn:aws:s3:::customer-exports/daily/2026-12-01.csv";
            assert.deepStrictEqual([
                await reaches(policyOf("pay-and-export-read"), "secretsmanager:GetSecretValue", secret),
                await reaches(policyOf("pay-and-export-read"), "s3:GetObject", export_),
                await reaches(policyOf("pay-only-read"), "secretsmanager:GetSecretValue", secret),
                await reaches(policyOf("pay-only-read"), "s3:GetObject", export_),
            ], ["Allowed", "Allowed", "Allowed", "Denied"]);
        });
    });

    describe("agent-kubernetes-access", () => {
        const expected: Expected[] = [
            ["agent-kubernetes-access", "cluster-wide-view", `binds agent service account agents/cluster-wide to ClusterRole "view" in every namespace of the cluster`],
            ["agent-kubernetes-access", "star-verbs", `gives agent service account agents/star-verbs Role "star-verbs": rule 1 holds "*" in verbs`],
            ["agent-kubernetes-access", "all-secrets", `gives agent service account agents/all-secrets Role "all-secrets": rule 1 reaches every secret of the namespace`],
            ["agent-kubernetes-access", "escalates", `gives agent service account agents/escalates Role "escalates": rule 1 grants escalate`],
            ["agent-kubernetes-access", "mounts-token", "is an agent service account (it carries agentid.dev annotations) that mounts a long-lived API token into every pod"],
        ];

        it("reports cluster-wide bindings, \"*\", all secrets, escalation and an undeclared token mount; not the exact Role", async () => {
            assertFindings((await stack("kubernetes")).findings, expected);
        });

        describe("the same stack through the real engine (pulumi preview --policy-pack, Kubernetes provider rendering YAML)", () => {
            before(function () {
                requireEngine(this);
                announceEngine();
            });

            it("reports exactly what the harness reports", async () => {
                const work = scratch("e2e-guardrails");
                const dir = path.join(work, "handwritten");
                fs.mkdirSync(dir);
                fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: handwritten\nruntime: nodejs\nmain: index.js\n");
                fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "handwritten", private: true }));
                fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
                fs.writeFileSync(path.join(dir, "index.js"), `require(${JSON.stringify(PROGRAM)});\n`);
                const engine = await LocalWorkspace.createOrSelectStack({ stackName: "e2e", workDir: dir }, {
                    envVars: engineEnv(path.join(work, "state")), pulumiCommand: await PulumiCommand.get({ root: toolchainRoot() }),
                });
                await engine.setAllConfig({ "e2e:stack": { value: "kubernetes" }, "e2e:renderTo": { value: path.join(work, "manifests") } });
                const configFile = path.join(work, "policy-config.json");
                fs.writeFileSync(configFile, JSON.stringify(POLICY_CONFIG));
                const failure = await engine.preview({ policyPacks: [PACK], policyPackConfigs: [configFile] }).then(() => undefined, (e: Error) => e);
                assert.ok(failure, "the mandatory violations fail the preview");
                const shown = engineFindings(failure.message);
                const harness = (await stack("kubernetes")).findings;
                assert.deepStrictEqual(shown, [...harness].sort(byText));
                assert.strictEqual(shown.length, expected.length);
            });
        });
    });

    describe("what agentid generates: the sample fleet (agents/, every platform) and an agent with computed documents", () => {
        for (const mode of ["preview", "update"] as const) {
            it(`passes every guardrail at ${mode}, on a stack holding every resource type the policies inspect`, async () => {
                const { findings, resources, verdict } = await stack("clean", mode);
                assert.deepStrictEqual(findings, []);
                assert.deepStrictEqual([verdict.failed, verdict.notApplicable], [false, []]);
                const count = (type: string) => resources.filter((r) => r.type === type).length;
                assert.deepStrictEqual(INSPECTED_TYPES.filter((t) => count(t) === 0), [], "the fleet registers a resource of every type the policies inspect");
                assert.strictEqual(count("aws:iam/role:Role"), 5);
            });
        }

        for (const mode of ["preview", "update"] as const) {
            it(`passes an AgentCore agent with its own OAuth provider and no fleet account at ${mode} (its trust, tags and grants unknown at preview)`, async () => {
                const { findings, resources, verdict } = await stack("computed", mode);
                assert.deepStrictEqual([findings, verdict.failed], [[], false]);
                const role = byName({ resources, verdict, findings }, "research-role");
                const unknown = (value: unknown) => JSON.stringify(value).includes(UNKNOWN_VALUE);
                assert.deepStrictEqual(["assumeRolePolicy", "tags"].map((k) => unknown(role.inputs[k])), mode === "preview" ? [true, true] : [false, false]);
                assert.strictEqual(unknown(byName({ resources, verdict, findings }, "research-grants").inputs.policy), mode === "preview");
            });
        }

        it("the simulator agrees: no generated trust admits another account, no generated grant allows IAM (update, all values known)", async () => {
            const { resources } = await stack("clean", "update");
            const roles = resources.filter((r) => r.type === "aws:iam/role:Role");
            const policies = resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map((r) => JSON.parse(r.inputs.policy as string));
            assert.strictEqual(policies.length > 0, true);
            for (const r of roles) assert.strictEqual(await assume(JSON.parse(r.inputs.assumeRolePolicy as string), ATTACKER, "sts:AssumeRole"), "Denied", r.name);
            for (const [action, resource] of [["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/backdoor`], ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`], ["sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/admin`]]) {
                assert.strictEqual(await perform(policies, action, resource), "Denied", action);
                assert.strictEqual(await perform([ADMINISTRATOR_ACCESS], action, resource), "Allowed", `${action}: the simulator would allow it to an administrator`);
            }
        });
    });
});

const byText = (a: Finding, b: Finding) => `${a.policy} ${a.resource} ${a.says}`.localeCompare(`${b.policy} ${b.resource} ${b.says}`);

/**
 * The violations in `pulumi preview` output: in the "Policies:" section (the CLI error quotes the output, so
 * the first one), each `- [level]  policy  (type: name)` line is followed by the policy's description and
 * then the violation's text.
 */
function engineFindings(output: string): Finding[] {
    const start = output.indexOf("\nPolicies:\n");
    assert.ok(start >= 0, `the preview shows no policy section:\n${output}`);
    const lines = output.slice(start, output.indexOf("\n\n", start)).split("\n");
    const out: Finding[] = [];
    lines.forEach((line, i) => {
        const m = /^\s*- \[(?:mandatory|advisory)\]\s+([a-z-]+)\s+\(.*: ([^:]+)\)$/.exec(line);
        if (m) out.push({ policy: m[1], resource: m[2], says: lines[i + 2].trim() });
    });
    return out.sort(byText);
}
