import * as assert from "assert";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import { ACCOUNT, agentDoc, ANCHOR, FLEET, fleetDir, naivePolicy, show, simulate, simulateTrust, validate } from "../../helpers/attacks";
import { cli, NOW } from "../../helpers/fixtures";

/**
 * Each escape an attacker tried, reproduced through the public path (a declaration → `agentid validate`
 * or `agentid show`), with the IAM simulator — which shares no code with agentid — as the judge of what a
 * policy really allows: the attacker's intended statement is allowed (the escape is real), and agentid
 * either refuses the declaration (with its rule id) or generates a policy that denies the neighbour.
 */

const SECRET_ARN = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}`;
const APPROVAL = { ticket: "SEC-9", approvers: ["sec@example.com"] };

describe("attack: wildcards in any part of any resource", () => {
    it("refuses a read-level aws.iam grant on every secret of the account (secret:*), which the simulator would allow", async () => {
        const resources = [SECRET_ARN("*")];
        assert.strictEqual(await simulate(naivePolicy(["secretsmanager:GetSecretValue"], resources), "secretsmanager:GetSecretValue", SECRET_ARN("prod/root-db-AbCdEf")), "Allowed");
        const verdict = await validate([agentDoc("thief", { grants: [{ connector: "aws.iam", actions: ["secretsmanager:GetSecretValue"], resources }] })]);
        assert.deepStrictEqual([verdict.code, verdict.rules], [1, ["wildcard-resource"]]);
        assert.match(verdict.errors[0].message, /has a wildcard in its resource id/);
    });

    const partial: [string, string, string, string][] = [
        // connector, declared resource, the neighbour it would reach, an action of the connector
        ["aws.dynamodb", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/led*`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger-archive`, "dynamodb:GetItem"],
        ["aws.sqs", `arn:aws:sqs:us-east-1:${ACCOUNT}:pay*`, `arn:aws:sqs:us-east-1:${ACCOUNT}:payroll`, "sqs:ReceiveMessage"],
        ["aws.secretsmanager", SECRET_ARN("billing/*"), SECRET_ARN("billing/stripe-live-AbCdEf"), "secretsmanager:GetSecretValue"],
        ["aws.sns", `arn:aws:sns:*:${ACCOUNT}:ops-pages`, `arn:aws:sns:eu-west-1:${ACCOUNT}:ops-pages`, "sns:GetTopicAttributes"],
        ["aws.kms", "arn:aws:kms:us-east-1:*:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab", "kms:Decrypt"],
        ["aws.lambda", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:refund-?ssuer`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:refund-issuer`, "lambda:GetFunctionConfiguration"],
        ["aws.bedrock", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus", "bedrock:InvokeModel"],
        ["aws.s3", "arn:aws:s3:::tickets/in*/x", "arn:aws:s3:::tickets/internal/x", "s3:GetObject"],
        ["aws.s3", "arn:aws:s3:::tick?ts/inbound/*", "arn:aws:s3:::tickets/inbound/t1.json", "s3:GetObject"],
    ];
    for (const [connector, resource, neighbour, action] of partial) {
        it(`refuses ${connector} on ${resource}, which would reach ${neighbour}`, async () => {
            assert.strictEqual(await simulate(naivePolicy([action], [resource]), action, neighbour), "Allowed", "the pattern really reaches the neighbour");
            const verdict = await validate([agentDoc("greedy", { grants: [{ connector, access: "read", resources: [resource] }] })]);
            assert.deepStrictEqual([verdict.code, verdict.rules], [1, ["wildcard-resource"]]);
        });
    }

    it("refuses wildcards in Kubernetes names, resource kinds, API groups, object names and verbs", async () => {
        const grants = [
            { connector: "kubernetes", namespace: "support", resources: ["config*"], verbs: ["get"] },
            { connector: "kubernetes", namespace: "support", resources: ["configmaps"], apiGroups: ["*"], verbs: ["get"] },
            { connector: "kubernetes", namespace: "support", resources: ["configmaps"], resourceNames: ["app-?"], verbs: ["get"] },
            { connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["*"] },
            { connector: "kubernetes", namespace: "supp*", resources: ["configmaps"], verbs: ["get"] },
        ];
        const verdict = await validate([agentDoc("k8s-greedy", { identity: { kubernetes: {} }, grants })]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.path, e.rule]), [
            ["spec.grants[0].resources[0]", "wildcard-resource"],
            ["spec.grants[1].apiGroups[0]", "wildcard-resource"],
            ["spec.grants[2].resourceNames[0]", "wildcard-resource"],
            ["spec.grants[3].verbs[0]", "wildcard-action"],
            ["spec.grants[4].namespace", "wildcard-resource"],
        ]);
    });

    it("scopes an S3 prefix given without /* to that folder: weekly never reaches weekly-secret/", async () => {
        const shown = await show([agentDoc("reporter", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::reports/weekly"] }] })], "reporter");
        const policy = shown.aws.permissionPolicy;
        assert.deepStrictEqual(policy.Statement.map((s: { Resource: string[] }) => s.Resource), [["arn:aws:s3:::reports/weekly/*"], ["arn:aws:s3:::reports"]]);
        assert.strictEqual(await simulate(policy, "s3:GetObject", "arn:aws:s3:::reports/weekly/2027-01.csv"), "Allowed");
        assert.strictEqual(await simulate(policy, "s3:GetObject", "arn:aws:s3:::reports/weekly-secret/salaries.csv"), "Denied");
        assert.strictEqual(await simulate(policy, "s3:ListBucket", "arn:aws:s3:::reports", { "s3:prefix": "weekly/" }), "Allowed");
        assert.strictEqual(await simulate(policy, "s3:ListBucket", "arn:aws:s3:::reports", { "s3:prefix": "weekly-secret/" }), "Denied");
        // What the old pass-through would have reached:
        assert.strictEqual(await simulate(naivePolicy(["s3:GetObject"], ["arn:aws:s3:::reports/weekly*"]), "s3:GetObject", "arn:aws:s3:::reports/weekly-secret/salaries.csv"), "Allowed");
    });

    it("matches a secret named without its suffix with exactly six characters, never a longer name", async () => {
        const shown = await show([agentDoc("reader", { grants: [{ connector: "aws.secretsmanager", access: "read", resources: [SECRET_ARN("billing/stripe")] }] })], "reader");
        const policy = shown.aws.permissionPolicy;
        assert.deepStrictEqual(policy.Statement[0].Resource, [SECRET_ARN("billing/stripe-??????")]);
        assert.strictEqual(await simulate(policy, "secretsmanager:GetSecretValue", SECRET_ARN("billing/stripe-AbCdEf")), "Allowed");
        assert.strictEqual(await simulate(policy, "secretsmanager:GetSecretValue", SECRET_ARN("billing/stripe-live-AbCdEf")), "Denied");
    });

    it("refuses the connector's own scoping forms when a declaration passes them through elsewhere", async () => {
        const verdict = await validate([agentDoc("sneaky", { grants: [
            { connector: "aws.secretsmanager", access: "read", resources: [SECRET_ARN("billing/stripe-??????")] },
            { connector: "aws.iam", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::tickets/inbound/*"] },
        ] })]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.path, e.rule]), [
            ["spec.grants[0].resources[0]", "wildcard-resource"],
            ["spec.grants[1].resources[0]", "wildcard-resource"],
        ]);
    });
});

describe("attack: actions that do not fit their resources", () => {
    it("refuses an action that only works on \"*\"", async () => {
        const verdict = await validate([agentDoc("lister", { grants: [{ connector: "aws.iam", actions: ["s3:ListAllMyBuckets"], resources: ["arn:aws:s3:::tickets"] }] })]);
        assert.deepStrictEqual([verdict.code, verdict.rules], [1, ["action-resource-mismatch"]]);
        assert.match(verdict.errors[0].message, /"s3:ListAllMyBuckets" only works on "Resource": "\*"/);
    });

    it("refuses an action on another service's ARN, naming the types it accepts", async () => {
        const verdict = await validate([agentDoc("confused", { grants: [{ connector: "aws.iam", actions: ["dynamodb:GetItem"], resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger/index/by-date`] }] })]);
        assert.deepStrictEqual(verdict.rules, ["action-resource-mismatch"]);
        assert.match(verdict.errors[0].message, /it accepts table \(arn:\$\{Partition\}:dynamodb:\$\{Region\}:\$\{Account\}:table\/\$\{TableName\}\)/);
    });
});

