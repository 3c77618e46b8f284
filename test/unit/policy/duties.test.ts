import * as assert from "assert";
import * as cedarWasm from "@cedar-policy/cedar-wasm/nodejs";
import { cedarPermitScopes, dutyRulesOf, separationOfDuties, stackDutyHolders } from "../../../provider/policy/duties";
import type { SeparationOfDutiesRule } from "../../../provider/declarations/types";
import { ResourceView, TYPES, UNKNOWN } from "../../../provider/policy/resourceView";
import { StackView } from "../../../provider/policy/stackView";
import { perform } from "./simulator";
import { ACCOUNT, ADMIN_ARN, AGENT_URN, doc, k8sRole, NOW, OTHER_ACCOUNT, READ, resource, role, roleBinding, rolePolicy, SA_ANNOTATIONS, serviceAccount, SPIFFE, TRIAGE_SA, TRUST, until, WRITE } from "./stacks";

/** agent-separation-of-duties on hand-written stacks: the rules `agentid validate` applies, read from what the stack grants. */

const SECRETS = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/stripe-key-AbCdEf`;
const PROVIDER = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-slack`;
const WORKLOAD = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/triage`;
const GATEWAY = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/helpdesk-1`;

const readsSecrets = { Sid: "Secrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRETS], Condition: until() };
const fetchesSlack = { Sid: "Slack", Effect: "Allow", Action: ["bedrock-agentcore:GetResourceOauth2Token"], Resource: [PROVIDER, WORKLOAD], Condition: until() };

const EXFILTRATION: SeparationOfDutiesRule = {
    name: "no-secret-exfiltration",
    forbid: [
        { connector: "aws.secretsmanager", access: "read", resources: [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/*`] },
        { connector: "oauth.slack", access: "write" },
    ],
};
const config = (rules: SeparationOfDutiesRule[], gateways?: Record<string, string>) => ({ now: NOW, separationOfDuties: rules, ...(gateways ? { gateways } : {}) });
const OAUTH_PROVIDER = "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider";
const CEDAR_POLICY = "aws:bedrock/agentcorePolicy:AgentcorePolicy";
const slackProvider = resource(OAUTH_PROVIDER, "slack", { name: "agentid-slack", credentialProviderVendor: "SlackOauth2" });

describe("agent-separation-of-duties (policy pack)", () => {
    it("finds a role that reads payment secrets and can fetch Slack tokens (any scope: the stack does not limit them)", () => {
        const stack = [role(), rolePolicy("grants", doc(readsSecrets, fetchesSlack)), slackProvider];
        const found = separationOfDuties.check(stack, config([EXFILTRATION]));
        assert.deepStrictEqual(found.map((v) => v.urn), [stack[0].urn]);
        assert.strictEqual(found[0].message, `aws.iam.Role "triage-role" (triage-runner) is agent "triage", which holds every duty of separation-of-duties rule "no-secret-exfiltration": aws.secretsmanager read on arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/* through aws.iam.RolePolicy "grants"; oauth.slack write through aws.iam.RolePolicy "grants"; move one of these duties to another agent with its own identity`);
    });

    it("passes the twin that reads other secrets, and a stack without rules", () => {
        const other = { ...readsSecrets, Resource: [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:payroll/key-AbCdEf`] };
        assert.deepStrictEqual(separationOfDuties.check([role(), rolePolicy("grants", doc(other, fetchesSlack)), slackProvider], config([EXFILTRATION])), []);
        assert.deepStrictEqual(separationOfDuties.check([role(), rolePolicy("grants", doc(readsSecrets, fetchesSlack)), slackProvider], { now: NOW }), []);
    });

    it("joins a role with the service account whose pods receive its credentials: RBAC and IAM duties together", () => {
        const rule: SeparationOfDutiesRule = { name: "tickets-and-secrets", forbid: [
            { connector: "kubernetes", access: "read", resources: ["agents/secrets"] },
            { connector: "aws.s3", access: "write", resources: ["arn:aws:s3:::tickets/"] },
        ] };
        const stack = [
            role(TRUST.irsa), rolePolicy("grants", doc(WRITE)), serviceAccount("triage"),
            k8sRole("reader", [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["smtp"], verbs: ["get"] }]),
            roleBinding("reader", { kind: "Role", name: "reader" }, [TRIAGE_SA]),
        ];
        const found = separationOfDuties.check(stack, config([rule]));
        assert.strictEqual(found.length, 1);
        assert.match(found[0].message, /kubernetes read on agents\/secrets through kubernetes\.rbac\.authorization\.k8s\.io\.v1\.RoleBinding "reader" \(agents\/reader\); aws\.s3 write on arn:aws:s3:::tickets\/ through aws\.iam\.RolePolicy "grants"/);
        // Without the binding, the service account reads no secret.
        assert.deepStrictEqual(separationOfDuties.check(stack.slice(0, 4), config([rule])), []);
        // A read-only S3 grant is no write duty.
        assert.deepStrictEqual(separationOfDuties.check([role(TRUST.irsa), rolePolicy("grants", doc(READ)), ...stack.slice(2)], config([rule])), []);
    });

    it("counts every secret of a namespace where the service account may create pods as read (a pod mounts any of them)", () => {
        const rule: SeparationOfDutiesRule = { name: "tickets-and-secrets", forbid: [
            { connector: "kubernetes", access: "read", resources: ["agents/secrets"] },
            { connector: "aws.s3", access: "write", resources: ["arn:aws:s3:::tickets/"] },
        ] };
        const stack = (verbs: string[]) => [
            role(TRUST.irsa), rolePolicy("grants", doc(WRITE)), serviceAccount("triage"),
            k8sRole("runner", [{ apiGroups: ["batch"], resources: ["jobs"], verbs }]),
            roleBinding("runner", { kind: "Role", name: "runner" }, [TRIAGE_SA]),
        ];
        const found = separationOfDuties.check(stack(["create"]), config([rule]));
        assert.strictEqual(found.length, 1);
        assert.match(found[0].message, /kubernetes read on agents\/secrets through kubernetes\.rbac\.authorization\.k8s\.io\.v1\.RoleBinding "runner" \(agents\/runner\)/);
        assert.deepStrictEqual(separationOfDuties.check(stack(["get", "list"]), config([rule])), [], "reading jobs runs nothing");
    });

    it("counts what an agent reaches by acting as another agent's service account (its RBAC lets it run pods as it)", () => {
        // triage (IRSA, service account agents/triage) reads payment secrets; builder (service account ci/builder) fetches Slack tokens
        // and may create jobs in agents, so it can run a pod as agents/triage.
        const builderTrust = JSON.parse(JSON.stringify(TRUST.irsa).replace("system:serviceaccount:agents:triage", "system:serviceaccount:ci:builder"));
        const builder = resource("aws:iam/role:Role", "builder-role", { name: "builder-runner", assumeRolePolicy: JSON.stringify(builderTrust), tags: {} });
        const stack = (verbs: string[]) => [
            role(TRUST.irsa), rolePolicy("grants", doc(readsSecrets)), serviceAccount("triage"),
            builder, rolePolicy("builder-grants", doc(fetchesSlack), { role: "builder-runner" }), slackProvider,
            serviceAccount("builder", { metadata: { name: "builder", namespace: "ci" } }),
            k8sRole("jobs", [{ apiGroups: ["batch"], resources: ["jobs"], verbs }]),
            roleBinding("jobs", { kind: "Role", name: "jobs" }, [{ kind: "ServiceAccount", name: "builder", namespace: "ci" }]),
        ];
        const found = separationOfDuties.check(stack(["create"]), config([EXFILTRATION]));
        assert.deepStrictEqual(found.map((v) => v.urn), [builder.urn], JSON.stringify(found));
        assert.match(found[0].message, /aws\.secretsmanager read on \S+ through aws\.iam\.RolePolicy "grants" of agent "[^"]+", which it can act as \(writing jobs runs pods as any service account of the namespace and mounts any secret or config map there, through kubernetes\.rbac\.authorization\.k8s\.io\.v1\.RoleBinding "jobs" \(agents\/jobs\)\); oauth\.slack write through aws\.iam\.RolePolicy "builder-grants"/);
        assert.deepStrictEqual(separationOfDuties.check(stack(["get"]), config([EXFILTRATION])), [], "reading jobs runs nothing");
    });

    it("counts acting as a Roles Anywhere agent whose SPIRE entry pins a service account another agent may run pods as", () => {
        // triage's role trusts the SVID spiffe://example.org/agents/triage; its SPIRE entry issues that SVID to pods running as
        // agents/triage (SPIRE's k8s workload attestor gives them k8s:ns:agents and k8s:sa:triage). builder may create jobs in agents.
        const builderTrust = JSON.parse(JSON.stringify(TRUST.irsa).replace("system:serviceaccount:agents:triage", "system:serviceaccount:ci:builder"));
        const builder = resource("aws:iam/role:Role", "builder-role", { name: "builder-runner", assumeRolePolicy: JSON.stringify(builderTrust), tags: {} });
        const entry = (selectors: string[]) => resource("agentid:spire:Entry", "triage-entry", {
            spiffeId: SPIFFE, parentId: "spiffe://example.org/node/a", selectors: selectors.map((s) => ({ type: "k8s", value: s })),
        });
        const stack = (selectors: string[]) => [
            role(TRUST.rolesAnywhere), rolePolicy("grants", doc(readsSecrets)), entry(selectors),
            builder, rolePolicy("builder-grants", doc(fetchesSlack), { role: "builder-runner" }), slackProvider,
            serviceAccount("builder", { metadata: { name: "builder", namespace: "ci" } }),
            k8sRole("jobs", [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] }]),
            roleBinding("jobs", { kind: "Role", name: "jobs" }, [{ kind: "ServiceAccount", name: "builder", namespace: "ci" }]),
        ];
        const found = separationOfDuties.check(stack(["ns:agents", "sa:triage"]), config([EXFILTRATION]));
        assert.deepStrictEqual(found.map((v) => v.urn), [builder.urn], JSON.stringify(found));
        assert.match(found[0].message, /aws\.secretsmanager read on \S+ through aws\.iam\.RolePolicy "grants" of agent "[^"]+", which it can act as \(writing jobs runs pods/);
        assert.deepStrictEqual(separationOfDuties.check(stack(["ns:other", "sa:triage"]), config([EXFILTRATION])), [], "pods in agents do not match an entry pinned to other");
    });

    it("judges two roles whose trust admits the same service account as one agent", () => {
        const second = resource("aws:iam/role:Role", "second-role", { name: "second-runner", assumeRolePolicy: JSON.stringify(TRUST.irsa), tags: {} });
        const stack = [
            role(TRUST.irsa), rolePolicy("grants", doc(readsSecrets)),
            second, rolePolicy("second-grants", doc(fetchesSlack), { role: "second-runner" }), slackProvider,
        ];
        const found = separationOfDuties.check(stack, config([EXFILTRATION]));
        assert.strictEqual(found.length, 1, JSON.stringify(found));
        assert.match(found[0].message, /through aws\.iam\.RolePolicy "grants"; oauth\.slack write through aws\.iam\.RolePolicy "second-grants"/);
    });

    it("reads gateway tools from Cedar permits that admit the role's sessions", () => {
        const cedar = (tool: string) => resource("aws:bedrock/agentcorePolicy:AgentcorePolicy", `tool-${tool}`, {
            name: `triage_${tool}`, policyEngineId: "engine-1",
            definition: { cedar: { statement: `permit (\n  principal is AgentCore::IamEntity,\n  action == AgentCore::Action::"crm___${tool}",\n  resource == AgentCore::Gateway::"${GATEWAY}"\n) when { principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/*" };` } },
        });
        const rule: SeparationOfDutiesRule = { name: "refunds", forbid: [
            { connector: "aws.secretsmanager", access: "read" },
            { connector: "tool.helpdesk", access: "write", resources: ["crm/issueRefund"] },
        ] };
        const stack = [role(), rolePolicy("grants", doc(readsSecrets)), cedar("issueRefund")];
        assert.strictEqual(separationOfDuties.check(stack, config([rule], { helpdesk: GATEWAY })).length, 1);
        assert.deepStrictEqual(separationOfDuties.check([role(), rolePolicy("grants", doc(readsSecrets)), cedar("lookupCustomer")], config([rule], { helpdesk: GATEWAY })), []);
    });

    it("refuses a malformed rule in the policy config, naming the setting", () => {
        assert.throws(() => separationOfDuties.check([], { now: NOW, separationOfDuties: [{ name: "x", forbid: [{ connector: "aws.iam", access: "read" }] }] }),
            /policy config separationOfDuties\.0\.forbid\.0\.connector: "aws\.iam" is not a connector a duty can name/);
        assert.throws(() => separationOfDuties.check([], { now: NOW, separationOfDuties: "no" as unknown as SeparationOfDutiesRule[] }), /must be a list of rules/);
    });
});

/**
 * What a stack grants each agent, read exactly (stackDutyHolders), and the rules' shape (dutyRulesOf): every
 * expected permission below is written by hand from the statements, RBAC rules and Cedar permits of the stack.
 */
const TOKEN = "bedrock-agentcore:GetResourceOauth2Token";
const providerArn = (name: string) => `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/${name}`;
const awsGrant = (action: string, resource: string, source: string, effect: "Allow" | "Deny" = "Allow") =>
    ({ kind: "aws", effect, action, service: action.split(":")[0], resource, level: "read", source });
const saasAt = (vendor: string, source: string) => (["read", "write"] as const).map((level) => ({ kind: "saas", vendor, level, source }));
const toolAt = (gateway: string, tool: string, source: string) => (["read", "write"] as const).map((level) => ({ kind: "tool", gateway, tool, level, source }));
const irsaRole = (name: string, account: string, tags: Record<string, string> = {}) => resource("aws:iam/role:Role", `${name}-role`, {
    name: `${name}-runner`, assumeRolePolicy: JSON.stringify(TRUST.irsa).replace("system:serviceaccount:agents:triage", `system:serviceaccount:${account}`), tags,
});
const RULE_SHAPE = "agentid-guardrails: policy config separationOfDuties must be a list of rules { name, forbid: [{ connector, access: read|write|readwrite, resources? }] }, as in a Fleet document";

describe("dutyRulesOf (policy pack config)", () => {
    const duty = { connector: "aws.s3", access: "read" };
    const good = { name: "good", forbid: [duty, { connector: "oauth.slack", access: "write" }] };

    it("refuses every rule list that is not shaped like a Fleet document's, with one message naming the setting and its form", () => {
        // A function carrying the fields of a rule or duty is not plain data (the engine hands the pack JSON values).
        const functionWith = (fields: object) => Object.assign(() => undefined, fields);
        const malformed: [string, unknown][] = [
            ["a null rule", [null]],
            ["a rule that is a function", [functionWith({ forbid: [duty] })]],
            ["a rule without a name", [{ forbid: [duty] }]],
            ["forbid not a list", [{ name: "x", forbid: "aws.s3" }]],
            ["an empty forbid", [{ name: "x", forbid: [] }]],
            ["a malformed second rule", [good, { name: "y" }]],
            ["a malformed second duty", [{ name: "x", forbid: [duty, { connector: "oauth.slack" }] }]],
            ["a null duty", [{ name: "x", forbid: [null] }]],
            ["a duty that is a function", [{ name: "x", forbid: [functionWith({ connector: "aws.s3", access: "read" })] }]],
            ["a duty without a connector", [{ name: "x", forbid: [{ access: "read" }] }]],
            ["a duty with another access", [{ name: "x", forbid: [{ connector: "aws.s3", access: "admin" }] }]],
            ["not a list", { name: "x", forbid: [duty] }],
        ];
        for (const [what, rules] of malformed) assert.throws(() => dutyRulesOf({ separationOfDuties: rules }), { message: RULE_SHAPE }, what);
    });

    it("returns well-formed rules as given, readwrite duties included, and none when the setting is absent", () => {
        const rules = [good, { name: "both", forbid: [{ connector: "kubernetes", access: "readwrite", resources: ["agents/secrets"] }] }];
        assert.strictEqual(dutyRulesOf({ separationOfDuties: rules }), rules);
        assert.deepStrictEqual(dutyRulesOf({}), []);
    });
});

describe("stackDutyHolders (policy pack)", () => {
    it("makes one agent of the roles and service accounts one Agent component declares; other roles and accounts stand alone", () => {
        const underAgent = { parent: AGENT_URN };
        // Two roles trusting AgentCore (no service account) and a service account, under one Agent: one agent. The
        // first role carries no tags at all; the second names the agent.
        const first = resource("aws:iam/role:Role", "first-role", { name: "first-runner", assumeRolePolicy: JSON.stringify(TRUST.agentcore) }, underAgent);
        // The second role's permissions are an inline policy on the role itself.
        const slack = providerArn("agentid-slack");
        const second = resource("aws:iam/role:Role", "second-role", {
            name: "second-runner", assumeRolePolicy: JSON.stringify(TRUST.agentcore), tags: { "agentid:name": "billing" },
            inlinePolicies: [{ name: "inline", policy: JSON.stringify(doc({ Effect: "Allow", Action: [TOKEN], Resource: [slack] })) }],
        }, underAgent);
        const loner = resource("aws:iam/role:Role", "loner-role", { name: "loner-runner", assumeRolePolicy: JSON.stringify(TRUST.agentcore), tags: {} });
        const triage = serviceAccount("triage", {}, {}, underAgent);
        const helper = serviceAccount("helper", {}, SA_ANNOTATIONS);
        const stack = [
            first, second, loner, triage, helper,
            rolePolicy("first-grants", doc({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRETS] }), { role: "first-runner" }),
            // An AWS managed policy (not reviewable here) adds nothing.
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "second-runner", policyArn: ADMIN_ARN }),
            k8sRole("reader", [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["smtp"], verbs: ["get"] }]),
            roleBinding("reader", { kind: "Role", name: "reader" }, [TRIAGE_SA]),
            k8sRole("cm", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list"] }]),
            roleBinding("helper-cm", { kind: "Role", name: "cm" }, [{ kind: "ServiceAccount", name: "helper", namespace: "agents" }]),
            // A Pod Identity association for a role outside the stack: an agent service account with no resource and no role, judged on nothing.
            resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "ghost", { clusterName: "prod", namespace: "agents", serviceAccount: "ghost", roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/elsewhere` }),
        ];
        const inline = `inline policy "inline" of aws.iam.Role "second-role" (second-runner)`;
        const secretsRead = { kind: "kubernetes", namespace: "agents", apiGroups: [""], resource: "secrets", verb: "get", level: "read", resourceNames: ["smtp"], source: `kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "reader" (agents/reader)` };
        const configmapsList = { kind: "kubernetes", namespace: "agents", apiGroups: [""], resource: "configmaps", verb: "list", level: "read", source: `kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "helper-cm" (agents/helper-cm)` };
        assert.deepStrictEqual(stackDutyHolders(new StackView(stack)), [
            {
                name: "billing", resource: first, accounts: [{ namespace: "agents", name: "triage" }],
                permissions: [awsGrant("secretsmanager:GetSecretValue", SECRETS, `aws.iam.RolePolicy "first-grants"`), awsGrant(TOKEN, slack, inline), ...saasAt("slack", inline), secretsRead],
            },
            { name: `aws.iam.Role "loner-role" (loner-runner)`, resource: loner, accounts: [], permissions: [] },
            { name: `kubernetes.core.v1.ServiceAccount "helper" (agents/helper)`, resource: helper, accounts: [{ namespace: "agents", name: "helper" }], permissions: [configmapsList] },
        ]);
    });

    it("reads SaaS vendors from token statements: by the stack's provider (its ARN or name), else agentid's provider name in any case, else every vendor; nothing else fetches a token", () => {
        const source = `aws.iam.RolePolicy "tokens"`;
        const allow = (resource: string, action = TOKEN) => ({ Effect: "Allow", Action: [action], Resource: [resource] });
        const workload = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/agent-salesforce`;
        const statements = [
            allow(providerArn("crm-tokens")), // the stack's provider of that name: GitHub
            allow(providerArn("vault-one")), // the stack's provider of that ARN (its name not known): Atlassian
            allow(providerArn("mystery")), // no provider in the stack, no vendor in the name: it may serve any vendor's tokens
            allow(providerArn("Payments-Slack")), // a vendor in the name, in another case
            allow(providerArn("agentid-google"), "bedrock-agentcore:GetOauth2CredentialProvider"), // not the token action
            { ...allow(providerArn("agentid-microsoft")), Effect: "Deny" }, // a Deny grants nothing
            allow(workload), // a workload identity, not a credential provider
        ];
        const stack = [
            role(TRUST.agentcore), rolePolicy("tokens", doc(...statements)),
            resource(OAUTH_PROVIDER, "crm", { name: "crm-tokens", credentialProviderVendor: "GithubOauth2" }),
            resource(OAUTH_PROVIDER, "vault", { credentialProviderArn: providerArn("vault-one"), credentialProviderVendor: "AtlassianOauth2" }),
        ];
        assert.deepStrictEqual(stackDutyHolders(new StackView(stack)), [{
            name: "triage", resource: stack[0], accounts: [],
            permissions: [
                awsGrant(TOKEN, providerArn("crm-tokens"), source), awsGrant(TOKEN, providerArn("vault-one"), source), awsGrant(TOKEN, providerArn("mystery"), source),
                awsGrant(TOKEN, providerArn("Payments-Slack"), source),
                awsGrant("bedrock-agentcore:GetOauth2CredentialProvider", providerArn("agentid-google"), source), awsGrant(TOKEN, providerArn("agentid-microsoft"), source, "Deny"),
                awsGrant(TOKEN, workload, source), ...["github", "atlassian", "slack", "google", "microsoft", "salesforce"].flatMap((vendor) => saasAt(vendor, source)),
            ],
        }]);
        const caseOnly = [role(TRUST.agentcore), rolePolicy("tokens", doc(allow(providerArn("Payments-Slack"))))];
        assert.deepStrictEqual(stackDutyHolders(new StackView(caseOnly))[0].permissions, [awsGrant(TOKEN, providerArn("Payments-Slack"), source), ...saasAt("slack", source)]);
    });

    it("reads a stack's provider whose vendor is none agentid knows (CustomOauth2) or not known at preview as every vendor, whatever its name says", async () => {
        // Before: a CustomOauth2 provider (backed by Slack's authorization server) named crm-github read as GitHub, and
        // reached by a pattern as no vendor at all, so an agent reading billing secrets and fetching its tokens held
        // the rule's two duties unseen.
        const allow = (resource: string) => ({ Effect: "Allow", Action: [TOKEN], Resource: [resource] });
        const ALL = ["github", "slack", "atlassian", "google", "microsoft", "salesforce"];
        const vendorsOf = (statement: object, provider: ResourceView) => stackDutyHolders(new StackView([role(TRUST.agentcore), rolePolicy("tokens", doc(statement)), provider]))[0]
            .permissions.flatMap((p) => (p.kind === "saas" && p.level === "read" ? [p.vendor] : []));
        const custom = resource(OAUTH_PROVIDER, "custom", { name: "crm-github", credentialProviderVendor: "CustomOauth2" });
        const computed = resource(OAUTH_PROVIDER, "computed", { name: "crm-github", credentialProviderVendor: UNKNOWN });
        assert.deepStrictEqual(vendorsOf(allow(providerArn("crm-github")), custom), ALL);
        assert.deepStrictEqual(vendorsOf(allow(providerArn("crm-git?ub")), custom), ALL);
        assert.deepStrictEqual(vendorsOf(allow(providerArn("crm-github")), computed), ALL);
        assert.deepStrictEqual(vendorsOf(allow(providerArn("crm-github")), resource(OAUTH_PROVIDER, "known", { name: "crm-github", credentialProviderVendor: "SlackOauth2" })), ["slack"]);
        // The simulator (no code shared with the pack): the pattern lets the role's sessions fetch the custom provider's tokens.
        assert.strictEqual(await perform([doc(allow(providerArn("crm-git?ub")))], { action: TOKEN, resource: providerArn("crm-github") }), "Allowed");
        const found = separationOfDuties.check([role(), rolePolicy("grants", doc(readsSecrets, allow(providerArn("crm-git?ub")))), custom], config([EXFILTRATION]));
        assert.deepStrictEqual(found.map((v) => v.message), [
            `aws.iam.Role "triage-role" (triage-runner) is agent "triage", which holds every duty of separation-of-duties rule "no-secret-exfiltration": aws.secretsmanager read on arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/* through aws.iam.RolePolicy "grants"; oauth.slack write through aws.iam.RolePolicy "grants"; move one of these duties to another agent with its own identity`,
        ]);
    });

    it("reads token statements written with patterns: an action pattern fetches tokens, a Resource pattern reaches every provider it may match", async () => {
        // agent-least-privilege refuses these patterns; this policy still counts what they reach (every vendor for *).
        const source = `aws.iam.RolePolicy "tokens"`;
        const allow = (action: string, resource: string) => ({ Effect: "Allow", Action: [action], Resource: [resource] });
        // The IAM simulator (no code shared with the pack) on what each statement lets the role's sessions fetch.
        const fetches = (statement: object, provider: string) => perform([doc(statement)], { action: TOKEN, resource: providerArn(provider) });
        assert.deepStrictEqual(await Promise.all([
            fetches(allow("bedrock-agentcore:getResourceOAuth2*", providerArn("agentid-slack")), "agentid-slack"),
            fetches(allow(TOKEN, providerArn("crm-tok?ns")), "crm-tokens"),
            fetches(allow(TOKEN, providerArn("*-google")), "agentid-google"),
            fetches(allow("bedrock-agentcore:*", providerArn("*")), "agentid-slack"),
            fetches(allow("bedrock-agentcore:Get*Provider", "*"), "agentid-slack"),
            fetches(allow(TOKEN, `arn:aws:bedrock-agentcore:*:*:workload-identity-directory/default/workload-identity/*`), "agentid-slack"),
        ]), ["Allowed", "Allowed", "Allowed", "Allowed", "Denied", "Denied"]);
        const holder = (...statements: object[]) => stackDutyHolders(new StackView([
            role(TRUST.agentcore), rolePolicy("tokens", doc(...statements)),
            resource(OAUTH_PROVIDER, "crm", { name: "crm-tokens", credentialProviderVendor: "GithubOauth2" }),
            resource(OAUTH_PROVIDER, "vault", { credentialProviderArn: providerArn("vault-one"), credentialProviderVendor: "AtlassianOauth2" }),
            resource(OAUTH_PROVIDER, "custom", { name: "custom-tokens", credentialProviderVendor: "CustomOauth2" }), // a vendor agentid does not know
            resource(OAUTH_PROVIDER, "unnamed", { credentialProviderVendor: "MicrosoftOauth2" }), // neither name nor ARN known yet: any pattern may match it
        ]))[0];
        const saasOf = (...statements: object[]) => holder(...statements).permissions.filter((p) => p.kind === "saas");
        const vendorsOf = (statement: object) => saasOf(statement).flatMap((p) => (p.kind === "saas" && p.level === "read" ? [p.vendor] : []));
        assert.deepStrictEqual(saasOf(allow("bedrock-agentcore:getResourceOAuth2*", providerArn("agentid-slack"))), saasAt("slack", source));
        assert.deepStrictEqual([
            allow("bedrock-agentcore:getResourceOAuth2*", providerArn("agentid-slack")), // the token action by a pattern (IAM ignores case)
            allow(TOKEN, providerArn("crm-tok?ns")), // the stack's crm-tokens (not vault-one), and the provider whose name is not known
            allow(TOKEN, providerArn("*-google")), // agentid's name for a Google provider, and the provider whose name is not known
            allow(TOKEN, `arn:aws:secretsmanager:*:*:secret:*`), allow(TOKEN, `arn:aws:bedrock-agentcore:*:*:workload-identity-directory/default/workload-identity/*`),
            allow(TOKEN, providerArn("bad.name-salesforce")), // no provider can have this name: not a pattern, not a provider
            allow("bedrock-agentcore:Get*Provider", "*"), // not the token action
            { Effect: "Deny", Action: ["*"], Resource: ["*"] },
        ].map(vendorsOf), [["slack"], ["github", "microsoft"], ["microsoft", "google"], [], [], [], [], []]);
        // The custom provider reaches every vendor, in agentid's order, after the stack's GitHub and Atlassian ones.
        assert.deepStrictEqual(saasOf(allow("*", "*")), ["github", "atlassian", "slack", "google", "microsoft", "salesforce"].flatMap((vendor) => saasAt(vendor, source)));
        const found = separationOfDuties.check([role(), rolePolicy("grants", doc(readsSecrets, allow("bedrock-agentcore:*", providerArn("*"))))], config([EXFILTRATION]));
        assert.deepStrictEqual(found, [{
            urn: `urn:pulumi:dev::handwritten::aws:iam/role:Role::triage-role`,
            message: `aws.iam.Role "triage-role" (triage-runner) is agent "triage", which holds every duty of separation-of-duties rule "no-secret-exfiltration": aws.secretsmanager read on arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/* through aws.iam.RolePolicy "grants"; oauth.slack write through aws.iam.RolePolicy "grants"; move one of these duties to another agent with its own identity`,
        }]);
    });

    it("reads gateway tools from the Cedar permits that may admit the role's sessions, however the statement is spaced: every tool, gateway or role a scope leaves open", () => {
        const UNLISTED = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/unlisted-9`;
        const OTHER_GATEWAY = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/billing-2`;
        const sessions = (runner: string) => `principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/${runner}/*"`;
        const permit = (head: string, when = sessions("triage-runner")) => `permit (\n  principal is AgentCore::IamEntity,\n  ${head}\n) when { ${when} };`;
        const scoped = (action: string, gateway = GATEWAY) => `action == AgentCore::Action::"${action}",\n  resource == AgentCore::Gateway::"${gateway}"`;
        const cedar = (name: string, definition: unknown) => resource(CEDAR_POLICY, name, { name, policyEngineId: "engine-1", ...(definition === undefined ? {} : { definition }) });
        const stack = [
            role(),
            cedar("refund", { cedar: { statement: permit(scoped("crm___issueRefund")) } }),
            // Leading whitespace, no spaces around ==, two around like; a gateway the config does not name keeps its ARN.
            cedar("compact", { cedar: { statement: `\n  permit(principal is AgentCore::IamEntity,action==AgentCore::Action::"crm___lookupCustomer",resource==AgentCore::Gateway::"${UNLISTED}")when{principal.id  like  "arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/*"};` } }),
            cedar("other-role", { cedar: { statement: permit(scoped("crm___closeAccount"), sessions("other-runner")) } }),
            cedar("forbid", { cedar: { statement: `forbid (\n  principal is AgentCore::IamEntity,\n  ${scoped("crm___deleteAll")}\n) when { ${sessions("triage-runner")} }; // permit nothing else` } }),
            cedar("no-target", { cedar: { statement: permit(scoped("lookupCustomer")) } }),
            cedar("any-action", { cedar: { statement: permit(`action,\n  resource == AgentCore::Gateway::"${GATEWAY}"`) } }),
            cedar("any-gateway", { cedar: { statement: permit(`action == AgentCore::Action::"crm___exportAll",\n  resource`) } }),
            cedar("any-principal", { cedar: { statement: permit(scoped("crm___wipe"), "true") } }),
            cedar("no-definition", undefined),
            cedar("no-cedar", {}),
            cedar("no-statement", { cedar: {} }),
            cedar("statement-list", { cedar: { statement: [permit(scoped("crm___listAll"))] } }),
            // Two policies in one statement, annotated; a forbid between them adds nothing.
            cedar("two", { cedar: { statement: `@id("a") @note permit (principal, ${scoped("kb___search", OTHER_GATEWAY)}) when { ${sessions("triage-runner")} };\nforbid (principal, action, resource);\npermit (principal, action in [AgentCore::Action::"kb___read", AgentCore::Action::"kb___read", AgentCore::Action::"CallTool"], resource == AgentCore::Gateway::"${OTHER_GATEWAY}") when { ${sessions("triage-runner")} && context.input.n > 1 };` } }),
            // Narrowed to other roles: by the principal, by one conjunct of one of two when clauses.
            cedar("other-session", { cedar: { statement: `permit (principal == AgentCore::IamEntity::"arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/s", ${scoped("crm___a")});` } }),
            cedar("other-conjunct", { cedar: { statement: `permit (principal, ${scoped("crm___b")}) when { true } when { context.input.n > 1 && principal.id == "arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/s" };` } }),
            // Conditions that narrow nothing: a disjunction, an if, a negation, an escaped pattern, an unless.
            cedar("either", { cedar: { statement: permit(scoped("crm___c"), `${sessions("other-runner")} || false`) } }),
            cedar("if", { cedar: { statement: permit(scoped("crm___d"), `if true then ${sessions("other-runner")} else true`) } }),
            cedar("not", { cedar: { statement: permit(scoped("crm___e"), `!(${sessions("other-runner")})`) } }),
            cedar("escaped", { cedar: { statement: permit(scoped("crm___f"), `principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/\\*"`) } }),
            cedar("unless", { cedar: { statement: `permit (principal, ${scoped("crm___g")}) unless { ${sessions("other-runner")} };` } }),
            // A session in another partition and account, any session name: still the role's.
            cedar("partition", { cedar: { statement: permit(scoped("crm___h"), `principal.id like "arn:aws-cn:sts::*:assumed-role/triage-runner/*"`) } }),
            // No action in an empty list; a statement without a scope leaves everything open.
            cedar("empty-list", { cedar: { statement: permit(`action in [],\n  resource == AgentCore::Gateway::"${GATEWAY}"`) } }),
            cedar("no-scope", { cedar: { statement: "permit;" } }),
        ];
        const at = (gateway: string, tool: string, name: string) => toolAt(gateway, tool, `aws.bedrock.AgentcorePolicy "${name}"`);
        assert.deepStrictEqual(stackDutyHolders(new StackView(stack), { billing: OTHER_GATEWAY, helpdesk: GATEWAY }), [{
            name: "triage", resource: stack[0], accounts: [{ namespace: "agents", name: "triage" }],
            permissions: [
                ...at("helpdesk", "crm/issueRefund", "refund"), ...at(UNLISTED, "crm/lookupCustomer", "compact"),
                ...at("helpdesk", "*", "any-action"), ...at("*", "crm/exportAll", "any-gateway"), ...at("helpdesk", "crm/wipe", "any-principal"),
                ...at("billing", "kb/search", "two"), ...at("billing", "kb/read", "two"), ...at("billing", "*", "two"),
                ...at("helpdesk", "crm/c", "either"), ...at("helpdesk", "crm/d", "if"), ...at("helpdesk", "crm/e", "not"), ...at("helpdesk", "crm/f", "escaped"), ...at("helpdesk", "crm/g", "unless"),
                ...at("helpdesk", "crm/h", "partition"), ...at("*", "*", "no-scope"),
            ],
        }]);
    });

    it("reads the RBAC rules of the bindings reaching the agent's service accounts: object rules only, names kept, and what pods it may create mount", () => {
        const notARule = Object.assign(() => undefined, { apiGroups: [""], resources: ["pods"], verbs: ["delete"] });
        const stack = [
            role(TRUST.irsa),
            k8sRole("runner", [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["smtp"], verbs: ["get"] }, null, "secrets", notARule, { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] }] as object[]),
            roleBinding("runner", { kind: "Role", name: "runner" }, [TRIAGE_SA]),
            k8sRole("all-secrets", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]),
            roleBinding("stranger", { kind: "Role", name: "all-secrets" }, [{ kind: "ServiceAccount", name: "stranger", namespace: "agents" }]),
            roleBinding("missing", { kind: "Role", name: "nowhere" }, [TRIAGE_SA]),
            resource(TYPES.k8sRole, "empty", { metadata: { name: "empty", namespace: "agents" } }),
            roleBinding("empty", { kind: "Role", name: "empty" }, [TRIAGE_SA]),
            // A binding without a name in its metadata is in the default namespace.
            resource(TYPES.k8sClusterRole, "viewer", { metadata: { name: "viewer" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["watch"] }] }),
            resource(TYPES.roleBinding, "nameless", { metadata: {}, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "viewer" }, subjects: [TRIAGE_SA] }),
        ];
        const runner = `kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "runner" (agents/runner)`;
        const mounts = "writing jobs runs pods as any service account of the namespace and mounts any secret or config map there";
        const k8s = (fields: object, source = runner) => ({ kind: "kubernetes", namespace: "agents", apiGroups: [""], level: "read", ...fields, source });
        assert.deepStrictEqual(stackDutyHolders(new StackView(stack)), [{
            name: "triage", resource: stack[0], accounts: [{ namespace: "agents", name: "triage" }],
            permissions: [
                k8s({ resource: "secrets", verb: "get", resourceNames: ["smtp"] }),
                k8s({ apiGroups: ["batch"], resource: "jobs", verb: "create", level: "write" }),
                k8s({ resource: "secrets", verb: "get", indirect: mounts }),
                k8s({ resource: "configmaps", verb: "get", indirect: mounts }),
                k8s({ namespace: "default", resource: "configmaps", verb: "watch" }, `kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "nameless"`),
            ],
        }]);
    });
});

