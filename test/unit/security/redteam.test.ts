import { registrations, settled } from "../../helpers/mocks";
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { Agent, AgentArgs } from "../../../provider/components/agent";
import { AgentFleet } from "../../../provider/components/agentFleet";
import { ACCOUNT, agentDoc, ANCHOR, FLEET, naivePolicy, show, simulate, simulateTrust, validate, fleetDir } from "../../helpers/attacks";
import { NOW } from "../../helpers/fixtures";

/**
 * Red-team findings against issue 12's promise — each grant reaches exactly what it names, an identity
 * belongs to one agent, nothing outlives the agent's expiry. Every test reproduces one escape through a
 * public path (a declaration through `agentid validate`/`show`, or the Agent/AgentFleet components under
 * Pulumi mocks). An independent judge first shows the escape is real — the IAM simulator
 * (@cloud-copilot/iam-simulate), SPIRE's / spire-controller-manager's behaviour (source cited), or AWS's
 * documentation (cited beside the test) — then the test asserts what the guarantee requires. Each accepts
 * either fix (refuse the declaration, or generate something the judge denies). Every one failed on a1059cd
 * (the red team's findings) and passes since the fixes that followed.
 */

const APPROVAL = { ticket: "SEC-9", approvers: ["sec@example.com"] };
const FORBIDDEN_RULES = ["escalation-action", "permissions-management", "iam-sensitive-action"];
const BEFORE_EXPIRY = "2027-01-01T00:00:00Z";

/** `show` for an agent whose fleet validates; undefined when `validate` refuses it. */
async function showIfValid(docs: Record<string, unknown>[], agent: string, fleet: Record<string, unknown> = FLEET): Promise<any> {
    return (await validate(docs, fleet)).code === 0 ? show(docs, agent, NOW, fleet) : undefined;
}