describe("attack: escalation through aws.iam", () => {
    const escalations: [string, string, string][] = [
        ["kms:CreateGrant", `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, "escalation-action"],
        ["s3:PutBucketPolicy", "arn:aws:s3:::tickets", "permissions-management"],
        ["lambda:UpdateFunctionCode", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:refund-issuer`, "escalation-action"],
        ["ssm:SendCommand", `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`, "escalation-action"],
        ["bedrock-agentcore:GetResourceOauth2Token", `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-github`, "escalation-action"],
        ["sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/admin`, "iam-sensitive-action"],
        ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`, "iam-sensitive-action"],
        ["eks:CreateAccessEntry", `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`, "escalation-action"],
        ["ec2:RunInstances", `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`, "escalation-action"],
        ["organizations:DescribeOrganization", `arn:aws:organizations::${ACCOUNT}:organization/o-abc123`, "escalation-action"],
        ["rolesanywhere:CreateTrustAnchor", `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/x`, "escalation-action"],
        ["sqs:SetQueueAttributes", `arn:aws:sqs:us-east-1:${ACCOUNT}:payment-events`, "escalation-action"],
    ];
    for (const [action, resource, rule] of escalations) {
        it(`refuses ${action} with and without an approval (${rule})`, async () => {
            for (const approval of [undefined, APPROVAL]) {
                const verdict = await validate([agentDoc("escalator", { ...(approval ? { approval } : {}), grants: [{ connector: "aws.iam", actions: [action], resources: [resource] }] })]);
                assert.deepStrictEqual([verdict.code, verdict.rules], [1, [rule]], `${action} ${approval ? "with" : "without"} approval`);
                assert.match(verdict.errors[0].message, /agents may not hold it, with or without approval/);
            }
        });
    }

    it("lets the oauth connector emit the token action, scoped to the agent's own provider and identity only", async () => {
        const shown = await show([agentDoc("saas", { identity: { aws: { trust: "agentcore" } }, grants: [{ connector: "oauth.github", scopes: ["read:org"] }] })], "saas");
        const policy = shown.aws.permissionPolicy;
        const provider = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-github`;
        assert.strictEqual(await simulate(policy, "bedrock-agentcore:GetResourceOauth2Token", provider), "Allowed");
        assert.strictEqual(await simulate(policy, "bedrock-agentcore:GetResourceOauth2Token", provider.replace("agentid-github", "agentid-slack")), "Denied");
    });
});

