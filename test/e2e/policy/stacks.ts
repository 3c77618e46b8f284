/**
 * Hand-written Pulumi programs for the policy-pack e2e: stacks a platform team could write without agentid's
 * components, built with the real @pulumi/aws and @pulumi/kubernetes resource classes. Every role is written
 * compliant except for the one defect its name says, so each stack's expected findings are known in advance:
 * the defect, reported by the policy that owns it, and `no-shadow-agents` on every hand-written agent role.
 *
 * `program.ts` runs one of them (config `e2e:stack`); `clean` is the sample fleet through AgentFleet.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { Agent } from "../../../provider/components/agent";
import { AgentFleet } from "../../../provider/components/agentFleet";

export const ACCOUNT = "123456789012";
export const OTHER_ACCOUNT = "999999999999";
export const NOW = "2026-12-01T00:00:00Z";
export const EXPIRES = "2027-01-15T00:00:00Z";
export const CLUSTER = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`;
export const ANCHOR = `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-a`;
export const SPIFFE = "spiffe://example.org/agents/triage";
export const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA";
export const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

const TAGS = { "agentid:name": "triage", "agentid:owner-team": "support", "agentid:owner-contact": "support@example.com", "agentid:expires-at": EXPIRES };
const ANNOTATIONS = { "agentid.dev/owner-team": "support", "agentid.dev/owner-contact": "support@example.com", "agentid.dev/expires-at": EXPIRES };
const until = (time = EXPIRES) => ({ DateLessThan: { "aws:CurrentTime": time } });
export const doc = (...statements: object[]) => ({ Version: "2012-10-17", Statement: statements });

/** Pod Identity trust exactly as agentid writes it, for service account agents/<sa>. */
export const podTrust = (sa = "triage") => doc({
    Sid: "AgentTrustPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": sa, "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() },
});
/** An exact read grant that ends at the agent's expiry. */
export const READ = doc({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"], Condition: until() });

/** A hand-written role: tagged, one-hour sessions, Pod Identity trust for its own service account, unless overridden. */
function role(name: string, overrides: Partial<aws.iam.RoleArgs> = {}): aws.iam.Role {
    return new aws.iam.Role(name, { name, maxSessionDuration: 3600, tags: TAGS, assumeRolePolicy: JSON.stringify(podTrust(name)), ...overrides });
}
const json = (value: object) => JSON.stringify(value);

export const STACKS: Record<string, () => void> = {
    /** The compliant twin: written by hand, so only `no-shadow-agents` speaks. */
    compliant() {
        const r = role("triage-runner");
        new aws.iam.RolePolicy("triage-runner-read", { role: r.name, policy: json(READ) });
    },

    /** agent-trust-pinned: who can assume the role, which workload, until when, for how long. */
    trust() {
        role("anyone", { assumeRolePolicy: json(doc({ Sid: "Pods", Effect: "Allow", Principal: { AWS: "*" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-service-account": "anyone" }, ...until() } })) });
        role("other-account", { assumeRolePolicy: json(doc({ Sid: "Partner", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "sts:AssumeRole", Condition: until() })) });
        role("any-pod", { assumeRolePolicy: json(doc({ Sid: "AnyPod", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:SourceAccount": ACCOUNT }, StringLike: { "aws:RequestTag/kubernetes-service-account": "*" }, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } })) });
        role("anchor-only", { assumeRolePolicy: json(doc({ Sid: "AnchorOnly", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Condition: { ArnEquals: { "aws:SourceArn": ANCHOR }, ...until() } })) });
        role("any-token", { assumeRolePolicy: json(doc({ Sid: "AnyToken", Effect: "Allow", Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity", Condition: until() })) });
        role("beyond-expiry", { assumeRolePolicy: json(doc({ Sid: "Late", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: { "aws:SourceArn": ANCHOR }, ...until("2099-01-01T00:00:00Z") } })) });
        role("long-sessions", { maxSessionDuration: 43200 });
    },

    /** agent-least-privilege: every route by which a role gets permissions. */
    permissions() {
        const admin = role("admin-attached");
        new aws.iam.RolePolicyAttachment("admin-attached-admin", { role: admin.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        role("inline-not-action", { inlinePolicies: [{ name: "everything-but", policy: json(doc({ Sid: "AllButS3", Effect: "Allow", NotAction: ["s3:*"], Resource: "*", Condition: until() })) }] });
        role("managed-arn", { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/shared-ops`] });
        const policy = new aws.iam.Policy("bucket-admin", { name: "bucket-admin", policy: json(doc({ Sid: "Buckets", Effect: "Allow", Action: "s3:*", Resource: "*", Condition: until() })) });
        const attached = role("policy-attached");
        new aws.iam.PolicyAttachment("policy-attached-bucket-admin", { roles: [attached.name], policyArn: policy.arn });
        const notResource = role("not-resource");
        new aws.iam.RolePolicy("not-resource-reads", { role: notResource.name, policy: json(doc({ Sid: "AllButSecrets", Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secrets/*", Condition: until() })) });
        const bucket = new aws.s3.Bucket("reports", {});
        const computed = role("computed-policy");
        new aws.iam.RolePolicy("computed-policy-reports", { role: computed.name, policy: bucket.arn.apply((arn) => json(doc({ Sid: "Reports", Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/*`, Condition: until() }))) });
    },

    /** no-static-credentials: every long-term credential type, AWS and Kubernetes. */
    credentials() {
        const user = new aws.iam.User("bot", { name: "bot" });
        new aws.iam.AccessKey("bot-key", { user: user.name });
        new aws.iam.UserLoginProfile("bot-console", { user: user.name });
        new aws.iam.ServiceSpecificCredential("bot-bedrock-key", { userName: user.name, serviceName: "bedrock.amazonaws.com" });
        new aws.iam.SigningCertificate("bot-certificate", { userName: user.name, certificateBody: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" });
        new aws.iam.SshKey("bot-ssh", { username: user.name, encoding: "SSH", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBot bot" });
        new k8s.core.v1.Secret("bot-token", { metadata: { name: "bot-token", namespace: "agents", annotations: { "kubernetes.io/service-account.name": "bot" } }, type: "kubernetes.io/service-account-token" });
    },

    /** agent-owner-and-expiry: agent identities recognised by what they trust, whatever their tags. */
    ownership() {
        role("untagged-pods", { tags: {} });
        role("untagged-oidc", { tags: {}, assumeRolePolicy: json(doc({ Sid: "Irsa", Effect: "Allow", Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:untagged-oidc", [`${ISSUER}:aud`]: "sts.amazonaws.com" }, ...until() } })) });
        role("too-long", { tags: { ...TAGS, "agentid:expires-at": "2099-01-01T00:00:00Z" }, assumeRolePolicy: json({ ...podTrust("too-long"), Statement: [{ ...podTrust("too-long").Statement[0], Condition: { ...(podTrust("too-long").Statement[0] as { Condition: object }).Condition, ...until("2099-01-01T00:00:00Z") } }] }) });
        new k8s.core.v1.ServiceAccount("nobody-owns", { metadata: { name: "nobody-owns", namespace: "agents", annotations: { "agentid.dev/expires-at": EXPIRES } }, automountServiceAccountToken: false });
    },

    /** agent-write-approved: write actions without an approval, or with an approval for other grants. */
    writes() {
        const unapproved = role("unapproved-writer");
        new aws.iam.RolePolicy("unapproved-writer-put", { role: unapproved.name, policy: json(doc({ Sid: "Put", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::tickets/outbound/*", Condition: until() })) });
        const stale = role("stale-approval", { tags: { ...TAGS, "agentid:approval": "CHG-1 by alice", "agentid:approved-digest": "sha256:old", "agentid:grants-digest": "sha256:new" } });
        new aws.iam.RolePolicy("stale-approval-put", { role: stale.name, policy: json(doc({ Sid: "Put", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::tickets/outbound/*", Condition: until() })) });
    },

    /** agent-separation-of-duties: one role reads the payment secret and the customer exports (the rule forbids both); its twin only the secret. */
    duties() {
        const secret = { Sid: "Secret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:payments/stripe-key-AbCdEf`], Condition: until() };
        const customerExports = { Sid: "Exports", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::customer-exports/daily/*"], Condition: until() };
        const both = role("pay-and-export");
        new aws.iam.RolePolicy("pay-and-export-read", { role: both.name, policy: json(doc(secret, customerExports)) });
        const twin = role("pay-only");
        new aws.iam.RolePolicy("pay-only-read", { role: twin.name, policy: json(doc(secret)) });
    },

    /** agent-kubernetes-access: what agent service accounts are bound to, and token automount. */
    kubernetes() {
        // With e2e:renderTo the real engine previews the same stack through the real Kubernetes provider (YAML rendering).
        const renderTo = new pulumi.Config("e2e").get("renderTo");
        const opts = renderTo ? { provider: new k8s.Provider("render", { renderYamlToDirectory: renderTo }) } : {};
        const account = (name: string, automount = false) => new k8s.core.v1.ServiceAccount(name, { metadata: { name, namespace: "agents", annotations: ANNOTATIONS }, automountServiceAccountToken: automount }, opts);
        const bind = (name: string, rules: k8s.types.input.rbac.v1.PolicyRule[]) => {
            account(name);
            new k8s.rbac.v1.Role(name, { metadata: { name, namespace: "agents" }, rules }, opts);
            new k8s.rbac.v1.RoleBinding(name, { metadata: { name, namespace: "agents" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name }, subjects: [{ kind: "ServiceAccount", name, namespace: "agents" }] }, opts);
        };
        account("cluster-wide");
        new k8s.rbac.v1.ClusterRoleBinding("cluster-wide-view", { metadata: { name: "cluster-wide-view" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, subjects: [{ kind: "ServiceAccount", name: "cluster-wide", namespace: "agents" }] }, opts);
        bind("star-verbs", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }]);
        bind("all-secrets", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]);
        bind("escalates", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], resourceNames: ["triage"], verbs: ["escalate"] }]);
        bind("exact", [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["triage-settings"], verbs: ["get"] }]);
        account("mounts-token", true);
    },

    /** What AgentFleet generates for the sample fleet (agents/), every platform. */
    clean() {
        new AgentFleet("guarded", {
            paths: [path.join(__dirname, "../../../../agents")], now: NOW,
            oauthClients: { github: { clientId: "gh-client", clientSecret: pulumi.secret("gh-secret") } },
        });
    },

    /**
     * An AgentCore agent with its own OAuth provider and no fleet account or region: its trust and grants are
     * computed from its own resources' ARNs, unknown at preview (checked once `pulumi up` reports them).
     */
    computed() {
        new Agent("research", {
            description: "Answers engineering questions", owner: { team: "devex", contact: "devex@example.com" }, expiresAt: EXPIRES, now: NOW,
            identity: { aws: { trust: "agentcore", maxSessionDuration: 900 } },
            grants: [
                { connector: "aws.bedrock", access: "read", resources: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"] },
                { connector: "oauth.github", scopes: ["read:org"] },
            ],
            oauthClients: { github: { clientId: "gh-client", clientSecret: pulumi.secret("gh-secret") } },
        });
    },
};