describe("agent-separation-of-duties: acting as other agents (policy pack)", () => {
    const jobs = (verbs: string[], namespace = "agents") => [
        k8sRole("jobs", [{ apiGroups: ["batch"], resources: ["jobs"], verbs }], namespace),
        roleBinding("jobs", { kind: "Role", name: "jobs" }, [{ kind: "ServiceAccount", name: "builder", namespace: "ci" }], namespace),
    ];
    const builder = irsaRole("builder", "ci:builder");
    const helper = irsaRole("helper", "agents:helper", { "agentid:name": "helper" });
    const builderLabel = `aws.iam.Role "builder-role" (builder-runner)`;
    const opening = `${builderLabel} is agent "${builderLabel}", which holds every duty of separation-of-duties rule "no-secret-exfiltration": aws.secretsmanager read on arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/*`;
    const closing = "; move one of these duties to another agent with its own identity";
    const runsPods = (namespace = "agents") => `writing jobs runs pods as any service account of the namespace and mounts any secret or config map there, through kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "jobs" (${namespace}/jobs)`;

    it("follows every agent one agent can act as: each duty held by a different one of them", () => {
        const stack = [
            role(TRUST.irsa), rolePolicy("grants", doc(readsSecrets)),
            helper, rolePolicy("helper-grants", doc(fetchesSlack), { role: "helper-runner" }), slackProvider,
            builder, ...jobs(["create"]),
        ];
        assert.deepStrictEqual(separationOfDuties.check(stack, config([EXFILTRATION])), [{
            urn: builder.urn,
            message: `${opening} through aws.iam.RolePolicy "grants" of agent "triage", which it can act as (${runsPods()}); oauth.slack write through aws.iam.RolePolicy "helper-grants" of agent "helper", which it can act as (${runsPods()})${closing}`,
        }]);
    });

    it("names each holder of a duty with all its sources: its own, then an agent it acts as", () => {
        const stack = [
            role(TRUST.irsa), rolePolicy("grants", doc(readsSecrets)),
            builder, ...jobs(["create"]), slackProvider,
            rolePolicy("builder-a", doc(readsSecrets), { role: "builder-runner" }), rolePolicy("builder-b", doc(readsSecrets), { role: "builder-runner" }),
            rolePolicy("builder-slack", doc(fetchesSlack), { role: "builder-runner" }),
        ];
        assert.deepStrictEqual(separationOfDuties.check(stack, config([EXFILTRATION])), [{
            urn: builder.urn,
            message: `${opening} through aws.iam.RolePolicy "grants" of agent "triage", which it can act as (${runsPods()}), aws.iam.RolePolicy "builder-a", aws.iam.RolePolicy "builder-b"; oauth.slack write through aws.iam.RolePolicy "builder-slack"${closing}`,
        }]);
    });

    it("acts only as service accounts of the namespace its rule is in, only as the names a token rule lists, and never as an agent without service accounts", () => {
        const fetching = [builder, rolePolicy("builder-slack", doc(fetchesSlack), { role: "builder-runner" }), slackProvider];
        const readers = [role(TRUST.irsa), rolePolicy("grants", doc(readsSecrets))];
        const tokens = (names: string[]) => [
            k8sRole("tokens", [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: names, verbs: ["create"] }]),
            roleBinding("tokens", { kind: "Role", name: "tokens" }, [{ kind: "ServiceAccount", name: "builder", namespace: "ci" }]),
        ];
        const check = (stack: ResourceView[]) => separationOfDuties.check(stack, config([EXFILTRATION]));
        assert.deepStrictEqual(check([...readers, ...fetching, ...jobs(["create"], "ci")]), [], "jobs in ci run no pod as agents/triage");
        assert.deepStrictEqual(check([role(TRUST.agentcore), rolePolicy("grants", doc(readsSecrets)), ...fetching, ...jobs(["create"])]), [], "an AgentCore agent has no service account to run pods as");
        assert.deepStrictEqual(check([...readers, ...fetching, ...tokens(["helper"])]), [], "tokens for agents/helper only");
        assert.deepStrictEqual(check([...readers, ...fetching, ...tokens(["triage"])]), [{
            urn: builder.urn,
            message: `${opening} through aws.iam.RolePolicy "grants" of agent "triage", which it can act as (mints tokens for service accounts, through kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "tokens" (agents/tokens)); oauth.slack write through aws.iam.RolePolicy "builder-slack"${closing}`,
        }]);
    });
});