describe("attack: one identity, two agents", () => {
    const victim = agentDoc("victim", { identity: { aws: { trust: "rolesAnywhere" }, kubernetes: { namespace: "agents", serviceAccount: "victim" } } });

    it("refuses an agent that claims another agent's SPIFFE ID — its pods would assume the victim's Roles Anywhere role", async () => {
        const shown = await show([victim], "victim");
        const asVictim = { "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/victim", "aws:SourceArn": FLEET.spec.trustAnchorArn, "aws:CurrentTime": "2027-01-01T00:00:00Z" };
        assert.strictEqual(await simulateTrust(shown.aws.trustPolicy, "rolesanywhere.amazonaws.com", "sts:AssumeRole", asVictim), "Allowed", "an SVID with the victim's ID assumes its role");
        const verdict = await validate([victim, agentDoc("impostor", { identity: { spiffeId: "spiffe://example.org/agents/victim", aws: { trust: "rolesAnywhere" } } })]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.path, e.rule]), [["impostor", "spec.identity.spiffeId", "identity-shared"]]);
    });

    it("refuses a custom SPIFFE ID that is another agent's default, even before that agent exists", async () => {
        const verdict = await validate([agentDoc("squatter", { identity: { spiffeId: "spiffe://example.org/agents/future-agent", aws: { trust: "rolesAnywhere" } } })]);
        assert.deepStrictEqual(verdict.rules, ["identity-shared"]);
        assert.match(verdict.errors[0].message, /default SPIFFE ID of an agent named "future-agent"/);
    });

    it("refuses an agent on another agent's namespace and service account (IRSA subject, Pod Identity association)", async () => {
        const verdict = await validate([victim, agentDoc("borrower", { identity: { aws: { trust: "irsa" }, kubernetes: { namespace: "agents", serviceAccount: "victim" } } })]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.rule]), [["borrower", "identity-shared"]]);
        assert.match(verdict.errors[0].message, /service account agents\/victim already belongs to agent "victim"/);
    });

    it("refuses SPIRE selectors that hand an agent's SVID to another agent's pods", async () => {
        const spire = (selectors: string[]) => ({ parentId: "spiffe://example.org/node/a", selectors });
        const verdict = await validate([
            victim,
            agentDoc("vm-agent", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(["k8s:ns:agents", "k8s:sa:victim"]) } }),
            agentDoc("own-k8s", { identity: { aws: { trust: "rolesAnywhere" }, kubernetes: {}, spire: spire(["k8s:ns:agents", "k8s:sa:victim"]) } }),
            agentDoc("whole-ns", { identity: { aws: { trust: "rolesAnywhere" }, spire: spire(["k8s:ns:agents"]) } }),
        ]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.path, e.rule]), [
            ["vm-agent", "spec.identity.spire.selectors", "identity-shared"],
            // the same selector set as vm-agent's under the same parent, and not its own service account
            ["own-k8s", "spec.identity.spire.selectors", "identity-shared"],
            ["own-k8s", "spec.identity.spire.selectors", "spire-selectors"],
            // [k8s:ns:agents] lies within vm-agent's set: vm-agent's pods would receive whole-ns's SVID too
            ["whole-ns", "spec.identity.spire.selectors", "identity-shared"],
            ["whole-ns", "spec.identity.spire.selectors", "spire-selectors"],
        ]);
    });

    it("pins Pod Identity trust to the cluster and account: the same service account elsewhere cannot assume the role", async () => {
        const shown = await show([agentDoc("pod", { identity: { aws: { trust: "podIdentity" } } })], "pod");
        const context = (cluster: string, account = ACCOUNT) => ({
            "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "pod",
            "aws:SourceAccount": account, "aws:SourceArn": `arn:aws:eks:us-east-1:${account}:cluster/${cluster}`, "aws:CurrentTime": "2027-01-01T00:00:00Z",
        });
        assert.strictEqual(await simulateTrust(shown.aws.trustPolicy, "pods.eks.amazonaws.com", "sts:AssumeRole", context("prod")), "Allowed");
        assert.strictEqual(await simulateTrust(shown.aws.trustPolicy, "pods.eks.amazonaws.com", "sts:AssumeRole", context("dev")), "Denied");
        assert.strictEqual(await simulateTrust(shown.aws.trustPolicy, "pods.eks.amazonaws.com", "sts:AssumeRole", context("prod", "210987654321")), "Denied");
    });
});