/** The simulator with a permissions boundary on the agent's role (AWS: an action must be allowed by both). */
async function simulateBounded(policy: unknown, boundary: unknown, action: string, resource: string): Promise<"Allowed" | "Denied"> {
    const result = await runSimulation({
        request: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/agent-attacker/session`, action,
            resource: { resource, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": BEFORE_EXPIRY },
        },
        identityPolicies: [{ name: "policy", policy }], serviceControlPolicies: [], resourceControlPolicies: [],
        permissionBoundaryPolicies: [{ name: "boundary", policy: boundary }],
    }, {});
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

/** Roles Anywhere presenting an X.509 SVID with this URI SAN through this trust anchor. */
function rolesAnywhere(spiffeId: string, anchor = ANCHOR, time = BEFORE_EXPIRY): Record<string, string> {
    return { "aws:PrincipalTag/x509SAN/URI": spiffeId, "aws:SourceArn": anchor, "aws:CurrentTime": time };
}

/** The last role the mocks registered under this resource name. */
function registeredRole(name: string): { inputs: Record<string, any> } | undefined {
    return registrations.filter((r) => r.type === "aws:iam/role:Role" && r.name === name).at(-1);
}

/** Builds a component, reporting its refusal message ("" when it was accepted). */
function construct(build: () => unknown): string {
    try {
        build();
        return "";
    } catch (error) {
        return (error as Error).message;
    }
}

/** The platform team's boundary in these tests: agents may read S3 and nothing else. */
const S3_READ_BOUNDARY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }] };
/** The content of the AWS managed policy `arn:aws:iam::aws:policy/AdministratorAccess`. */
const ADMINISTRATOR_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe("red team: IAM policy variables are wildcards in disguise", () => {
    // AWS IAM User Guide, "IAM policy elements: Variables and tags": with Version 2012-10-17, `${key}` in the
    // resource part of an ARN (after the fifth colon) is replaced by the value of that request-context key, and
    // global condition keys may be used. aws:UserAgent is a global key whose value the CALLER sends in the
    // User-Agent header (global condition keys page: "unauthorized parties can ... provide any aws:UserAgent
    // value that they choose"). So `secret:${aws:UserAgent}` reaches whatever secret the caller names.
    const SECRET = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}`;

    it("refuses ${aws:UserAgent} in an aws.iam resource: a read grant with no approval reaches every secret of the account", async () => {
        const declared = SECRET("${aws:UserAgent}");
        const victim = SECRET("prod/root-db-AbCdEf");
        // The judge: the declared statement, passed through, lets a caller read any secret by naming it as its User-Agent.
        assert.strictEqual(await simulate(naivePolicy(["secretsmanager:GetSecretValue"], [declared]), "secretsmanager:GetSecretValue", victim, { "aws:UserAgent": "prod/root-db-AbCdEf" }), "Allowed");
        const doc = agentDoc("ua-thief", { grants: [{ connector: "aws.iam", actions: ["secretsmanager:GetSecretValue"], resources: [declared] }] });
        const shown = await showIfValid([doc], "ua-thief");
        const reach = shown && await simulate(shown.aws.permissionPolicy, "secretsmanager:GetSecretValue", victim, { "aws:UserAgent": "prod/root-db-AbCdEf" });
        assert.ok(!shown || reach === "Denied", `accepted (risk ${shown?.grants[0].risk}, needsApproval ${shown?.grants[0].needsApproval}); the generated policy reads ${victim}: ${reach}`);
    });

    it("refuses ${aws:UserAgent} in an aws.s3 key: `tickets/${aws:UserAgent}` reaches every folder of the bucket", async () => {
        const doc = agentDoc("ua-reader", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/${aws:UserAgent}"] }] });
        assert.strictEqual(await simulate(naivePolicy(["s3:GetObject"], ["arn:aws:s3:::tickets/${aws:UserAgent}/*"]), "s3:GetObject", "arn:aws:s3:::tickets/payroll/2027-01.csv", { "aws:UserAgent": "payroll" }), "Allowed");
        const shown = await showIfValid([doc], "ua-reader");
        const reach = shown && await simulate(shown.aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::tickets/payroll/2027-01.csv", { "aws:UserAgent": "payroll" });
        assert.ok(!shown || reach === "Denied", `accepted; with User-Agent "payroll" the generated policy reads tickets/payroll/: ${reach} (${JSON.stringify(shown?.aws.permissionPolicy.Statement[0].Resource)})`);
    });

    it("refuses ${aws:UserAgent} as a DynamoDB table through aws.iam: every table of the account", async () => {
        const table = (name: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}`;
        assert.strictEqual(await simulate(naivePolicy(["dynamodb:GetItem"], [table("${aws:UserAgent}")]), "dynamodb:GetItem", table("payroll"), { "aws:UserAgent": "payroll" }), "Allowed");
        const doc = agentDoc("ua-tables", { grants: [{ connector: "aws.iam", actions: ["dynamodb:GetItem"], resources: [table("${aws:UserAgent}")] }] });
        const shown = await showIfValid([doc], "ua-tables");
        const reach = shown && await simulate(shown.aws.permissionPolicy, "dynamodb:GetItem", table("payroll"), { "aws:UserAgent": "payroll" });
        assert.ok(!shown || reach === "Denied", `accepted; the generated policy reads table payroll: ${reach}`);
    });

    it("(judge check, passes) the simulator resolves ${aws:UserAgent} from the request and reads ${*} as a literal", async () => {
        const policy = naivePolicy(["s3:GetObject"], ["arn:aws:s3:::tickets/${aws:UserAgent}"]);
        assert.strictEqual(await simulate(policy, "s3:GetObject", "arn:aws:s3:::tickets/a", { "aws:UserAgent": "a" }), "Allowed");
        assert.strictEqual(await simulate(policy, "s3:GetObject", "arn:aws:s3:::tickets/a", { "aws:UserAgent": "b" }), "Denied");
        assert.strictEqual(await simulate(naivePolicy(["s3:GetObject"], ["arn:aws:s3:::tickets/${*}"]), "s3:GetObject", "arn:aws:s3:::tickets/a"), "Denied");
    });
});

describe("red team: S3 keys that collapse into a broader scope", () => {
    it("does not turn `bucket//` (keys under \"/\") into the whole bucket", async () => {
        // S3 keys may start with "/": `tickets//` names the objects whose keys start with "/" (a folder named "").
        const doc = agentDoc("slashes", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets//"] }] });
        const shown = await showIfValid([doc], "slashes");
        const reach = shown && await simulate(shown.aws.permissionPolicy, "s3:GetObject", "arn:aws:s3:::tickets/payroll/salaries.csv");
        assert.ok(!shown || reach === "Denied", `arn:aws:s3:::tickets// became ${JSON.stringify(shown?.aws.permissionPolicy.Statement.map((s: { Resource: string[] }) => s.Resource))}: the whole bucket`);
    });
});

describe("red team: escalation actions missing from the documented list", () => {
    // [action, a resource of a type the action accepts (iam-data), why it escalates (AWS API reference)].
    // None needs iam:PassRole: each acts through a role or identity that already exists.
    const R = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
    const missing: [string, string, string][] = [
        ["cognito-identity:GetOpenIdTokenForDeveloperIdentity", R("cognito-identity", "identitypool/us-east-1:0e2c1d3a-1111-2222-3333-444455556666"),
            "is Read level (no approval at all) and mints an OpenID token (TokenDuration up to 24 h, past the agent's expiry) for ANY developer identity of the pool, exchangeable for the pool role's credentials"],
        ["sso-oauth:CreateTokenWithIAM", `arn:aws:sso::${ACCOUNT}:application/ssoins-1234567890abcdef/apl-1234567890abcdef`,
            "issues IAM Identity Center tokens for users (trusted identity propagation); sso:* is refused but this is the sso-oauth prefix"],
        ["sagemaker:CreatePresignedDomainUrl", R("sagemaker", "user-profile/d-abc123def456/data-scientist"),
            "opens SageMaker Studio as a user profile, running code as its execution role (CreatePresignedNotebookInstanceUrl is listed)"],
        ["elasticmapreduce:AddJobFlowSteps", R("elasticmapreduce", "cluster/j-2AXXXXXXGAPLF"),
            "runs arbitrary steps (commands) on the cluster's nodes as the cluster's EC2 instance profile"],
        ["batch:SubmitJob", R("batch", "job-definition/nightly-etl:3"),
            "runs arbitrary code (containerOverrides.command) as the job definition's jobRoleArn"],
        ["bedrock-agentcore:InvokeCodeInterpreter", R("bedrock-agentcore", "code-interpreter-custom/analyst_ci-a1b2c3d4e5"),
            "executes arbitrary code in a custom code interpreter as its execution role"],
        ["ssm:RegisterTaskWithMaintenanceWindow", R("ssm", "maintenancewindow/mw-0123456789abcdef0"),
            "registers RUN_COMMAND tasks on the window's targets (ServiceRoleArn optional: the SSM service-linked role), like the listed ssm:SendCommand"],
        ["glue:RunStatement", R("glue", "session/etl-interactive"),
            "runs code in an existing interactive session as its role (glue:CreateSession is listed)"],
        ["athena:StartCalculationExecution", R("athena", "workgroup/spark"),
            "runs Spark code in an Apache Spark workgroup as the workgroup's execution role"],
        ["servicecatalog:ProvisionProduct", R("catalog", "product/prod-abcdefghijklm"),
            "provisions a product through its launch-constraint role (CloudFormation as that role)"],
        ["rds:ModifyDBSnapshotAttribute", R("rds", "snapshot:ledger-nightly"),
            "shares a DB snapshot with any account or publicly (ec2:ModifySnapshotAttribute is listed)"],
        ["rds:ModifyDBClusterSnapshotAttribute", R("rds", "cluster-snapshot:ledger-nightly"),
            "shares a cluster snapshot with any account or publicly"],
        ["redshift:GetClusterCredentials", R("redshift", "dbuser:analytics/admin"),
            "mints database credentials for any DB user (admin included, AutoCreate)"],
        ["cognito-idp:AdminSetUserPassword", R("cognito-idp", "userpool/us-east-1_AbCdEf123"),
            "sets any user's password, then signs in as that user"],
        ["cognito-idp:AdminInitiateAuth", R("cognito-idp", "userpool/us-east-1_AbCdEf123"),
            "authenticates as users server-side (ADMIN_USER_PASSWORD_AUTH, custom auth)"],
        ["cognito-identity:UpdateIdentityPool", R("cognito-identity", "identitypool/us-east-1:0e2c1d3a-1111-2222-3333-444455556666"),
            "can set AllowUnauthenticatedIdentities, handing the pool's unauthenticated role to anyone"],
        ["ds:ResetUserPassword", R("ds", "directory/d-1234567890"),
            "resets a directory user's password and acts as that user"],
        ["es:UpdateDomainConfig", R("es", "domain/search"),
            "writes the domain's resource policy (its AccessPolicies field) under a Write-level name"],
        ["gamelift:GetInstanceAccess", R("gamelift", "fleet/fleet-2222bbbb-33cc-44dd-55ee-6666ffff77gg"),
            "is Read level and returns credentials for a fleet instance, which runs with the fleet's instance role"],
        ["lightsail:GetInstanceAccessDetails", R("lightsail", "Instance/1a2b3c4d-5e6f"),
            "returns temporary SSH keys for an instance (ec2-instance-connect:SendSSHPublicKey is listed)"],
        ["airflow:CreateCliToken", R("airflow", "environment/etl"),
            "runs Airflow CLI commands in the environment, which execute as its execution role"],
        ["sns:Subscribe", R("sns", "ops-pages"),
            "subscribes any endpoint (an outside URL, another account's queue) to the topic, a feed that outlives the agent's expiry"],
        ["logs:PutSubscriptionFilter", R("logs", "log-group:/billing/app"),
            "streams the log group to another account's destination, a stream that outlives the agent's expiry"],
    ];
    for (const [action, resource, why] of missing) {
        it(`refuses ${action}, which ${why}`, async () => {
            assert.strictEqual(await simulate(naivePolicy([action], [resource]), action, resource), "Allowed");
            const verdict = await validate([agentDoc("escalator", { approval: APPROVAL, grants: [{ connector: "aws.iam", actions: [action], resources: [resource] }] })]);
            assert.ok(verdict.code === 1 && verdict.rules.some((r) => FORBIDDEN_RULES.includes(r)), `${action} validates with an approval (rules: ${JSON.stringify(verdict.rules)}); it ${why}`);
        });
    }
});

describe("red team: one identity, one agent", () => {
    const spire = (selectors: string[], parentId = "spiffe://example.org/node/a") => ({ parentId, selectors });
    /**
     * SPIRE's matching (docs, "Registering workloads"): a workload is issued an entry's SVID when it has ALL of
     * the entry's selectors. Returns the entries a workload with these selectors receives under its node.
     */
    const entriesFor = (workload: string[], entries: { name: string; selectors: string[] }[]) =>
        entries.filter((e) => e.selectors.every((s) => workload.includes(s))).map((e) => e.name);
    const victim = agentDoc("vm-victim", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(["unix:uid:1001"]) } });

    it("refuses a SPIRE selector set that is a superset of another agent's: every workload of the second also gets the first's SVID", async () => {
        const twinSelectors = ["unix:uid:1001", "unix:path:/opt/twin/agent"];
        const twin = agentDoc("vm-twin", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(twinSelectors) } });
        const entries = [{ name: "vm-victim", selectors: ["unix:uid:1001"] }, { name: "vm-twin", selectors: twinSelectors }];
        assert.deepStrictEqual(entriesFor(["unix:uid:1001", "unix:gid:1001", "unix:path:/opt/twin/agent"], entries), ["vm-victim", "vm-twin"], "the twin's process holds the victim's SVID too");
        const victimTrust = (await show([victim], "vm-victim")).aws.trustPolicy;
        assert.strictEqual(await simulateTrust(victimTrust, "rolesanywhere.amazonaws.com", "sts:AssumeRole", rolesAnywhere("spiffe://example.org/agents/vm-victim")), "Allowed");
        const verdict = await validate([victim, twin]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.rule]), [["vm-twin", "identity-shared"]]);
    });

    it("refuses selector sets of different kinds under one node: a pod's process also has a uid, so it matches both", async () => {
        const k8sSelectors = ["k8s:ns:agents", "k8s:sa:billing"];
        const billing = agentDoc("billing", { identity: { aws: { trust: "rolesAnywhere" }, kubernetes: {}, spire: spire(k8sSelectors) } });
        const byUid = agentDoc("uid-rider", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(["unix:uid:1000"]) } });
        // A billing pod's process running as uid 1000, attested by the k8s and unix workload attestors of one SPIRE agent.
        const pod = [...k8sSelectors, "k8s:pod-name:billing-7d9f", "unix:uid:1000", "unix:gid:1000"];
        assert.deepStrictEqual(entriesFor(pod, [{ name: "billing", selectors: k8sSelectors }, { name: "uid-rider", selectors: ["unix:uid:1000"] }]), ["billing", "uid-rider"]);
        const verdict = await validate([billing, byUid]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.path, e.rule, e.message.replace(/\(\/[^)]*\/fleet\.yaml:/, "(fleet.yaml:")]), [["uid-rider", "spec.identity.spire.selectors", "identity-shared",
            `SPIRE selectors [unix:uid:1000] and agent "billing"'s [k8s:ns:agents, k8s:sa:billing] (fleet.yaml:15) under parent spiffe://example.org/node/a can match one workload (nothing in them excludes each other): it would receive both agents' SVIDs — add a selector both sets pin with different values (e.g. unix:uid), or register the agents under two nodes' own SPIRE agent IDs (spiffe://<trust domain>/spire/agent/…)`]]);
    });

    it("accepts selector sets under one node that pin one key to different values, and sets of different kinds under two nodes' own SPIRE agent IDs", async () => {
        const vm = (name: string, uid: number, parentId?: string) => agentDoc(name, { identity: { aws: { trust: "rolesAnywhere" }, spire: spire([`unix:uid:${uid}`, "unix:path:/opt/agent/run"], parentId) } });
        const billing = agentDoc("billing", { identity: { aws: { trust: "rolesAnywhere" }, kubernetes: {}, spire: spire(["k8s:ns:agents", "k8s:sa:billing"], "spiffe://example.org/spire/agent/k8s_psat/prod/node-1") } });
        assert.deepStrictEqual(entriesFor(["unix:uid:1000", "unix:path:/opt/agent/run"], [{ name: "a", selectors: ["unix:uid:1000", "unix:path:/opt/agent/run"] }, { name: "b", selectors: ["unix:uid:1001", "unix:path:/opt/agent/run"] }]), ["a"]);
        assert.deepStrictEqual((await validate([vm("vm-a", 1000), vm("vm-b", 1001)])).errors, []);
        assert.deepStrictEqual((await validate([billing, vm("vm-a", 1000, "spiffe://example.org/spire/agent/join_token/vm-1")])).errors, []);
    });

    it("refuses selector sets of different kinds under two node aliases: one SPIRE agent receives the entries of both parents", async () => {
        // SPIRE v1.13.3 pkg/server/authorizedentries/cache.go GetAuthorizedEntries: a node's SPIRE agent receives the
        // entries parented to its own ID, to every node alias (entry parented to spiffe://<td>/spire/server) whose
        // selectors it has, and to every entry reached from those (appendDescendents). Its workload API then gives a
        // workload every entry whose selectors it has, whatever the parent (pkg/agent/manager/cache).
        const server = "spiffe://example.org/spire/server";
        const registry = [
            { spiffeId: "spiffe://example.org/node/a", parentId: server, selectors: ["k8s_psat:cluster:prod"] },
            { spiffeId: "spiffe://example.org/node/b", parentId: server, selectors: ["k8s_psat:agent_ns:spire"] },
            { spiffeId: "spiffe://example.org/agents/billing", parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:billing"] },
            { spiffeId: "spiffe://example.org/agents/uid-rider", parentId: "spiffe://example.org/node/b", selectors: ["unix:uid:1000"] },
        ];
        const authorized = (agentId: string, agentSelectors: string[]) => {
            const aliases = registry.filter((e) => e.parentId === server && e.selectors.every((s) => agentSelectors.includes(s))).map((e) => e.spiffeId);
            const found: typeof registry = [];
            const crawl = (parent: string) => registry.filter((e) => e.parentId === parent && !found.includes(e)).forEach((e) => { found.push(e); crawl(e.spiffeId); });
            [agentId, ...aliases].forEach(crawl);
            return found.map((e) => ({ name: e.spiffeId.replace("spiffe://example.org/agents/", ""), selectors: e.selectors }));
        };
        const node1 = authorized("spiffe://example.org/spire/agent/k8s_psat/prod/node-1", ["k8s_psat:cluster:prod", "k8s_psat:agent_ns:spire"]);
        const pod = ["k8s:ns:agents", "k8s:sa:billing", "k8s:pod-name:billing-7d9f", "unix:uid:1000", "unix:gid:1000"];
        assert.deepStrictEqual(entriesFor(pod, node1), ["billing", "uid-rider"], "the billing pod's process holds both SVIDs");
        const billing = agentDoc("billing", { identity: { aws: { trust: "rolesAnywhere" }, kubernetes: {}, spire: spire(["k8s:ns:agents", "k8s:sa:billing"], "spiffe://example.org/node/a") } });
        const byUid = agentDoc("uid-rider", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(["unix:uid:1000"], "spiffe://example.org/node/b") } });
        const nested = agentDoc("uid-rider", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(["unix:uid:1000"], "spiffe://example.org/agents/billing") } });
        for (const rider of [byUid, nested]) {
            const verdict = await validate([billing, rider]);
            assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.path, e.rule, /can match one workload/.test(e.message)]), [["uid-rider", "spec.identity.spire.selectors", "identity-shared", true]],
                `accepted: under ${(rider.spec as any).identity.spire.parentId} and billing's ${"spiffe://example.org/node/a"}`);
        }
    });

    it("refuses a repeated selector that makes an equal selector set look different", async () => {
        const twin = agentDoc("vm-twin", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(["unix:uid:1001", "unix:uid:1001"]) } });
        assert.deepStrictEqual(entriesFor(["unix:uid:1001"], [{ name: "vm-victim", selectors: ["unix:uid:1001"] }, { name: "vm-twin", selectors: ["unix:uid:1001", "unix:uid:1001"] }]), ["vm-victim", "vm-twin"]);
        const verdict = await validate([victim, twin]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.rule]), [["vm-twin", "identity-shared"]]);
    });

    it("refuses SPIFFE IDs in SPIRE's reserved /spire/ namespace: SPIRE servers' and node agents' own identities", async () => {
        // SPIRE v1.13.3 pkg/server/api/id.go VerifyTrustDomainWorkloadID: a path under /spire/ "is not a workload";
        // spiffe://<td>/spire/agent/... is the SVID of a node's SPIRE agent, spiffe://<td>/spire/server the server's.
        const nodeId = "spiffe://example.org/spire/agent/k8s_psat/prod/6f0a1b2c-node-1";
        const doc = agentDoc("node-rider", { identity: { spiffeId: nodeId, aws: { trust: "rolesAnywhere" } } });
        const shown = await showIfValid([doc], "node-rider");
        // The judge: whoever holds that node agent's SVID (root on the node) would assume the agent's role.
        const viaNode = shown && await simulateTrust(shown.aws.trustPolicy, "rolesanywhere.amazonaws.com", "sts:AssumeRole", rolesAnywhere(nodeId));
        assert.ok(!shown || viaNode === "Denied", `accepted: the node's SPIRE agent SVID assumes the role (${viaNode})`);
    });

    it("refuses a SPIRE DNS name that another agent's SVID already carries", async () => {
        // SPIRE copies an entry's dnsNames into the X.509-SVID's DNS SANs (pkg/server/credtemplate/builder.go
        // applyX509SVIDAttributes); a TLS client checking the host name (RFC 9525) against the SPIRE bundle then
        // accepts either agent as billing.agents.svc.cluster.local.
        const host = "billing.agents.svc.cluster.local";
        const withDns = (name: string) => agentDoc(name, { identity: { aws: { trust: "rolesAnywhere" }, kubernetes: {},
            spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", `k8s:sa:${name}`], dnsNames: [host] } } });
        const sans = await Promise.all(["billing", "mimic"].map(async (name) => (await show([withDns(name)], name)).spire.entry.dnsNames));
        assert.deepStrictEqual(sans, [[host], [host]], "each agent's SVID alone claims the host");
        const verdict = await validate([withDns("billing"), withDns("mimic")]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.rule]), [["mimic", "identity-shared"]]);
    });

    it("refuses a SPIRE DNS name spelled with a Unicode look-alike that TLS clients read as another host", async () => {
        // U+212A KELVIN SIGN: a WHATWG URL parser (Node's URL, browsers) maps it to ASCII `k` (UTS #46), so a client
        // connecting to the declared name asks for kube-api.agents.svc; an X.509 dNSName is IA5String (RFC 5280
        // 4.2.1.6), so SPIRE cannot put the declared spelling in a certificate either.
        const declared = "\u212Aube-api.agents.svc";
        assert.strictEqual(new URL(`https://${declared}/`).hostname, "kube-api.agents.svc");
        const doc = agentDoc("kelvin", { identity: { aws: { trust: "rolesAnywhere" }, kubernetes: {},
            spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:kelvin"], dnsNames: [declared] } } });
        const verdict = await validate([doc]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.path, e.rule, e.message]),
            [["kelvin", "spec.identity.spire.dnsNames[0]", "spire-entry",
                `"${declared}" has a character outside ASCII (U+212A at 0); a DNS name on an SVID is ASCII — write an internationalised name in its xn-- (punycode) form`]]);
    });

    it("refuses an Agent component that takes the SPIFFE ID of an AgentFleet agent in the same program", async () => {
        const victimId = "spiffe://example.org/billing/reconciler";
        new AgentFleet("rt-fleet", { paths: [fleetDir([agentDoc("rt-victim", { identity: { spiffeId: victimId, aws: { trust: "rolesAnywhere" } } })])], now: NOW, platforms: { kubernetes: false, spire: false } });
        await settled();
        // The judge: the victim's role trusts any X.509 SVID carrying its SPIFFE ID.
        assert.strictEqual(await simulateTrust(JSON.parse(registeredRole("rt-victim-role")!.inputs.assumeRolePolicy), "rolesanywhere.amazonaws.com", "sts:AssumeRole", rolesAnywhere(victimId)), "Allowed");
        const impostor: AgentArgs = {
            description: "Impostor", owner: { team: "red", contact: "red@example.com" }, expiresAt: "2027-01-15T00:00:00Z", now: NOW,
            settings: { trustAnchorArn: ANCHOR },
            identity: { spiffeId: victimId, kubernetes: { namespace: "red", serviceAccount: "impostor" }, aws: { trust: "rolesAnywhere" },
                spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:red", "k8s:sa:impostor"] } },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }],
        };
        const refusal = construct(() => new Agent("rt-impostor", impostor));
        await settled();
        const entry = registrations.filter((r) => r.type === "agentid:spire:Entry" && r.name === "rt-impostor-spire").at(-1);
        assert.match(refusal, /identity-shared/, `accepted: its SPIRE entry issues ${JSON.stringify(entry?.inputs.spiffeId)} to the impostor's pods ${JSON.stringify(entry?.inputs.selectors)}`);
    });
});

describe("red team: settings that loosen what the fleet set", () => {
    const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/agent-boundary`;
    const SQS = `arn:aws:sqs:us-east-1:${ACCOUNT}:payment-events`;
    const sqsWriter = (name: string, identity: Record<string, unknown> = { aws: { trust: "rolesAnywhere" } }) =>
        agentDoc(name, { approval: APPROVAL, identity, grants: [{ connector: "aws.sqs", access: "write", resources: [SQS] }] });

    it("refuses a per-agent permissionsBoundaryArn that replaces the fleet's boundary with AdministratorAccess", async () => {
        const fleet = { ...FLEET, spec: { ...FLEET.spec, permissionsBoundaryArn: BOUNDARY } };
        const doc = sqsWriter("unbounded", { aws: { trust: "rolesAnywhere", permissionsBoundaryArn: "arn:aws:iam::aws:policy/AdministratorAccess" } });
        // The judge: the fleet's boundary (here: S3 reads only) stops the agent's SQS writes; AdministratorAccess does not.
        const policy = naivePolicy(["sqs:SendMessage"], [SQS]);
        assert.deepStrictEqual([await simulateBounded(policy, S3_READ_BOUNDARY, "sqs:SendMessage", SQS), await simulateBounded(policy, ADMINISTRATOR_ACCESS, "sqs:SendMessage", SQS)], ["Denied", "Allowed"]);
        const shown = await showIfValid([doc], "unbounded", fleet);
        assert.ok(!shown || shown.aws.permissionsBoundaryArn === BOUNDARY, `accepted: the role's boundary is ${shown?.aws.permissionsBoundaryArn}, not the fleet's ${BOUNDARY}`);
    });

    it("keeps the program's permissions boundary when a Fleet document beside the agents names another", async () => {
        const dir = fleetDir([sqsWriter("doc-loosened")], { ...FLEET, spec: { ...FLEET.spec, permissionsBoundaryArn: "arn:aws:iam::aws:policy/AdministratorAccess" } });
        const refusal = construct(() => new AgentFleet("rt-boundary", { paths: [dir], now: NOW, settings: { awsAccountId: ACCOUNT, permissionsBoundaryArn: BOUNDARY }, platforms: { kubernetes: false, spire: false } }));
        await settled();
        const boundary = registeredRole("doc-loosened-role")?.inputs.permissionsBoundary;
        assert.ok(refusal !== "" || boundary === BOUNDARY, `the Fleet document replaced the program's boundary: the role carries ${boundary}`);
    });

    it("keeps the program's trust anchor when a Fleet document beside the agents names another", async () => {
        const devAnchor = `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/dev-ca`;
        const dir = fleetDir([agentDoc("doc-moved")], { ...FLEET, spec: { ...FLEET.spec, trustAnchorArn: devAnchor } });
        const refusal = construct(() => new AgentFleet("rt-anchor", { paths: [dir], now: NOW, settings: { awsAccountId: ACCOUNT, trustAnchorArn: ANCHOR }, platforms: { kubernetes: false, spire: false } }));
        await settled();
        const role = registeredRole("doc-moved-role");
        const viaDevCa = role && await simulateTrust(JSON.parse(role.inputs.assumeRolePolicy), "rolesanywhere.amazonaws.com", "sts:AssumeRole", rolesAnywhere("spiffe://example.org/agents/doc-moved", devAnchor));
        assert.ok(refusal !== "" || viaDevCa === "Denied", `a certificate through the Fleet document's anchor ${devAnchor} assumes the role (${viaDevCa}); the program pinned ${ANCHOR}`);
    });

    it("does not let a Fleet document trust accounts the program did not list", async () => {
        // The program names its account and no trustedAccountIds: trust settings must be in that account.
        const evilAnchor = "arn:aws:rolesanywhere:us-east-1:210987654321:trust-anchor/evil";
        const dir = fleetDir([agentDoc("foreign", { identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: evilAnchor } } })],
            { ...FLEET, spec: { ...FLEET.spec, trustedAccountIds: ["210987654321"] } });
        const refusal = construct(() => new AgentFleet("rt-accounts", { paths: [dir], now: NOW, settings: { awsAccountId: ACCOUNT }, platforms: { kubernetes: false, spire: false } }));
        await settled();
        const role = registeredRole("foreign-role");
        const viaEvil = role && await simulateTrust(JSON.parse(role.inputs.assumeRolePolicy), "rolesanywhere.amazonaws.com", "sts:AssumeRole", rolesAnywhere("spiffe://example.org/agents/foreign", evilAnchor));
        assert.ok(refusal !== "" || viaEvil === "Denied", `the Fleet document added account 210987654321: the role trusts its anchor (${viaEvil})`);
    });

    it("measures the 365-day ceiling against the real clock, not an injected `now`", async () => {
        // `now` (also config agentid:now, AGENTID_NOW) exists so tests are deterministic; moved forward, it moves the ceiling.
        const day = 86_400_000;
        const realNow = Date.now();
        const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
        const a: AgentArgs = {
            description: "Lives three years", owner: { team: "red", contact: "red@example.com" },
            expiresAt: iso(realNow + 3 * 365 * day), now: iso(realNow + 3 * 365 * day - 30 * day),
            settings: { trustAnchorArn: ANCHOR, maxLifetimeDays: 90 }, identity: { aws: { trust: "rolesAnywhere" } },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }],
        };
        const refusal = construct(() => new Agent("rt-longlived", a));
        await settled();
        const role = registeredRole("rt-longlived-role");
        const inTwoYears = role && await simulateTrust(JSON.parse(role.inputs.assumeRolePolicy), "rolesanywhere.amazonaws.com", "sts:AssumeRole",
            rolesAnywhere("spiffe://example.org/agents/rt-longlived", ANCHOR, iso(realNow + 2 * 365 * day)));
        assert.match(refusal, /expiry-too-far/, `accepted: two years from today the role's trust still lets the agent in (${inTwoYears})`);
    });
});