/**
 * A Cedar permit admits a role's sessions to a tool whenever cedar-wasm says so (Cedar's own evaluator, no
 * code shared with the pack), against a schema written here from AgentCore's documentation: each MCP tool is
 * an action `<target>___<tool>` in `CallTool`, in `Mcp`; the principal an `AgentCore::IamEntity` whose `id` is
 * the caller's IAM ARN; the resource the `AgentCore::Gateway` by ARN.
 */
describe("agent-separation-of-duties: Cedar permits of any scope (policy pack, judged by cedar-wasm)", () => {
    const SCHEMA = [
        "namespace AgentCore {",
        "  entity IamEntity = { \"id\": String };",
        "  entity OAuthUser = { \"id\": String };",
        "  entity Gateway;",
        "  action \"Mcp\";",
        "  action \"CallTool\" in [\"Mcp\"];",
        ...["crm___issueRefund", "crm___lookupCustomer"].map((a) => `  action "${a}" in ["CallTool"] appliesTo { principal: [IamEntity, OAuthUser], resource: [Gateway], context: { "input": { "amount": Long } } };`),
        "}",
    ].join("\n");
    const OTHER_GATEWAY = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/billing-2`;
    const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/session-1`;
    /** cedar-wasm's decision: may triage-runner's session call crm/issueRefund (amount 20) on the helpdesk gateway? */
    const cedarAllows = (statement: string): boolean => {
        const principal = { type: "AgentCore::IamEntity", id: SESSION };
        const answer = cedarWasm.isAuthorized({
            principal, action: { type: "AgentCore::Action", id: "crm___issueRefund" }, resource: { type: "AgentCore::Gateway", id: GATEWAY },
            context: { input: { amount: 20 } }, schema: SCHEMA, validateRequest: true, policies: { staticPolicies: { p: statement } },
            entities: [{ uid: principal, attrs: { id: SESSION }, parents: [] }],
        });
        if (answer.type !== "success") throw new Error(JSON.stringify(answer.errors));
        assert.deepStrictEqual(answer.response.diagnostics.errors, [], statement);
        return answer.response.decision === "allow";
    };
    const rule: SeparationOfDutiesRule = { name: "refunds", description: "who reads payment secrets issues no refund", forbid: [
        { connector: "aws.secretsmanager", access: "read", resources: [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/*`] },
        { connector: "tool.helpdesk", access: "write", resources: ["crm/issueRefund"] },
    ] };
    const check = (statement: string) => separationOfDuties.check(
        [role(), rolePolicy("grants", doc(readsSecrets)), resource(CEDAR_POLICY, "tools", { name: "tools", policyEngineId: "engine-1", definition: { cedar: { statement } } })],
        config([rule], { billing: OTHER_GATEWAY, helpdesk: GATEWAY }),
    );
    const finding = [{
        urn: `urn:pulumi:dev::handwritten::aws:iam/role:Role::triage-role`,
        message: `aws.iam.Role "triage-role" (triage-runner) is agent "triage", which holds every duty of separation-of-duties rule "refunds" (who reads payment secrets issues no refund): aws.secretsmanager read on arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/* through aws.iam.RolePolicy "grants"; tool.helpdesk write on crm/issueRefund through aws.bedrock.AgentcorePolicy "tools"; move one of these duties to another agent with its own identity`,
    }];
    const helpdesk = `resource == AgentCore::Gateway::"${GATEWAY}"`;
    const sessions = (pattern: string) => `when { principal.id like "${pattern}" }`;
    const own = sessions(`arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/*`);

    it("finds a role allowed every tool of the gateway, or a tool group, or the tool among others, by permits without `action ==`", () => {
        const permits = [
            `permit (principal is AgentCore::IamEntity, action, ${helpdesk}) ${own};`,
            `permit (principal, action in [AgentCore::Action::"crm___lookupCustomer", AgentCore::Action::"crm___issueRefund"], ${helpdesk}) ${own};`,
            `permit (principal, action in AgentCore::Action::"CallTool", ${helpdesk}) ${own};`,
            `permit (principal, action in [AgentCore::Action::"Mcp"], ${helpdesk}) ${own};`,
            `@id("refunds") permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) ${own};`,
        ];
        assert.deepStrictEqual(permits.map(cedarAllows), permits.map(() => true));
        for (const permit of permits) assert.deepStrictEqual(check(permit), finding, permit);
    });

    it("finds a role admitted by a principal that is not exactly its sessions: any role, a role pattern, no principal condition, the session itself", () => {
        const permits = [
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) ${sessions(`arn:aws:sts::${ACCOUNT}:assumed-role/*`)};`,
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) ${sessions("arn:aws:sts::*:assumed-role/triage-*/*")};`,
            `permit (principal is AgentCore::IamEntity, action == AgentCore::Action::"crm___issueRefund", ${helpdesk});`,
            `permit (principal == AgentCore::IamEntity::"${SESSION}", action == AgentCore::Action::"crm___issueRefund", ${helpdesk});`,
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) when { principal.id == "${SESSION}" };`,
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) when { principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/*" || true };`,
            // Cedar ends a comment at a carriage return as at a newline: the disjunction after it is code.
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) when { principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/*" // other-runner only?\r || true\n};`,
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) unless { principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/*" };`,
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", resource) ${own};`,
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", resource is AgentCore::Gateway) ${own};`,
            // Escapes Cedar reads: the tool, the gateway and the role spelled with them.
            `permit (principal, action == AgentCore::Action::"crm___issue\\u{52}efund", resource == AgentCore::Gateway::"${GATEWAY.replace("helpdesk", "help\\x64esk")}") ${sessions(`arn:aws:sts::${ACCOUNT}:assumed-role/\\u{74}riage-runner/*`)};`,
            `permit (principal, action in [AgentCore::Action::"crm\\x5f\\x5f\\x5fissueRefund"], ${helpdesk}) when { principal.id == "${SESSION.replace("session", "\\u{73}ession")}" };`,
        ];
        assert.deepStrictEqual(permits.map(cedarAllows), permits.map(() => true));
        for (const permit of permits) assert.deepStrictEqual(check(permit), finding, permit);
    });

    it("counts conservatively: a condition on the tool's input or on the action, or a pattern with a literal star, does not narrow what a permit grants", () => {
        const permits = [
            `permit (principal, action, ${helpdesk}) ${own} when { context.input.amount > 100 };`,
            `permit (principal, action, ${helpdesk}) when { principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/*" && action != AgentCore::Action::"crm___issueRefund" };`,
            // A literal star (\*) in a pattern (this session name has none): the pack does not read the pattern, and counts every role.
            `permit (principal, action == AgentCore::Action::"crm___issueRefund", ${helpdesk}) ${sessions(`arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/*\\*`)};`,
        ];
        assert.deepStrictEqual(permits.map(cedarAllows), [false, false, false], "Cedar denies these calls: the pack counts them anyway (it does not evaluate conditions)");
        for (const permit of permits) assert.deepStrictEqual(check(permit), finding, permit);
    });

    it("reads each permit's scope exactly: escapes as Cedar reads them, only `==` and conjunct `principal.id` conditions narrow, anything unreadable is open", () => {
        const any = (fields: object = {}) => ({ callers: [], tools: ["*"], ...fields });
        const cases: [string, object[]][] = [
            // Every escape Cedar knows; the largest code point; two annotations.
            [String.raw`@id("a") @b permit (principal == AgentCore::IamEntity::"a\n\r\t\0\\\'\"\x41\u{10ffff}", action == AgentCore::Action::"t___x", resource == AgentCore::Gateway::"g");`,
                [{ callers: ["a\n\r\t\0\\'\"A\u{10ffff}"], tools: ["t/x"], gatewayArn: "g" }]],
            // Escapes Cedar refuses (\q, a code point past U+10FFFF, \* outside a pattern, \x80): nothing narrowed.
            [String.raw`permit (principal == AgentCore::IamEntity::"\q", action in [AgentCore::Action::"t___x", AgentCore::Action::"\u{110000}"], resource == AgentCore::Gateway::"g\*") when { principal.id like "\x80" };`, [any()]],
            // principal in / is: every caller; no scope at all; a scope without parentheses.
            [`permit (principal in AgentCore::IamEntity::"x", action, resource); permit (principal is AgentCore::IamEntity, action, resource);`, [any(), any()]],
            [`permit a, b, resource == AgentCore::Gateway::"g";`, [any()]],
            // resource in, action is: every gateway, every tool. An unclosed scope is read to the end.
            [`permit (principal, action is AgentCore::Action, resource in AgentCore::Gateway::"g");`, [any()]],
            [`permit (principal, action == AgentCore::Action::"t___x", resource == AgentCore::Gateway::"g"`, [{ callers: [], tools: ["t/x"], gatewayArn: "g" }]],
            // The scope ends at its parenthesis: an unreadable pattern in a when clause after it leaves the gateway read; a when without braces is no clause.
            [String.raw`permit (principal, action in [AgentCore::Action::"t___x"], resource == AgentCore::Gateway::"g") when { principal.id like "\q" } when (principal.id like "w");`,
                [{ callers: [], tools: ["t/x"], gatewayArn: "g" }]],
            // Conjuncts of when clauses narrow; other conjuncts, unless, disjunctions and an if before && do not.
            [`permit (principal, action == AgentCore::Action::"t___x", resource) when { principal.id like "p1" && resource.id like "r" && principal.x like "x" && principal has id like "h" && principal.id < "y" && principal.id like "q" == false && principal.id like other } unless { principal.id like "u" } when { principal.id == "p2" } when { true || false && principal.id like "o" } when { if true then false else false && principal.id like "i" };`,
                [{ callers: ["p1", "p2"], tools: ["t/x"] }]],
            // == a non-tool action: no tool; in a list of actions: each tool once, every tool for a group; a comment.
            [`permit (principal, action == AgentCore::Action::"CallTool", resource); // action\npermit (principal, action in [AgentCore::Action::"t___x", AgentCore::Action::"t___x", AgentCore::Action::"Mcp"], resource);`,
                [{ callers: [], tools: [] }, { callers: [], tools: ["t/x", "*"] }]],
        ];
        assert.deepStrictEqual(cases.map(([statement]) => cedarPermitScopes(statement)), cases.map(([, scopes]) => scopes));
        // Cedar's parser (cedar-wasm) reads the escapes of the first alike, and refuses the second.
        const parsed = cedarWasm.policyToJson(cases[0][0]);
        assert.ok(parsed.type === "success", JSON.stringify(parsed));
        assert.deepStrictEqual([parsed.json.principal, parsed.json.resource], [
            { op: "==", entity: { type: "AgentCore::IamEntity", id: "a\n\r\t\0\\'\"A\u{10ffff}" } }, { op: "==", entity: { type: "AgentCore::Gateway", id: "g" } }]);
        assert.strictEqual(cedarWasm.policyToJson(cases[1][0]).type, "failure");
    });

    it("admits a role when some session of it matches a pattern: not another role, not a pattern that needs more or less than a session ARN", () => {
        const permit = (tool: string, pattern: string) => resource(CEDAR_POLICY, tool, { name: tool, policyEngineId: "engine-1",
            definition: { cedar: { statement: `permit (principal, action == AgentCore::Action::"crm___${tool}", ${helpdesk}) ${sessions(pattern)};` } } });
        const patterns: Record<string, string> = {
            own: `arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/s`, star: "*", partition: "arn:*:sts::*:assumed-role/triage-runner/*", inner: "arn:aws:sts::*:assumed-*-runner/*",
            shorter: `arn:aws:sts::${ACCOUNT}:assumed-role/triage-runne/*`, prefix: `arn:aws:sts::${ACCOUNT}:assumed-role/triage`, slash: `arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/s/t`,
            colon: `arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/s:t`, account: `arn:aws:sts::1/2:assumed-role/triage-runner/*`, other: `arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/*`,
        };
        const holders = stackDutyHolders(new StackView([role(), ...Object.entries(patterns).map(([tool, pattern]) => permit(tool, pattern))]), { helpdesk: GATEWAY });
        assert.deepStrictEqual(holders[0].permissions.flatMap((p) => (p.kind === "tool" && p.level === "read" ? [p.tool] : [])), ["crm/own", "crm/star", "crm/partition", "crm/inner"]);
        // A role whose name is not known yet (computed at preview): only the permits that admit every role count — not one naming a role "undefined".
        const open = resource(CEDAR_POLICY, "open", { name: "open", policyEngineId: "engine-1", definition: { cedar: { statement: `permit (principal, action == AgentCore::Action::"crm___open", ${helpdesk});` } } });
        const unnamed = stackDutyHolders(new StackView([role(undefined, { name: undefined }), ...["own", "star", "partition", "inner"].map((tool) => permit(tool, patterns[tool])),
            permit("anyRole", `arn:aws:sts::${ACCOUNT}:assumed-role/*/*`), permit("undefined", `arn:aws:sts::${ACCOUNT}:assumed-role/undefined/*`), open]), { helpdesk: GATEWAY });
        assert.deepStrictEqual(unnamed[0].permissions.flatMap((p) => (p.kind === "tool" && p.level === "read" ? [p.tool] : [])), ["crm/star", "crm/anyRole", "crm/open"]);
    });

    it("passes permits Cedar never applies to the role's call of the tool: another role, another tool, another gateway, a forbid", () => {
        const permits = [
            `permit (principal, action, ${helpdesk}) ${sessions(`arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/*`)};`,
            `permit (principal, action, ${helpdesk}) when { principal.id like "arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/*" && context.input.amount > 0 };`,
            `permit (principal == AgentCore::IamEntity::"arn:aws:sts::${ACCOUNT}:assumed-role/other-runner/s", action, ${helpdesk});`,
            `permit (principal, action in [AgentCore::Action::"crm___lookupCustomer"], ${helpdesk}) ${own};`,
            `permit (principal, action == AgentCore::Action::"CallTool", ${helpdesk}) ${own};`,
            `permit (principal, action, ${helpdesk}) ${sessions(`arn:aws:sts::${ACCOUNT}:assumed-role/\\u{6f}ther-runner/*`)};`,
            `permit (principal, action, resource == AgentCore::Gateway::"${OTHER_GATEWAY}") ${own};`,
            `forbid (principal, action, resource) ${own};`,
        ];
        assert.deepStrictEqual(permits.map(cedarAllows), permits.map(() => false));
        for (const permit of permits) assert.deepStrictEqual(check(permit), [], permit);
    });
});