describe("attack: credentials that outlive the agent", () => {
    it("ends every permission statement at expiry: a session issued a minute before cannot act after", async () => {
        const shown = await show([agentDoc("short-lived", { expiresAt: "2027-01-15T00:00:00Z" })], "short-lived");
        for (const statement of shown.aws.permissionPolicy.Statement) {
            assert.deepStrictEqual(statement.Condition.DateLessThan, { "aws:CurrentTime": "2027-01-15T00:00:00Z" }, statement.Sid);
        }
        const object = "arn:aws:s3:::tickets/inbound/t1.json";
        assert.strictEqual(await simulate(shown.aws.permissionPolicy, "s3:GetObject", object, { "aws:CurrentTime": "2027-01-14T23:59:00Z" }), "Allowed");
        assert.strictEqual(await simulate(shown.aws.permissionPolicy, "s3:GetObject", object, { "aws:CurrentTime": "2027-01-15T00:30:00Z" }), "Denied");
    });

    it("removes the ClusterSPIFFEID of a disabled agent, so no pod receives its SPIFFE ID", async () => {
        const doc = agentDoc("retired", { expiresAt: "2026-11-20", onExpiry: "disable", identity: { aws: { trust: "rolesAnywhere" }, kubernetes: { clusterSpiffeId: true } } });
        const fleet = { ...FLEET, spec: { ...FLEET.spec, allowClusterSpiffeIds: true } };
        const active = await show([doc], "retired", "2026-11-01T00:00:00Z", fleet);
        assert.ok(active.kubernetes.manifests.some((m: { kind: string }) => m.kind === "ClusterSPIFFEID"));
        const disabled = await show([doc], "retired", NOW, fleet);
        assert.deepStrictEqual(disabled.kubernetes.manifests.map((m: { kind: string }) => m.kind), ["ServiceAccount"]);
    });

    it("cuts SVID lifetimes to the time left before expiry", async () => {
        const doc = agentDoc("ending", {
            expiresAt: "2026-12-01T00:05:00Z",
            identity: { aws: { trust: "rolesAnywhere" }, kubernetes: { clusterSpiffeId: true }, spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:ending"] } },
        });
        const fleet = { ...FLEET, spec: { ...FLEET.spec, allowClusterSpiffeIds: true } };
        const shown = await show([doc], "ending", NOW, fleet);
        assert.deepStrictEqual([shown.spire.entry.x509SvidTtl, shown.spire.entry.jwtSvidTtl], [300, 300]);
        const cluster = shown.kubernetes.manifests.find((m: { kind: string }) => m.kind === "ClusterSPIFFEID");
        assert.deepStrictEqual([cluster.spec.ttl, cluster.spec.jwtTtl], ["300s", "300s"]);
        const later = await show([doc], "ending", "2026-11-30T00:00:00Z", fleet);
        assert.deepStrictEqual([later.spire.entry.x509SvidTtl, later.spire.entry.jwtSvidTtl], [900, 300]);
    });
});

describe("attack: OAuth and tool lookups by inherited keys", () => {
    it("treats oauth.constructor, scopes: [toString] and tool.constructor as unknown, never as valid and never a crash", async () => {
        const verdict = await validate([agentDoc("proto", { grants: [
            { connector: "oauth.constructor", scopes: ["read"] },
            { connector: "oauth.github", scopes: ["toString", "__proto__"] },
            { connector: "tool.constructor", tools: ["crm/lookup"] },
        ] })]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.path, e.rule]), [
            ["spec.grants[2].connector", "missing-setting"],
            ["spec.grants[0].connector", "unknown-connector"],
            ["spec.grants[1].scopes[0]", "oauth-scope"],
            ["spec.grants[1].scopes[1]", "oauth-scope"],
        ]);
    });

    it("labels scopes that write as write: repo:status needs an approval", async () => {
        const verdict = await validate([agentDoc("statuses", { identity: { aws: { trust: "agentcore" } }, grants: [{ connector: "oauth.github", scopes: ["repo:status"] }] })]);
        assert.deepStrictEqual(verdict.rules, ["approval-required"]);
    });

    it("reports the effective scopes of agents sharing the fleet's OAuth client, and flags the excess", async () => {
        const reader = agentDoc("reader", { identity: { aws: { trust: "agentcore" } }, approval: APPROVAL, grants: [{ connector: "oauth.github", scopes: ["read:org"] }] });
        const writer = agentDoc("writer", { identity: { aws: { trust: "agentcore" } }, approval: APPROVAL, grants: [{ connector: "oauth.github", scopes: ["repo", "read:org"] }] });
        const shown = await show([reader, writer], "reader");
        assert.deepStrictEqual(shown.grants[0].oauth, { vendor: "github", scopes: ["read:org"], effectiveScopes: ["read:org", "repo"], sharedWith: ["writer"] });
        assert.strictEqual(shown.grants[0].risk, "medium");
        assert.deepStrictEqual(shown.grants[0].reach, ["github scopes read:org", "github scopes repo beyond the declaration, through the OAuth client shared with writer"]);
        const perAgent = await show([reader, writer], "reader", NOW, { ...FLEET, spec: { ...FLEET.spec, oauthClientSharing: "perAgent" } });
        assert.deepStrictEqual(perAgent.grants[0].oauth, { vendor: "github", scopes: ["read:org"], effectiveScopes: ["read:org"], sharedWith: [] });
        assert.deepStrictEqual(perAgent.aws.permissionPolicy.Statement[0].Resource[0], `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-reader-github`);
    });

    it("lists effective scopes in the inventory and reports a co-user's new scope as widening every sharer's access", async () => {
        const reader = agentDoc("reader", { identity: { aws: { trust: "agentcore" } }, approval: APPROVAL, grants: [{ connector: "oauth.github", scopes: ["read:org"] }] });
        const writer = (scopes: string[]) => agentDoc("writer", { identity: { aws: { trust: "agentcore" } }, approval: APPROVAL, grants: [{ connector: "oauth.github", scopes }] });
        const inventory = JSON.parse((await cli("inventory", fleetDir([reader, writer(["repo"])]), "--now", NOW, "--json")).stdout);
        assert.deepStrictEqual(inventory.agents.find((a: { name: string }) => a.name === "reader").reach.saas,
            ["github scope read:org", "github scope repo (through the OAuth client shared with writer)"]);
        const result = await cli("diff", "--base", fleetDir([reader, writer(["read:org"])]), "--head", fleetDir([reader, writer(["read:org", "repo"])]), "--now", NOW, "--json");
        assert.deepStrictEqual(JSON.parse(result.stdout).changes.map((c: { agent: string; kind: string; risk: string; detail: string }) => [c.agent, c.kind, c.risk, c.detail]), [
            ["reader", "access-widened", "medium", "oauth.github: + github scope repo (through the OAuth client shared with writer)"],
            ["writer", "access-widened", "medium", "oauth.github: + github scope repo"],
        ]);
    });
});