describe("red team: SVIDs that outlive the agent", () => {
    const k8sSpire = (name: string, extra: Record<string, unknown> = {}) => ({
        aws: { trust: "rolesAnywhere" }, kubernetes: {}, spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", `k8s:sa:${name}`], ...extra },
    });

    it("does not let an agent declare a longer SVID TTL than the fleet allows", async () => {
        const tight = { ...FLEET, spec: { ...FLEET.spec, x509SvidTtl: 300, jwtSvidTtl: 300 } };
        const shown = await showIfValid([agentDoc("long-svid", { identity: k8sSpire("long-svid", { x509SvidTtl: 86400, jwtSvidTtl: 86400 }) })], "long-svid", tight);
        assert.ok(!shown || (shown.spire.entry.x509SvidTtl <= 300 && shown.spire.entry.jwtSvidTtl <= 300),
            `the Fleet caps SVIDs at 300 s; the agent's entry gets x509 ${shown?.spire.entry.x509SvidTtl} s, JWT ${shown?.spire.entry.jwtSvidTtl} s`);
    });

    it("ends the last SVID SPIRE can issue at the agent's expiry", async () => {
        // SPIRE v1.13.3: an X.509-SVID's NotAfter = issuance + TTL, capped only by the CA chain
        // (pkg/server/credtemplate/builder.go computeCappedLifetime); entry expiry is enforced by pruning expired
        // entries every 5 minutes (pkg/server/registration/manager.go _pruningCadence), not when signing. So an SVID
        // issued at the entry's expires_at is valid until expires_at + TTL (later still, by up to the pruning delay).
        const { spire, expiresAt } = await show([agentDoc("svid-tail", { expiresAt: "2027-01-15T00:00:00Z", identity: k8sSpire("svid-tail") })], "svid-tail");
        const lastNotAfter = spire.entry.expiresAt + Math.max(spire.entry.x509SvidTtl, spire.entry.jwtSvidTtl);
        const agentEnd = Date.parse(expiresAt) / 1000;
        assert.ok(lastNotAfter <= agentEnd, `an SVID issued at the entry's expiry is valid until ${new Date(lastNotAfter * 1000).toISOString()}, ${lastNotAfter - agentEnd} s after the agent expired`);
    });

    it("gives no pod the agent's SPIFFE ID through a registration that never expires", async () => {
        // spire-controller-manager v0.6.2: ClusterSPIFFEIDSpec (api/v1alpha1/clusterspiffeid_types.go) has exactly these
        // fields — no expiry — and the entries it writes carry none (pkg/spireapi has no entry ExpiresAt): SPIRE keeps
        // issuing the agent's SVID after expiresAt until a pipeline runs and deletes the ClusterSPIFFEID.
        const CRD_FIELDS = ["spiffeIDTemplate", "ttl", "jwtTtl", "dnsNameTemplates", "workloadSelectorTemplates", "federatesWith", "namespaceSelector",
            "podSelector", "admin", "downstream", "autoPopulateDNSNames", "className", "fallback", "hint"];
        const shown = await showIfValid([agentDoc("forever", { expiresAt: "2027-01-15T00:00:00Z", identity: { aws: { trust: "rolesAnywhere" }, kubernetes: { clusterSpiffeId: true } } })], "forever");
        const unbounded = (shown?.kubernetes.manifests ?? []).filter((m: { kind: string; spec: Record<string, unknown> }) =>
            m.kind === "ClusterSPIFFEID" && Object.keys(m.spec).every((f) => CRD_FIELDS.includes(f)));
        assert.deepStrictEqual(unbounded.map((m: { metadata: { name: string } }) => m.metadata.name), [],
            "a ClusterSPIFFEID has no expiry: the agent's SVIDs keep being issued after 2027-01-15 when no pipeline runs");
    });
});

describe("red team: SaaS scopes", () => {
    it("requires an approval from an agent whose shared OAuth client lets it obtain admin scopes", async () => {
        // agentid's own model (README "SaaS scopes"): GetResourceOauth2Token takes the scopes in the request, so an
        // agent can obtain every scope its OAuth client serves — here the co-user's admin:org and delete_repo.
        const reader = agentDoc("reader", { identity: { aws: { trust: "agentcore" } }, grants: [{ connector: "oauth.github", scopes: ["read:org"] }] });
        const admin = agentDoc("org-admin", { identity: { aws: { trust: "agentcore" } }, approval: APPROVAL, grants: [{ connector: "oauth.github", scopes: ["admin:org", "delete_repo"] }] });
        const verdict = await validate([reader, admin]);
        const shown = verdict.code === 0 ? await show([reader, admin], "reader") : undefined;
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.rule]), [["reader", "approval-required"]],
            `accepted without approval: effective scopes ${JSON.stringify(shown?.grants[0].oauth.effectiveScopes)}, risk ${shown?.grants[0].risk}, needsApproval ${shown?.grants[0].needsApproval}`);
    });
});
