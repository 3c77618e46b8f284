import * as assert from "assert";
import { separationOfDuties } from "../../../provider/policy/duties";
import type { SeparationOfDutiesRule } from "../../../provider/declarations/types";
import { ACCOUNT, doc, k8sRole, NOW, READ, resource, role, roleBinding, rolePolicy, serviceAccount, SPIFFE, TRIAGE_SA, TRUST, until, WRITE } from "./stacks";

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
const slackProvider = resource("aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider", "slack", { name: "agentid-slack", credentialProviderVendor: "SlackOauth2" });

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