describe("attack: Kubernetes grants that escape the agent's own service account", () => {
    it("refuses system namespaces unless the fleet lists them, and namespaces outside the fleet's allow-list", async () => {
        const grant = (namespace: string) => ({ connector: "kubernetes", namespace, resources: ["configmaps"], verbs: ["get"] });
        const open = await validate([agentDoc("ops", { identity: { kubernetes: {} }, grants: [grant("kube-system"), grant("support")] })]);
        assert.deepStrictEqual(open.errors.map((e) => [e.path, e.rule]), [["spec.grants[0].namespace", "kubernetes-namespace"]]);
        const listed = { ...FLEET, spec: { ...FLEET.spec, allowedNamespaces: ["agents", "kube-system"] } };
        const tight = await validate([agentDoc("ops", { identity: { kubernetes: {} }, grants: [grant("kube-system"), grant("support")] })], listed);
        assert.deepStrictEqual(tight.errors.map((e) => [e.path, e.rule]), [["spec.grants[1].namespace", "kubernetes-namespace"]]);
    });

    const escalating: [string, Record<string, unknown>][] = [
        ["service-account tokens", { resources: ["serviceaccounts/token"], verbs: ["create"] }],
        ["exec into pods", { resources: ["pods/exec"], verbs: ["create"] }],
        ["port-forwarding", { resources: ["pods/portforward"], verbs: ["get"] }],
        ["creating pods", { resources: ["pods"], verbs: ["create"] }],
        ["patching deployments", { resources: ["deployments"], apiGroups: ["apps"], verbs: ["patch"] }],
        ["writing role bindings", { resources: ["rolebindings"], apiGroups: ["rbac.authorization.k8s.io"], verbs: ["update"] }],
        ["reading every secret", { resources: ["secrets"], verbs: ["get"] }],
    ];
    for (const [what, fields] of escalating) {
        it(`rates ${what} high and requires an approval`, async () => {
            const doc = agentDoc("k8s-ops", { identity: { kubernetes: {} }, grants: [{ connector: "kubernetes", namespace: "support", ...fields }] });
            const verdict = await validate([doc]);
            assert.deepStrictEqual(verdict.rules, ["approval-required"]);
            assert.match(verdict.errors[0].message, /risk high/);
        });
    }

    it("limits a secrets grant to named objects with resourceNames, which is then low risk", async () => {
        const doc = agentDoc("one-secret", { identity: { kubernetes: {} }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["secrets"], resourceNames: ["smtp-relay"], verbs: ["get"] }] });
        assert.deepStrictEqual((await validate([doc])).rules, []);
        const shown = await show([doc], "one-secret");
        assert.deepStrictEqual(shown.kubernetes.manifests[1].rules, [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["smtp-relay"], verbs: ["get"] }]);
        assert.strictEqual(shown.grants[0].risk, "low");
    });

    it("lets token creation be limited to named service accounts (the name is in the request's URL), still high risk", async () => {
        const doc = agentDoc("minter", { identity: { kubernetes: {} }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["serviceaccounts/token"], resourceNames: ["reporting"], verbs: ["create"] }] });
        const verdict = await validate([doc]);
        assert.deepStrictEqual(verdict.rules, ["approval-required"]);
        assert.match(verdict.errors[0].message, /risk high/);
    });

    it("refuses resourceNames on verbs RBAC cannot limit by name", async () => {
        const doc = agentDoc("creator", { identity: { kubernetes: {} }, approval: APPROVAL, grants: [{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], resourceNames: ["a"], verbs: ["get", "create"] }] });
        assert.deepStrictEqual((await validate([doc])).rules, ["connector-field"]);
    });
});

describe("attack: settings that reach trust", () => {
    it("refuses per-agent trust overrides of the wrong service, with wildcards, or in another account", async () => {
        const verdict = await validate([
            agentDoc("wrong-service", { identity: { aws: { trust: "irsa", oidcProviderArn: `arn:aws:iam::${ACCOUNT}:role/admin` } } }),
            agentDoc("other-account", { identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:210987654321:trust-anchor/evil" } } }),
            agentDoc("bad-cluster", { identity: { aws: { trust: "podIdentity", clusterName: "prod*" } } }),
        ]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.path, e.rule]), [
            ["wrong-service", "spec.identity.aws.oidcProviderArn", "trust-setting"],
            ["other-account", "spec.identity.aws.trustAnchorArn", "trust-setting"],
            ["bad-cluster", "spec.identity.aws.clusterName", "trust-setting"],
        ]);
        const trusted = { ...FLEET, spec: { ...FLEET.spec, trustedAccountIds: ["210987654321"] } };
        assert.deepStrictEqual((await validate([agentDoc("other-account", { identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:210987654321:trust-anchor/shared" } } })], trusted)).rules, []);
    });

    it("refuses Kubernetes names that would bend an IRSA subject or a manifest", async () => {
        const names = ["agents:admin", "a..b", "agent sa", "Agents"];
        const verdict = await validate(names.map((sa, i) => agentDoc(`sa-${i}`, { identity: { aws: { trust: "irsa" }, kubernetes: { serviceAccount: sa } } })));
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.rule]), names.map((_, i) => [`sa-${i}`, "kubernetes-name"]));
    });

    it("refuses wildcard SPIRE DNS names, a parent that is the agent itself and the bare trust domain as an ID", async () => {
        const verdict = await validate([
            agentDoc("dns", { identity: { aws: { trust: "rolesAnywhere" }, spire: { parentId: "spiffe://example.org/node/a", selectors: ["unix:uid:1000"], dnsNames: ["*.example.com"] } } }),
            agentDoc("self", { identity: { aws: { trust: "rolesAnywhere" }, spire: { parentId: "spiffe://example.org/agents/self", selectors: ["unix:uid:1001"] } } }),
            agentDoc("root", { identity: { spiffeId: "spiffe://example.org", aws: { trust: "rolesAnywhere" } } }),
        ]);
        assert.deepStrictEqual(verdict.errors.map((e) => [e.agent, e.path, e.rule]), [
            ["dns", "spec.identity.spire.dnsNames[0]", "spire-entry"],
            ["self", "spec.identity.spire.parentId", "spire-entry"],
            ["root", "spec.identity.spiffeId", "spiffe-id"],
        ]);
    });

    it("refuses a Fleet lifetime beyond the hard ceiling, in a document or in code", async () => {
        const loose = { ...FLEET, spec: { ...FLEET.spec, maxLifetimeDays: 366 } };
        const verdict = await validate([agentDoc("a1")], loose);
        assert.deepStrictEqual(verdict.errors.filter((e) => e.rule === "invalid-value").map((e) => [e.path, e.message]), [["spec.maxLifetimeDays", "spec.maxLifetimeDays must be at most 365"]]);
        const report = validateDeclarations([fleetDir([agentDoc("a1")])], { now: new Date(NOW), settings: { maxLifetimeDays: 1000 } });
        assert.deepStrictEqual(report.errors.map((e) => [e.rule, e.path.join("."), e.message]), [["invalid-value", "maxLifetimeDays", "settings.maxLifetimeDays must be at most 365"]]);
    });

    it("reports every Fleet change that loosens a guardrail or moves trust as high risk in diff", async () => {
        const base = fleetDir([agentDoc("a1")], { ...FLEET, spec: { ...FLEET.spec, maxLifetimeDays: 60, allowedNamespaces: ["agents"] } });
        const head = fleetDir([agentDoc("a1")], { ...FLEET, spec: { ...FLEET.spec, maxLifetimeDays: 120, allowedNamespaces: ["agents", "kube-system"], trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-b` } });
        const result = await cli("diff", "--base", base, "--head", head, "--now", NOW, "--json");
        assert.deepStrictEqual(JSON.parse(result.stdout).changes.map((c: { agent: string; kind: string; risk: string; detail: string }) => [c.agent, c.kind, c.risk, c.detail]), [
            ["(fleet)", "fleet-setting-changed", "high", "allowedNamespaces: [\"agents\"] → [\"agents\",\"kube-system\"] (loosens a guardrail or moves trust)"],
            ["(fleet)", "fleet-setting-changed", "high", "maxLifetimeDays: 60 → 120 (loosens a guardrail or moves trust)"],
            ["(fleet)", "fleet-setting-changed", "high", `trustAnchorArn: ${ANCHOR} → arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-b (loosens a guardrail or moves trust)`],
        ]);
        const tighter = await cli("diff", "--base", head, "--head", base, "--now", NOW, "--json");
        assert.deepStrictEqual(JSON.parse(tighter.stdout).changes.map((c: { risk: string }) => c.risk), ["low", "low", "high"]);
    });
});

describe("attack: DynamoDB indexes", () => {
    it("grants Query on the named index only, never on the table or another index", async () => {
        const index = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger/index/by-date`;
        const shown = await show([agentDoc("indexer", { grants: [{ connector: "aws.dynamodb", access: "read", resources: [index] }] })], "indexer");
        const policy = shown.aws.permissionPolicy;
        assert.deepStrictEqual(policy.Statement.map((s: { Action: string[]; Resource: string[] }) => [s.Action, s.Resource]), [[["dynamodb:Query"], [index]]]);
        assert.strictEqual(await simulate(policy, "dynamodb:Query", index), "Allowed");
        assert.strictEqual(await simulate(policy, "dynamodb:Query", index.replace("/index/by-date", "")), "Denied");
        assert.strictEqual(await simulate(policy, "dynamodb:Query", index.replace("by-date", "by-customer")), "Denied");
        assert.strictEqual(await simulate(policy, "dynamodb:Scan", index), "Denied");
    });

    it("refuses write access to an index", async () => {
        const verdict = await validate([agentDoc("index-writer", { approval: APPROVAL, grants: [{ connector: "aws.dynamodb", access: "write", resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger/index/by-date`] }] })]);
        assert.deepStrictEqual(verdict.rules, ["connector-field"]);
    });
});
