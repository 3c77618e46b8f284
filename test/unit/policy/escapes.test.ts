import * as assert from "assert";
import { leastPrivilege, pinnedTrust, ResourceView, UNKNOWN } from "../../../provider/policy/policies";
import {
    ACCOUNT, ADMIN_ARN, AGENT_URN, ADMINISTRATOR_ACCESS, ANCHOR, CLUSTER, CONFIG, doc, EXPIRES, OIDC, OTHER_ACCOUNT, READ, resource, role, rolePolicy, SPIFFE, TAGS, TRUST, until, WORKLOAD,
} from "./stacks";
import { AFTER_EXPIRY, assume, AssumeAttempt, ATTACKER, perform, PermissionAttempt, POD_CONTEXT, ROLE_ARN } from "./simulator";

/**
 * Each gap the issue found, as a hand-written stack the pack must stop and its compliant twin it must
 * pass — and the IAM policy simulator (@cloud-copilot/iam-simulate, which shares no code with the pack)
 * confirming that the violating trust really is assumable, or the violating permission really allowed,
 * where the compliant twin is not. Every case is a real escape, not a style preference.
 */

const R = `aws.iam.Role "triage-role" (triage-runner)`;
const MODES = "an IAM OIDC provider (irsa), pods.eks.amazonaws.com (podIdentity), rolesanywhere.amazonaws.com (rolesAnywhere), bedrock-agentcore.amazonaws.com (agentcore)";
const stmt = (s: object) => doc(s);

interface TrustEscape {
    gap: string;
    violating: object;
    /** Props of the violating role beyond the trust (e.g. an untagged role). */
    roleProps?: Record<string, unknown>;
    compliant: object;
    messages: string[];
    /** The request the violating trust admits and the compliant twin refuses. */
    attempt?: AssumeAttempt;
    /** Why the simulator cannot judge this case. */
    unsimulated?: string;
}

const TRUST_ESCAPES: TrustEscape[] = [
    {
        gap: `Principal {"AWS":"*"} with a condition on a key ending in kubernetes-service-account, on an untagged role`,
        violating: stmt({ Sid: "Pods", Effect: "Allow", Principal: { AWS: "*" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-service-account": "triage" }, ...until() } }),
        roleProps: { tags: {} },
        compliant: TRUST.podIdentity,
        messages: [`${R} is an agent role (its trust reads the workload condition key aws:RequestTag/kubernetes-service-account) and trust statement Pods admits AWS principals ("*"); an agent role trusts only its workload's service or OIDC provider (${MODES}), never IAM users, roles or accounts`],
        attempt: { principal: ATTACKER, action: "sts:AssumeRole", context: { "aws:RequestTag/kubernetes-service-account": "triage" }, crossAccount: true },
    },
    {
        gap: "Principal \"*\"",
        violating: stmt({ Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [`${R} is an agent role (it is tagged agentid:name) and trust statement Anyone admits every principal ("*"); an agent role trusts exactly one: ${MODES}`],
        attempt: { principal: ATTACKER, action: "sts:AssumeRole", context: {}, crossAccount: true },
    },
    {
        gap: "NotPrincipal naming the workload's service",
        violating: stmt({ Sid: "AllButPods", Effect: "Allow", NotPrincipal: { Service: "pods.eks.amazonaws.com" }, Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [`${R} is an agent role (it is tagged agentid:name) and trust statement AllButPods uses NotPrincipal, which admits every principal except the ones listed; name the one principal in Principal (${MODES})`],
        attempt: { principal: ATTACKER, action: "sts:AssumeRole", context: {}, crossAccount: true },
    },
    {
        gap: "a Roles Anywhere trust with only the anchor (no SPIFFE ID)",
        violating: stmt({ Sid: "AnchorOnly", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Condition: { ArnEquals: { "aws:SourceArn": ANCHOR }, ...until() } }),
        compliant: TRUST.rolesAnywhere,
        messages: [`${R} is an agent role (it trusts rolesanywhere.amazonaws.com) and trust statement AnchorOnly does not pin the SPIFFE ID (certificate URI SAN): add StringEquals "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/support-triage"`],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/billing", "aws:SourceArn": ANCHOR } },
    },
    {
        gap: "a trust date of 2099 under an agentid:expires-at tag of 2027",
        violating: stmt({ Sid: "AgentTrustRolesAnywhere", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole"],
            Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: { "aws:SourceArn": ANCHOR }, DateLessThan: { "aws:CurrentTime": "2099-01-01T00:00:00Z" } } }),
        compliant: TRUST.rolesAnywhere,
        messages: [
            `${R} is an agent role (it trusts rolesanywhere.amazonaws.com) and trust statement AgentTrustRolesAnywhere ends at 2099-01-01T00:00:00Z but the role's agentid:expires-at tag says ${EXPIRES}; make the trust's DateLessThan aws:CurrentTime equal the tag`,
            `${R} is an agent role (it trusts rolesanywhere.amazonaws.com) and trust statement AgentTrustRolesAnywhere ends at 2099-01-01T00:00:00Z, more than 90 days after now (2026-12-01T00:00:00Z); end it on or before 2027-03-01T00:00:00Z`,
        ],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR, "aws:CurrentTime": AFTER_EXPIRY } },
    },
    {
        gap: "a trust without any expiry condition",
        violating: stmt({ Sid: "Forever", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole"],
            Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: { "aws:SourceArn": ANCHOR } } }),
        compliant: TRUST.rolesAnywhere,
        messages: [`${R} is an agent role (it trusts rolesanywhere.amazonaws.com) and trust statement Forever has no DateLessThan aws:CurrentTime condition, so it never expires; add DateLessThan {"aws:CurrentTime": "<the agent's expiry>"} (${EXPIRES}, its agentid:expires-at tag)`],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR, "aws:CurrentTime": AFTER_EXPIRY } },
    },
    {
        gap: "a StringLike pattern for the Pod Identity service account",
        violating: stmt({ Sid: "AnyPod", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:SourceAccount": ACCOUNT }, StringLike: { "aws:RequestTag/kubernetes-service-account": "*" }, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } }),
        compliant: TRUST.podIdentity,
        messages: [`${R} is an agent role (it trusts pods.eks.amazonaws.com) and trust statement AnyPod does not pin the pod's service account: add StringEquals "aws:RequestTag/kubernetes-service-account": "support-triage" (it reads aws:RequestTag/kubernetes-service-account with StringLike, which admits other values or none)`],
        attempt: { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", context: { ...POD_CONTEXT, "aws:RequestTag/kubernetes-service-account": "ci-runner" } },
    },
    {
        gap: "no Pod Identity namespace pin (a service account of the same name in any namespace)",
        violating: stmt({ Sid: "AnyNamespace", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-service-account": "triage", "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } }),
        compliant: TRUST.podIdentity,
        messages: [`${R} is an agent role (it trusts pods.eks.amazonaws.com) and trust statement AnyNamespace does not pin the pod's namespace: add StringEquals "aws:RequestTag/kubernetes-namespace": "agents"`],
        attempt: { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", context: { ...POD_CONTEXT, "aws:RequestTag/kubernetes-namespace": "sandbox" } },
    },
    {
        gap: "an IfExists operator on the SPIFFE ID (a session without the tag passes)",
        violating: stmt({ Sid: "IfExists", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole"],
            Condition: { StringEqualsIfExists: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: { "aws:SourceArn": ANCHOR }, ...until() } }),
        compliant: TRUST.rolesAnywhere,
        messages: [`${R} is an agent role (it trusts rolesanywhere.amazonaws.com) and trust statement IfExists does not pin the SPIFFE ID (certificate URI SAN): add StringEquals "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/support-triage" (it reads aws:PrincipalTag/x509SAN/URI with StringEqualsIfExists, which admits other values or none)`],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:SourceArn": ANCHOR } },
    },
    {
        gap: "two SPIFFE IDs in one pin",
        violating: stmt({ Sid: "Two", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole"],
            Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": [SPIFFE, "spiffe://example.org/agents/billing"] }, ArnEquals: { "aws:SourceArn": ANCHOR }, ...until() } }),
        compliant: TRUST.rolesAnywhere,
        messages: [`${R} is an agent role (it trusts rolesanywhere.amazonaws.com) and trust statement Two pins the SPIFFE ID (certificate URI SAN) (aws:PrincipalTag/x509SAN/URI) to ["spiffe://example.org/agents/triage","spiffe://example.org/agents/billing"]; it must name exactly one, e.g. "spiffe://example.org/agents/support-triage"`],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/billing", "aws:SourceArn": ANCHOR } },
    },
    {
        gap: "a Pod Identity trust without the cluster and account",
        violating: stmt({ Sid: "AnyCluster", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "triage" }, ...until() } }),
        compliant: TRUST.podIdentity,
        messages: [
            `${R} is an agent role (it trusts pods.eks.amazonaws.com) and trust statement AnyCluster does not pin the cluster's account: add StringEquals "aws:SourceAccount": "123456789012"`,
            `${R} is an agent role (it trusts pods.eks.amazonaws.com) and trust statement AnyCluster does not pin the EKS cluster: add ArnEquals "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:cluster/agents-prod"`,
        ],
        attempt: { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", context: { ...POD_CONTEXT, "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:eks:us-east-1:${OTHER_ACCOUNT}:cluster/prod` } },
    },
    {
        gap: "a Pod Identity trust whose account and cluster disagree",
        violating: stmt({ Sid: "Mixed", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "triage", "aws:SourceAccount": OTHER_ACCOUNT }, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } }),
        compliant: TRUST.podIdentity,
        messages: [`${R} is an agent role (it trusts pods.eks.amazonaws.com) and trust statement Mixed names more than one account (aws:SourceAccount: ${OTHER_ACCOUNT}, aws:SourceArn: ${ACCOUNT}); the source account and every ARN it pins must be the same account`],
        unsimulated: "no real request carries a source account and a cluster ARN of different accounts, so neither document admits more than the other; the pin is refused because one of them is wrong",
    },
    {
        gap: "an AgentCore source ARN with a wildcard account",
        violating: stmt({ Sid: "AnyAccount", Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: ["sts:AssumeRole"],
            Condition: { ArnEquals: { "aws:SourceArn": WORKLOAD.replace(ACCOUNT, "*") }, ...until() } }),
        compliant: TRUST.agentcore,
        messages: [`${R} is an agent role (it trusts bedrock-agentcore.amazonaws.com) and trust statement AnyAccount pins the AgentCore workload identity (and with it the account) (aws:SourceArn) with the pattern "${WORKLOAD.replace(ACCOUNT, "*")}"; "*" and "?" match other workloads — name exactly one, e.g. "arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/agent-research-assistant"`],
        attempt: { principal: "bedrock-agentcore.amazonaws.com", action: "sts:AssumeRole", context: { "aws:SourceArn": WORKLOAD.replace(ACCOUNT, OTHER_ACCOUNT) } },
    },
    {
        gap: "an AgentCore trust without a source ARN",
        violating: stmt({ Sid: "AnyWorkload", Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: ["sts:AssumeRole"], Condition: until() }),
        compliant: TRUST.agentcore,
        messages: [`${R} is an agent role (it trusts bedrock-agentcore.amazonaws.com) and trust statement AnyWorkload does not pin the AgentCore workload identity (and with it the account): add ArnEquals "aws:SourceArn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/agent-research-assistant"`],
        attempt: { principal: "bedrock-agentcore.amazonaws.com", action: "sts:AssumeRole", context: { "aws:SourceArn": WORKLOAD.replace("agent-triage", "agent-billing") } },
    },
    {
        gap: "an IRSA trust without the service account subject",
        violating: stmt({ Sid: "AnyToken", Effect: "Allow", Principal: { Federated: OIDC }, Action: ["sts:AssumeRoleWithWebIdentity"], Condition: until() }),
        compliant: TRUST.irsa,
        messages: [
            `${R} is an agent role (it trusts web identities from ${OIDC}) and trust statement AnyToken does not pin the service account (token subject): add StringEquals "oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA:sub": "system:serviceaccount:agents:support-triage"`,
            `${R} is an agent role (it trusts web identities from ${OIDC}) and trust statement AnyToken does not pin the token audience: add StringEquals "oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA:aud": "sts.amazonaws.com"`,
        ],
        // The simulator drops OIDC-provider keys (`<issuer>:sub`), so it cannot admit the compliant twin's own
        // service account either: only the violating side is simulated (any token of the cluster is admitted).
        attempt: { principal: OIDC, action: "sts:AssumeRoleWithWebIdentity", context: {} },
        unsimulated: "the compliant twin: the simulator drops `<issuer>:sub`, so it would refuse every IRSA request",
    },
    {
        gap: "a second statement trusting an IAM role of another account",
        violating: doc(TRUST.podIdentity.Statement[0], { Sid: "Backdoor", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [`${R} is an agent role (it trusts pods.eks.amazonaws.com) and trust statement Backdoor admits AWS principals ("arn:aws:iam::${OTHER_ACCOUNT}:root"); an agent role trusts only its workload's service or OIDC provider (${MODES}), never IAM users, roles or accounts`],
        attempt: { principal: ATTACKER, action: "sts:AssumeRole", context: {}, crossAccount: true },
    },
];

interface PermissionEscape {
    gap: string;
    /** The stack's permission resources beside the agent role (the role itself unless given). */
    violating: ResourceView[];
    compliant: ResourceView[];
    messages: string[];
    /** The documents the violating stack puts on the role, as AWS would evaluate them, and the twin's. */
    simulate?: { violating: object[]; compliant: object[]; attempt: PermissionAttempt };
    unsimulated?: string;
}

const ROLE = role(TRUST.podIdentity);
const POLICY = rolePolicy("grants", doc(READ));
const P = (name: string, type = "aws.iam.RolePolicy") => `${type} "${name}" on agent role ${R}`;
const policy = (name: string, document: object) => resource("aws:iam/policy:Policy", name, { name, path: "/", policy: JSON.stringify(document) });
const INLINE_PASS_ROLE = doc({ Sid: "Pass", Effect: "Allow", Action: ["iam:PassRole"], Resource: [`arn:aws:iam::${ACCOUNT}:role/admin`], Condition: until() });
const BUCKET_ADMIN = doc({ Sid: "Bucket", Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::tickets"], Condition: until() });
const ASSUME_ADMIN = doc({ Sid: "Hop", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [`arn:aws:iam::${ACCOUNT}:role/admin`], Condition: until() });

const PERMISSION_ESCAPES: PermissionEscape[] = [
    {
        gap: "NotAction on an agent's RolePolicy",
        violating: [ROLE, rolePolicy("grants", doc({ Sid: "Most", Effect: "Allow", NotAction: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"], Condition: until() }))],
        compliant: [ROLE, POLICY],
        messages: [`${P("grants")}: its policy, statement Most: NotAction allows every action except ["s3:GetObject"]; list the exact actions in Action`],
        simulate: {
            violating: [doc({ Effect: "Allow", NotAction: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"], Condition: until() })], compliant: [doc(READ)],
            attempt: { action: "s3:DeleteObject", resource: "arn:aws:s3:::tickets/inbound/ticket-1.json" },
        },
    },
    {
        gap: "NotResource on an agent's RolePolicy",
        violating: [ROLE, rolePolicy("grants", doc({ Sid: "Elsewhere", Effect: "Allow", Action: ["s3:GetObject"], NotResource: ["arn:aws:s3:::tickets/outbound/*"], Condition: until() }))],
        compliant: [ROLE, POLICY],
        messages: [`${P("grants")}: its policy, statement Elsewhere: NotResource allows every resource except ["arn:aws:s3:::tickets/outbound/*"]; name the exact resources in Resource`],
        simulate: {
            violating: [doc({ Effect: "Allow", Action: ["s3:GetObject"], NotResource: ["arn:aws:s3:::tickets/outbound/*"], Condition: until() })], compliant: [doc(READ)],
            attempt: { action: "s3:GetObject", resource: "arn:aws:s3:::payroll/2027/january.csv" },
        },
    },
    {
        gap: "RolePolicyAttachment of AdministratorAccess",
        violating: [ROLE, POLICY, resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "triage-runner", policyArn: ADMIN_ARN })],
        compliant: [ROLE, POLICY],
        messages: [`${P("admin", "aws.iam.RolePolicyAttachment")}: policyArn ${ADMIN_ARN} is an AWS managed policy: AWS writes and changes it, mostly for every resource ("*"), outside any review of this stack — grant the exact actions on exact resources in an inline policy instead`],
        simulate: { violating: [doc(READ), ADMINISTRATOR_ACCESS], compliant: [doc(READ)], attempt: { action: "iam:CreateAccessKey", resource: `arn:aws:iam::${ACCOUNT}:user/alice` } },
    },
    {
        gap: "AdministratorAccess in the role's managedPolicyArns",
        violating: [role(TRUST.podIdentity, { managedPolicyArns: [ADMIN_ARN] }), POLICY],
        compliant: [role(TRUST.podIdentity, { managedPolicyArns: [] }), POLICY],
        messages: [`${R}: managedPolicyArns ${ADMIN_ARN} is an AWS managed policy: AWS writes and changes it, mostly for every resource ("*"), outside any review of this stack — grant the exact actions on exact resources in an inline policy instead`],
        simulate: { violating: [doc(READ), ADMINISTRATOR_ACCESS], compliant: [doc(READ)], attempt: { action: "iam:AttachRolePolicy", resource: ROLE_ARN } },
    },
    {
        gap: "AdministratorAccess through RolePolicyAttachmentsExclusive",
        violating: [ROLE, POLICY, resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", { roleName: "triage-runner", policyArns: [ADMIN_ARN] })],
        compliant: [ROLE, POLICY, resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", { roleName: "triage-runner", policyArns: [] })],
        messages: [`${P("exclusive", "aws.iam.RolePolicyAttachmentsExclusive")}: policyArns ${ADMIN_ARN} is an AWS managed policy: AWS writes and changes it, mostly for every resource ("*"), outside any review of this stack — grant the exact actions on exact resources in an inline policy instead`],
        simulate: { violating: [doc(READ), ADMINISTRATOR_ACCESS], compliant: [doc(READ)], attempt: { action: "iam:CreateUser", resource: `arn:aws:iam::${ACCOUNT}:user/mallory` } },
    },
    {
        gap: "iam:PassRole in the role's inlinePolicies",
        violating: [role(TRUST.podIdentity, { inlinePolicies: [{ name: "pass", policy: JSON.stringify(INLINE_PASS_ROLE) }] })],
        compliant: [role(TRUST.podIdentity, { inlinePolicies: [{ name: "read", policy: JSON.stringify(doc(READ)) }] })],
        messages: [`${R}: inline policy "pass", statement Pass: iam:PassRole changes identities or their permissions (IAM, Write); agents may not hold it (iam-sensitive-action)`],
        simulate: { violating: [INLINE_PASS_ROLE], compliant: [doc(READ)], attempt: { action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/admin` } },
    },
    {
        gap: "a customer Policy with s3:* in managedPolicyArns",
        violating: [role(TRUST.podIdentity, { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/bucket-admin`] }), policy("bucket-admin", BUCKET_ADMIN)],
        compliant: [role(TRUST.podIdentity, { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/reader`] }), policy("reader", doc(READ))],
        messages: [`${R}: managedPolicyArns aws.iam.Policy "bucket-admin", statement Bucket: "s3:*" grants every action of the service; list the exact actions, e.g. s3:Get…`],
        simulate: { violating: [BUCKET_ADMIN], compliant: [doc(READ)], attempt: { action: "s3:DeleteBucket", resource: "arn:aws:s3:::tickets" } },
    },
    {
        gap: "Policy + PolicyAttachment with sts:AssumeRole",
        violating: [ROLE, policy("hop", ASSUME_ADMIN), resource("aws:iam/policyAttachment:PolicyAttachment", "hop-attach", { roles: ["triage-runner"], policyArn: `arn:aws:iam::${ACCOUNT}:policy/hop` })],
        compliant: [ROLE, policy("reader", doc(READ)), resource("aws:iam/policyAttachment:PolicyAttachment", "reader-attach", { roles: ["triage-runner"], policyArn: `arn:aws:iam::${ACCOUNT}:policy/reader` })],
        messages: [`${P("hop-attach", "aws.iam.PolicyAttachment")}: policyArn aws.iam.Policy "hop", statement Hop: sts:AssumeRole issues or inspects credentials (STS); agents get their credentials from their trust, never from STS calls; agents may not hold it (iam-sensitive-action)`],
        simulate: { violating: [ASSUME_ADMIN], compliant: [doc(READ)], attempt: { action: "sts:AssumeRole", resource: `arn:aws:iam::${ACCOUNT}:role/admin` } },
    },
    {
        gap: "an escalation-list action (lambda:UpdateFunctionCode)",
        violating: [ROLE, rolePolicy("grants", doc({ Sid: "Deploy", Effect: "Allow", Action: ["lambda:UpdateFunctionCode"], Resource: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:refunds`], Condition: until() }))],
        compliant: [ROLE, rolePolicy("grants", doc({ Sid: "Invoke", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:refunds`], Condition: until() }))],
        messages: [`${P("grants")}: its policy, statement Deploy: lambda:UpdateFunctionCode changes the code or configuration of compute that runs with its own role; agents may not hold it (escalation-action)`],
        simulate: {
            violating: [doc({ Effect: "Allow", Action: ["lambda:UpdateFunctionCode"], Resource: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:refunds`], Condition: until() })],
            compliant: [doc({ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:refunds`], Condition: until() })],
            attempt: { action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:refunds` },
        },
    },
    {
        gap: "a permissions-management action (s3:PutBucketPolicy)",
        violating: [ROLE, rolePolicy("grants", doc({ Sid: "Share", Effect: "Allow", Action: ["s3:PutBucketPolicy"], Resource: ["arn:aws:s3:::tickets"], Condition: until() }))],
        compliant: [ROLE, POLICY],
        messages: [`${P("grants")}: its policy, statement Share: s3:PutBucketPolicy changes who may access a resource (a resource policy, ACL, grant or permission); agents may not hold it (permissions-management)`],
        simulate: { violating: [doc({ Effect: "Allow", Action: ["s3:PutBucketPolicy"], Resource: ["arn:aws:s3:::tickets"], Condition: until() })], compliant: [doc(READ)], attempt: { action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::tickets" } },
    },
    {
        gap: "a wildcard in a resource's bucket name",
        violating: [ROLE, rolePolicy("grants", doc({ Sid: "Buckets", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets*/inbound/*"], Condition: until() }))],
        compliant: [ROLE, POLICY],
        messages: [`${P("grants")}: its policy, statement Buckets: "arn:aws:s3:::tickets*/inbound/*" has a wildcard in its resource id; "*" and "?" match other resources too — name the exact resource`],
        simulate: {
            violating: [doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets*/inbound/*"], Condition: until() })], compliant: [doc(READ)],
            attempt: { action: "s3:GetObject", resource: "arn:aws:s3:::tickets-archive/inbound/ticket-1.json" },
        },
    },
    {
        gap: "a permission statement without the expiry",
        violating: [ROLE, rolePolicy("grants", doc({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"] }))],
        compliant: [ROLE, POLICY],
        messages: [`${P("grants")}: its policy, statement Read: has no DateLessThan aws:CurrentTime condition, so a session issued before the agent's expiry keeps these permissions after it; add DateLessThan {"aws:CurrentTime": "${EXPIRES}"}`],
        simulate: {
            violating: [doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"] })], compliant: [doc(READ)],
            attempt: { action: "s3:GetObject", resource: "arn:aws:s3:::tickets/inbound/ticket-1.json", time: AFTER_EXPIRY },
        },
    },
    {
        gap: "an attached policy whose ARN is unknown at preview and comes from no resource of the stack",
        violating: [ROLE, POLICY, resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mystery", { role: "triage-runner", policyArn: UNKNOWN })],
        compliant: [ROLE, POLICY],
        messages: [`${P("mystery", "aws.iam.RolePolicyAttachment")}: policyArn is not known at preview (it is computed from other resources' outputs), so nobody can review what it grants an agent — write it from known values`],
        unsimulated: "an unknown document cannot be simulated; that is why it is refused",
    },
    {
        gap: "a customer managed policy the stack does not define",
        violating: [ROLE, POLICY, resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "elsewhere", { role: "triage-runner", policyArn: `arn:aws:iam::${ACCOUNT}:policy/legacy` })],
        compliant: [ROLE, POLICY],
        messages: [`${P("elsewhere", "aws.iam.RolePolicyAttachment")}: policyArn arn:aws:iam::${ACCOUNT}:policy/legacy is a managed policy this stack does not define, so the pack cannot review what it grants — define it here as an aws.iam.Policy or grant inline`],
        unsimulated: "the pack cannot see the document; that is why it is refused",
    },
];

describe("agentid-guardrails stop real escapes (confirmed by the IAM simulator)", () => {
    describe("agent-trust-pinned", () => {
        for (const c of TRUST_ESCAPES) {
            describe(c.gap, () => {
                it("is stopped, naming the role, the statement and the fix", () => {
                    assert.deepStrictEqual(pinnedTrust.check([role(c.violating, c.roleProps)], CONFIG).map((v) => v.message), c.messages);
                });
                it("passes the compliant twin", () => assert.deepStrictEqual(pinnedTrust.check([role(c.compliant)], CONFIG), []));
                if (c.attempt) {
                    const attempt = c.attempt;
                    it(`simulator: the violating trust admits ${attempt.principal}${c.unsimulated ? "" : "; the compliant twin does not"}`, async () => {
                        assert.strictEqual(await assume(c.violating, attempt), "Allowed");
                        if (!c.unsimulated) assert.strictEqual(await assume(c.compliant, attempt), "Denied");
                    });
                }
            });
        }

        it("simulator: each compliant twin admits its own workload (the denials above are not vacuous)", async () => {
            const own: [object, AssumeAttempt][] = [
                [TRUST.podIdentity, { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", context: POD_CONTEXT }],
                [TRUST.rolesAnywhere, { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR } }],
                [TRUST.agentcore, { principal: "bedrock-agentcore.amazonaws.com", action: "sts:AssumeRole", context: { "aws:SourceArn": WORKLOAD } }],
            ];
            for (const [trust, attempt] of own) assert.strictEqual(await assume(trust, attempt), "Allowed", attempt.principal);
        });
    });

    describe("agent-least-privilege", () => {
        for (const c of PERMISSION_ESCAPES) {
            describe(c.gap, () => {
                it("is stopped, naming the resource, the route and the fix", () => {
                    assert.deepStrictEqual(leastPrivilege.check(c.violating, CONFIG).map((v) => v.message), c.messages);
                });
                it("passes the compliant twin", () => assert.deepStrictEqual(leastPrivilege.check(c.compliant, CONFIG), []));
                if (c.simulate) {
                    const s = c.simulate;
                    it(`simulator: the violating policies allow ${s.attempt.action} on ${s.attempt.resource}; the compliant twin's do not`, async () => {
                        assert.strictEqual(await perform(s.violating, s.attempt), "Allowed");
                        assert.strictEqual(await perform(s.compliant, s.attempt), "Denied");
                    });
                }
            });
        }

        it("simulator: the compliant twin's policy allows what it names (the denials above are not vacuous)", async () => {
            assert.strictEqual(await perform([doc(READ)], { action: "s3:GetObject", resource: "arn:aws:s3:::tickets/inbound/ticket-1.json" }), "Allowed");
        });
    });

    it("covers every gap the issue lists", () => {
        const gaps = [...TRUST_ESCAPES, ...PERMISSION_ESCAPES].map((c) => c.gap);
        for (const listed of ["AWS\":\"*\"", "only the anchor", "2099", "NotAction", "NotResource", "AdministratorAccess", "inlinePolicies", "managedPolicyArns", "PolicyAttachment"]) {
            assert.ok(gaps.some((g) => g.includes(listed)), `no case for ${listed}`);
        }
        assert.ok(TAGS["agentid:expires-at"] === EXPIRES);
    });
});

describe("agent-trust-pinned: a SPIRE entry outside the Agent handing the agent's SVID to other pods (confirmed by the IAM simulator)", () => {
    // An Agent's Roles Anywhere role trusts its SVID; its own SPIRE entry pins agents/triage. A second entry written by
    // hand issues the same SPIFFE ID to whatever its selectors match: SPIRE gives it to every pod matching all of them.
    const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
    const underAgent = { parent: AGENT_URN };
    const entry = (name: string, selectors: object[], extra: Partial<ResourceView> = {}) =>
        resource("agentid:spire:Entry", name, { spiffeId: SPIFFE, parentId: "spiffe://example.org/node/a", selectors }, extra);
    const k8s = (...values: string[]) => values.map((value) => ({ type: "k8s", value }));
    const stack = (...extra: ResourceView[]) => [agent, role(TRUST.rolesAnywhere, {}, underAgent), entry("triage-entry", k8s("ns:agents", "sa:triage"), underAgent), ...extra];
    const handout = (name: string, pinned: string) => `agentid.spire.Entry "${name}" issues ${SPIFFE}, the SVID agent role ${R} trusts, to every pod its Kubernetes selectors match (${pinned}); pin one namespace and one service account (k8s:ns:<namespace> and k8s:sa:<name>), or other pods receive the agent's SVID and assume its role`;

    it("is stopped when the entry pins a namespace but no account, an account but no namespace, two accounts, or only a Kubernetes selector of another kind", () => {
        const loose = [entry("namespace-wide", k8s("ns:agents")), entry("any-namespace", k8s("sa:triage")), entry("two-accounts", k8s("ns:ci", "sa:builder", "sa:deployer")),
            entry("any-pod", k8s("pod-label:app:triage"))];
        const found = pinnedTrust.check(stack(...loose), CONFIG);
        assert.deepStrictEqual(found.map((v) => v.urn), loose.map((e) => e.urn));
        assert.deepStrictEqual(found.map((v) => v.message), [
            handout("namespace-wide", "k8s:ns:agents"), handout("any-namespace", "k8s:sa:triage"), handout("two-accounts", "k8s:ns:ci, k8s:sa:builder, k8s:sa:deployer"), handout("any-pod", "neither"),
        ]);
    });

    it("passes the Agent's own entry, an entry pinning the same namespace and account, and entries of other SVIDs", () => {
        assert.deepStrictEqual(pinnedTrust.check(stack(
            entry("one-account", k8s("ns:agents", "sa:triage")),
            resource("agentid:spire:Entry", "other-svid", { spiffeId: "spiffe://example.org/agents/billing", parentId: "spiffe://example.org/node/a", selectors: k8s("ns:agents") }),
        ), CONFIG), []);
    });

    it("simulator: the role admits whoever presents the SVID from the anchor, so every pod SPIRE gives it to can assume the role", async () => {
        const svid = { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR } };
        assert.strictEqual(await assume(TRUST.rolesAnywhere, svid), "Allowed");
        assert.strictEqual(await assume(TRUST.rolesAnywhere, { ...svid, context: { ...svid.context, "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/billing" } }), "Denied");
    });
});

describe("agent-trust-pinned: a second SPIRE entry issuing the agent's SVID to another workload (one identity, one workload)", () => {
    // Each entry pins one namespace and one account, so the check above passes each alone; together two workloads
    // hold the agent's SVID and, through the Roles Anywhere trust, its role.
    const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
    const underAgent = { parent: AGENT_URN };
    const NODE = "spiffe://example.org/node/a";
    const entry = (name: string, selectors: object[], extra: Partial<ResourceView> = {}, parentId = NODE) =>
        resource("agentid:spire:Entry", name, { spiffeId: SPIFFE, parentId, selectors }, extra);
    const sel = (...values: string[]) => values.map((v) => ({ type: v.slice(0, v.indexOf(":")), value: v.slice(v.indexOf(":") + 1) }));
    const own = entry("triage-entry", sel("k8s:ns:agents", "k8s:sa:triage"), underAgent);
    const stack = (...extra: ResourceView[]) => [agent, role(TRUST.rolesAnywhere, {}, underAgent), own, ...extra];
    const OWN = `agentid.spire.Entry "triage-entry"`;
    const UNDER_NODE = `under parent ${NODE}`;
    const ownPods = `the pods of service account agents/triage (k8s:ns:agents, k8s:sa:triage) ${UNDER_NODE}`;
    const issues = (name: string, to: string) => `agentid.spire.Entry "${name}" issues ${SPIFFE}, the SVID agent role ${R} trusts, to ${to}`;
    const twoWorkloads = (name: string, to: string) => `${issues(name, to)}, but ${OWN} issues it to ${ownPods}: two workloads hold the agent's identity and assume its role; pin k8s:ns:agents and k8s:sa:triage ${UNDER_NODE} as ${OWN} does, or give the other workload its own SPIFFE ID and role`;
    const unproven = (name: string, to: string, ref = OWN, refTo = ownPods, fix = `pin k8s:ns:agents and k8s:sa:triage ${UNDER_NODE} as ${OWN} does`) =>
        `${issues(name, to)}, but ${ref} issues it to ${refTo}: nothing shows they are one workload, so two may hold the agent's identity and assume its role; ${fix}, or give the other workload its own SPIFFE ID and role`;
    /** SPIRE's matching (docs, "Registering workloads"): a workload receives an entry's SVID when it has ALL the entry's selectors. */
    const holders = (workload: string[], entries: ResourceView[]) => entries
        .filter((e) => (e.props.selectors as { type: string; value: string }[]).every((s) => workload.includes(`${s.type}:${s.value}`))).map((e) => e.name);

    it("is stopped when a hand-written entry pins another account, or another namespace", () => {
        const others = [entry("ci-builder", sel("k8s:ns:ci", "k8s:sa:builder")), entry("other-namespace", sel("k8s:ns:staging", "k8s:sa:triage"))];
        const found = pinnedTrust.check(stack(...others), CONFIG);
        assert.deepStrictEqual(found.map((v) => v.urn), others.map((e) => e.urn));
        assert.deepStrictEqual(found.map((v) => v.message), [
            twoWorkloads("ci-builder", `the pods of service account ci/builder (k8s:ns:ci, k8s:sa:builder) ${UNDER_NODE}`),
            twoWorkloads("other-namespace", `the pods of service account staging/triage (k8s:ns:staging, k8s:sa:triage) ${UNDER_NODE}`),
        ]);
    });

    it("is stopped when an entry without Kubernetes selectors (unix:uid, docker) issues the same SVID", () => {
        const others = [entry("host-process", sel("unix:uid:1000")), entry("container", sel("docker:label:app:triage"), {}, "spiffe://example.org/node/b")];
        const found = pinnedTrust.check(stack(...others), CONFIG);
        assert.deepStrictEqual(found.map((v) => v.urn), others.map((e) => e.urn));
        assert.deepStrictEqual(found.map((v) => v.message), [
            unproven("host-process", `every workload matching unix:uid:1000 (no Kubernetes selector) ${UNDER_NODE}`),
            unproven("container", "every workload matching docker:label:app:triage (no Kubernetes selector) under parent spiffe://example.org/node/b"),
        ]);
    });

    it("flags the hand-written entry, not the Agent's own, whatever the stack order; without an Agent, the entry after the first Kubernetes one", () => {
        const builder = entry("ci-builder", sel("k8s:ns:ci", "k8s:sa:builder"));
        const [first, ...rest] = stack();
        assert.deepStrictEqual(pinnedTrust.check([builder, first, ...rest], CONFIG).map((v) => v.urn), [builder.urn]);
        const host = entry("host-process", sel("unix:uid:1000"));
        const handWritten = [role(TRUST.rolesAnywhere), host, entry("triage-entry", sel("k8s:ns:agents", "k8s:sa:triage")), builder];
        assert.deepStrictEqual(pinnedTrust.check(handWritten, CONFIG).map((v) => [v.urn, v.message]), [
            [host.urn, unproven("host-process", `every workload matching unix:uid:1000 (no Kubernetes selector) ${UNDER_NODE}`)],
            [builder.urn, twoWorkloads("ci-builder", `the pods of service account ci/builder (k8s:ns:ci, k8s:sa:builder) ${UNDER_NODE}`)],
        ]);
    });

    it("is stopped when a Kubernetes entry issues a VM agent's SVID, or two entries without Kubernetes selectors differ", () => {
        const vmOwn = entry("vm-entry", sel("unix:uid:1000", "unix:path:/opt/agent/run"), underAgent);
        const vm = (...extra: ResourceView[]) => [agent, role(TRUST.rolesAnywhere, {}, underAgent), vmOwn, ...extra];
        const others = [entry("ci-builder", sel("k8s:ns:ci", "k8s:sa:builder")), entry("other-uid", sel("unix:uid:1001", "unix:path:/opt/agent/run"), {}, "spiffe://example.org/node/b")];
        const VM = `agentid.spire.Entry "vm-entry"`;
        const vmTo = `every workload matching unix:uid:1000, unix:path:/opt/agent/run (no Kubernetes selector) ${UNDER_NODE}`;
        const fix = `give it the selectors and parent of ${VM} (unix:uid:1000, unix:path:/opt/agent/run ${UNDER_NODE})`;
        assert.deepStrictEqual(pinnedTrust.check(vm(...others), CONFIG).map((v) => [v.urn, v.message]), [
            [others[0].urn, unproven("ci-builder", `the pods of service account ci/builder (k8s:ns:ci, k8s:sa:builder) ${UNDER_NODE}`, VM, vmTo, fix)],
            [others[1].urn, unproven("other-uid", "every workload matching unix:uid:1001, unix:path:/opt/agent/run (no Kubernetes selector) under parent spiffe://example.org/node/b", VM, vmTo, fix)],
        ]);
    });

    it("compares the entries of every SVID the role trusts: a role pinning two SPIFFE IDs is one identity too", () => {
        const BILLING = "spiffe://example.org/agents/billing";
        const twoIds = doc({ Sid: "AgentTrustRolesAnywhere", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": [SPIFFE, BILLING] }, ArnEquals: { "aws:SourceArn": ANCHOR }, ...until() } });
        const billing = resource("agentid:spire:Entry", "billing-entry", { spiffeId: BILLING, parentId: NODE, selectors: sel("k8s:ns:ci", "k8s:sa:builder") });
        const found = pinnedTrust.check([agent, role(twoIds, {}, underAgent), own, billing], CONFIG).filter((v) => v.urn === billing.urn);
        assert.deepStrictEqual(found.map((v) => v.message), [`agentid.spire.Entry "billing-entry" issues ${BILLING}, the SVID agent role ${R} trusts, to the pods of service account ci/builder (k8s:ns:ci, k8s:sa:builder) ${UNDER_NODE}, but ${OWN} issues ${SPIFFE} to ${ownPods}: two workloads hold the agent's identity and assume its role; pin k8s:ns:agents and k8s:sa:triage ${UNDER_NODE} as ${OWN} does, or give the other workload its own SPIFFE ID and role`]);
    });

    it("tells selector sets apart selector by selector, not by their joined text", () => {
        const joined = entry("joined", sel("docker:label:a", "unix:uid:1000"), underAgent);
        const glued = entry("glued", sel("docker:label:aunix:uid:1000"));
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), joined, glued], CONFIG).map((v) => v.message), [
            unproven("glued", `every workload matching docker:label:aunix:uid:1000 (no Kubernetes selector) ${UNDER_NODE}`, `agentid.spire.Entry "joined"`,
                `every workload matching docker:label:a, unix:uid:1000 (no Kubernetes selector) ${UNDER_NODE}`, `give it the selectors and parent of agentid.spire.Entry "joined" (docker:label:a, unix:uid:1000 ${UNDER_NODE})`),
        ]);
    });

    it("passes the one workload's entries on other nodes of its cluster, narrower entries of that account under its parent, a VM agent's own entry and its twin under the same node alias", () => {
        const PROD = (node: string) => `spiffe://example.org/spire/agent/k8s_psat/prod/${node}`;
        const onNodeA = entry("triage-entry", sel("k8s:ns:agents", "k8s:sa:triage"), underAgent, PROD("a"));
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), onNodeA,
            entry("spire-agent-c", sel("k8s:sa:triage", "k8s:ns:agents"), {}, PROD("c")),
            entry("one-pod-label", sel("k8s:ns:agents", "k8s:sa:triage", "k8s:pod-label:app:triage", "unix:uid:1000"), {}, PROD("a")),
            resource("agentid:spire:Entry", "other-svid", { spiffeId: "spiffe://example.org/agents/billing", parentId: NODE, selectors: sel("k8s:ns:ci", "k8s:sa:builder") }),
        ], CONFIG), []);
        assert.deepStrictEqual(pinnedTrust.check(stack(entry("one-pod-label", sel("k8s:ns:agents", "k8s:sa:triage", "k8s:pod-label:app:triage"))), CONFIG), []);
        const vmOwn = entry("vm-entry", sel("unix:uid:1000", "unix:path:/opt/agent/run"), underAgent);
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), vmOwn,
            entry("vm-twin", sel("unix:path:/opt/agent/run", "unix:uid:1000"))], CONFIG), []);
    });

    it("is stopped when the agent's namespace and account are pinned under another parent: another cluster's or host's workload may hold the SVID", () => {
        // The attack review's finding (b): with the workload read from k8s:ns and k8s:sa alone, an entry under the
        // dev cluster's node agent passed, and dev's agents/triage pods received prod's SVID and role.
        const DEV_NODE = "spiffe://example.org/spire/agent/k8s_psat/dev/x";
        const others = [
            entry("dev-cluster", sel("k8s:ns:agents", "k8s:sa:triage"), {}, DEV_NODE),
            entry("other-alias", sel("k8s:sa:triage", "k8s:ns:agents"), {}, "spiffe://example.org/node/b"),
        ];
        assert.deepStrictEqual(pinnedTrust.check(stack(...others), CONFIG).map((v) => [v.urn, v.message]), [
            [others[0].urn, unproven("dev-cluster", "the pods of service account agents/triage (k8s:ns:agents, k8s:sa:triage) on the nodes of cluster dev (SPIRE agents spiffe://example.org/spire/agent/k8s_psat/dev/…)")],
            [others[1].urn, unproven("other-alias", "the pods of service account agents/triage (k8s:ns:agents, k8s:sa:triage) under parent spiffe://example.org/node/b")],
        ]);
        const vmOwn = entry("vm-entry", sel("unix:uid:1000"), underAgent);
        const otherHost = entry("vm-other-host", sel("unix:uid:1000"), {}, "spiffe://example.org/spire/agent/x509pop/host-b");
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), vmOwn, otherHost], CONFIG).map((v) => [v.urn, v.message]), [
            [otherHost.urn, unproven("vm-other-host", "every workload matching unix:uid:1000 (no Kubernetes selector) under parent spiffe://example.org/spire/agent/x509pop/host-b",
                `agentid.spire.Entry "vm-entry"`, `every workload matching unix:uid:1000 (no Kubernetes selector) ${UNDER_NODE}`,
                `give it the selectors and parent of agentid.spire.Entry "vm-entry" (unix:uid:1000 ${UNDER_NODE})`)],
        ]);
    });

    it("SPIRE's authorization + simulator: the dev cluster's SPIRE agent receives the entry under its own ID, its agents/triage pod the SVID, and the role admits it", async () => {
        // SPIRE (docs, "Registering workloads"; v1.13.3 authorizedentries): a SPIRE agent receives the entries whose
        // parent is its own ID or a node alias it matches; a workload on its node, those whose selectors it all has.
        const received = (agentId: string, aliases: string[], entries: ResourceView[]) => entries.filter((e) => e.props.parentId === agentId || aliases.includes(e.props.parentId as string));
        const dev = entry("dev-cluster", sel("k8s:ns:agents", "k8s:sa:triage"), {}, "spiffe://example.org/spire/agent/k8s_psat/dev/x");
        const devPod = ["k8s:ns:agents", "k8s:sa:triage", "k8s:pod-name:triage-1"];
        // The dev node is no member of prod's alias node/a: only the entry under its own ID reaches it.
        assert.deepStrictEqual(holders(devPod, received("spiffe://example.org/spire/agent/k8s_psat/dev/x", [], [own, dev])), ["dev-cluster"]);
        assert.deepStrictEqual(holders(devPod, received("spiffe://example.org/spire/agent/k8s_psat/prod/a", [NODE], [own, dev])), ["triage-entry"]);
        const svid = { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR } };
        assert.strictEqual(await assume(TRUST.rolesAnywhere, svid), "Allowed");
    });

    it("at preview: an entry outside an Agent whose parent ID is not known is refused; the Agent's own is checked at update", () => {
        const computed = entry("computed-parent", sel("k8s:ns:agents", "k8s:sa:triage"), {}, UNKNOWN as unknown as string);
        assert.deepStrictEqual(pinnedTrust.check(stack(computed), CONFIG).map((v) => [v.urn, v.message]), [[computed.urn,
            `${issues("computed-parent", "the workloads its selectors match on the nodes its parent stands for")}, but its parent ID is not known at preview (computed from other resources' outputs), so the entry cannot be shown to reach only the agent's one workload — write it from known values`]]);
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent),
            entry("triage-entry", sel("k8s:ns:agents", "k8s:sa:triage"), underAgent, UNKNOWN as unknown as string)], CONFIG), []);
    });

    it("at preview: an entry outside an Agent whose selectors are not known is refused; the Agent's own is checked at update", () => {
        const computed = [entry("computed", UNKNOWN as unknown as object[]), entry("computed-value", [{ type: "k8s", value: UNKNOWN }])];
        const found = pinnedTrust.check(stack(...computed), CONFIG);
        assert.deepStrictEqual(found.map((v) => [v.urn, v.message]), computed.map((e) => [e.urn,
            `${issues(e.name, "the workloads its selectors match")}, but its selectors are not known at preview (computed from other resources' outputs), so they cannot be shown to pin the agent's one workload — write them from known values`]));
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), entry("triage-entry", UNKNOWN as unknown as object[], underAgent),
            entry("node-b", sel("k8s:ns:agents", "k8s:sa:triage"))], CONFIG), []);
    });

    it("SPIRE matching + simulator: the pods of agents/triage and of ci/builder each receive the SVID, and the role admits either", async () => {
        const builder = entry("ci-builder", sel("k8s:ns:ci", "k8s:sa:builder"));
        assert.deepStrictEqual(holders(["k8s:ns:agents", "k8s:sa:triage", "k8s:pod-name:triage-1"], [own, builder]), ["triage-entry"]);
        assert.deepStrictEqual(holders(["k8s:ns:ci", "k8s:sa:builder", "k8s:pod-name:builder-1"], [own, builder]), ["ci-builder"]);
        assert.deepStrictEqual(holders(["unix:uid:1000", "unix:gid:1000"], [own, entry("host-process", sel("unix:uid:1000"))]), ["host-process"]);
        const svid = { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR } };
        assert.strictEqual(await assume(TRUST.rolesAnywhere, svid), "Allowed");
    });

    it("is stopped when an entry with the parent's SPIFFE ID widens it: a second node alias of other nodes, a workload entry under another cluster's node agent, one not known at preview", () => {
        // Before: the pack read only entries issuing the agent's SVID, so the agent's own entry under node/a passed
        // while the same stack made dev's nodes members of node/a, or gave node/a to a dev workload, whose entries
        // SPIRE crawls: either way dev's agents/triage pods received prod's SVID and role.
        const SERVER = "spiffe://example.org/spire/server";
        const alias = (name: string, selectors: object[], parentId: unknown = SERVER) => resource("agentid:spire:Entry", name, { spiffeId: NODE, parentId, selectors });
        const prodAlias = alias("prod-alias", sel("k8s_psat:cluster:prod"));
        const widening = [alias("dev-alias", sel("k8s_psat:cluster:dev")), alias("relay", sel("k8s:ns:kube-system", "k8s:sa:relay"), "spiffe://example.org/spire/agent/k8s_psat/dev/x"),
            alias("computed-alias", UNKNOWN as unknown as object[])];
        const carries = (name: string) => `agentid.spire.Entry "${name}" has the SPIFFE ID ${NODE}, the parent of entries issuing the SVID agent role ${R} trusts:`;
        assert.deepStrictEqual(pinnedTrust.check(stack(prodAlias, ...widening), CONFIG).map((v) => [v.urn, v.message]), [
            [widening[0].urn, `${carries("dev-alias")} a node alias of the SPIRE agents matching k8s_psat:cluster:dev, but agentid.spire.Entry "prod-alias" makes ${NODE} the SPIRE agents matching k8s_psat:cluster:prod: SPIRE gives the agent's entries to both sets of nodes, and its SVID to its workload on either — keep one node alias per ID, or give these nodes an alias of their own`],
            [widening[1].urn, `${carries("relay")} it is a workload entry under spiffe://example.org/spire/agent/k8s_psat/dev/x, and SPIRE gives the entries under an entry's SPIFFE ID to every SPIRE agent that receives it, so whatever runs there as the agent's workload holds its SVID and assumes its role — give the node alias its own ID under the SPIRE server, or the agent's entries another parent`],
            [widening[2].urn, `${carries("computed-alias")} SPIRE gives those entries to every SPIRE agent it reaches, but its parent ID or selectors are not known at preview (computed from other resources' outputs), so it cannot be shown to reach only the agent's nodes — write them from known values`],
        ]);
        // One node alias, or twins with the same selectors, stand for one set of nodes; entries under SPIRE agents' own IDs have no alias.
        assert.deepStrictEqual(pinnedTrust.check(stack(prodAlias, alias("prod-alias-twin", sel("k8s_psat:cluster:prod"))), CONFIG), []);
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), entry("triage-entry", sel("k8s:ns:agents", "k8s:sa:triage"), underAgent, "spiffe://example.org/spire/agent/k8s_psat/prod/a"),
            resource("agentid:spire:Entry", "unrelated", { spiffeId: "spiffe://example.org/node/b", parentId: "spiffe://example.org/spire/agent/k8s_psat/dev/x", selectors: sel("k8s:ns:ci", "k8s:sa:builder") })], CONFIG), []);
    });

    it("SPIRE's authorized-entry crawl + simulator: through a second alias or a relay entry the dev cluster's SPIRE agent receives the agent's entry, its agents/triage pod the SVID, and the role admits it", async () => {
        // SPIRE v1.13.3 authorizedentries (GetAuthorizedEntries, appendDescendents): a SPIRE agent receives the entries
        // whose parent is its own ID or a node alias whose selectors it all has, then, again and again, the entries
        // whose parent is the SPIFFE ID of an entry it received.
        const SERVER = "spiffe://example.org/spire/server";
        const received = (agentId: string, agentSelectors: string[], entries: ResourceView[]) => {
            const ofEntry = (e: ResourceView) => (e.props.selectors as { type: string; value: string }[]).map((x) => `${x.type}:${x.value}`);
            const seeds = [agentId, ...entries.filter((e) => e.props.parentId === SERVER && ofEntry(e).every((x) => agentSelectors.includes(x))).map((e) => e.props.spiffeId as string)];
            const got: ResourceView[] = [];
            const crawl = (parent: string, seen: Set<string>) => {
                if (seen.has(parent)) return;
                seen.add(parent);
                for (const e of entries.filter((x) => x.props.parentId === parent)) { got.push(e); crawl(e.props.spiffeId as string, seen); }
            };
            const seen = new Set<string>();
            for (const seed of seeds) crawl(seed, seen);
            return got;
        };
        const DEV_AGENT = "spiffe://example.org/spire/agent/k8s_psat/dev/x";
        const devAgentSelectors = ["k8s_psat:cluster:dev", "k8s_psat:agent_ns:spire"];
        const devPod = ["k8s:ns:agents", "k8s:sa:triage", "k8s:pod-name:triage-1"];
        const prodAlias = resource("agentid:spire:Entry", "prod-alias", { spiffeId: NODE, parentId: SERVER, selectors: sel("k8s_psat:cluster:prod") });
        const devAlias = resource("agentid:spire:Entry", "dev-alias", { spiffeId: NODE, parentId: SERVER, selectors: sel("k8s_psat:cluster:dev") });
        const relay = resource("agentid:spire:Entry", "relay", { spiffeId: NODE, parentId: DEV_AGENT, selectors: sel("k8s:ns:kube-system", "k8s:sa:relay") });
        const onDev = (entries: ResourceView[]) => holders(devPod, received(DEV_AGENT, devAgentSelectors, entries).filter((e) => e.props.spiffeId === SPIFFE));
        assert.deepStrictEqual(onDev([own, prodAlias]), []);
        assert.deepStrictEqual(onDev([own, prodAlias, devAlias]), ["triage-entry"]);
        assert.deepStrictEqual(onDev([own, prodAlias, relay]), ["triage-entry"]);
        const svid = { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceArn": ANCHOR } };
        assert.strictEqual(await assume(TRUST.rolesAnywhere, svid), "Allowed");
    });

    it("reads no entry as the parent's when the agent's entries name no parent, or a SPIRE agent's own ID (no node alias can take one)", () => {
        const WORKLOAD_PARENT = "spiffe://example.org/node/b";
        const noParent = resource("agentid:spire:Entry", "triage-entry", { spiffeId: SPIFFE, selectors: sel("k8s:ns:agents", "k8s:sa:triage") }, underAgent);
        const noId = resource("agentid:spire:Entry", "no-id", { parentId: WORKLOAD_PARENT, selectors: sel("k8s:ns:ci", "k8s:sa:builder") });
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), noParent, noId], CONFIG), []);
        const SPIRE_AGENT = "spiffe://example.org/spire/agent/k8s_psat/prod/a";
        const underSpireAgent = entry("triage-entry", sel("k8s:ns:agents", "k8s:sa:triage"), underAgent, SPIRE_AGENT);
        const agentIdEntry = resource("agentid:spire:Entry", "agent-id", { spiffeId: SPIRE_AGENT, parentId: WORKLOAD_PARENT, selectors: sel("k8s:ns:ci", "k8s:sa:builder") });
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), underSpireAgent, agentIdEntry], CONFIG), []);
    });

    it("node aliases of the parent: the Agent's own computed one waits for its values; a parent that is no text is no SPIRE server; selectors compare in any order and are named comma-separated", () => {
        const SERVER = "spiffe://example.org/spire/server";
        const alias = (name: string, selectors: object[], parentId: unknown = SERVER, extra: Partial<ResourceView> = {}) => resource("agentid:spire:Entry", name, { spiffeId: NODE, parentId, selectors }, extra);
        const carries = (name: string) => `agentid.spire.Entry "${name}" has the SPIFFE ID ${NODE}, the parent of entries issuing the SVID agent role ${R} trusts:`;
        assert.deepStrictEqual(pinnedTrust.check(stack(alias("agent-alias", sel("k8s_psat:cluster:prod"), UNKNOWN, underAgent)), CONFIG), []);
        const listed = alias("listed", sel("k8s_psat:cluster:prod"), [SERVER]);
        assert.deepStrictEqual(pinnedTrust.check(stack(listed), CONFIG).map((v) => [v.urn, v.message]), [[listed.urn,
            `${carries("listed")} it is a workload entry under ${SERVER}, and SPIRE gives the entries under an entry's SPIFFE ID to every SPIRE agent that receives it, so whatever runs there as the agent's workload holds its SVID and assumes its role — give the node alias its own ID under the SPIRE server, or the agent's entries another parent`]]);
        const prod = alias("prod-alias", sel("k8s_psat:cluster:prod", "k8s_psat:agent_ns:spire"));
        assert.deepStrictEqual(pinnedTrust.check(stack(prod, alias("prod-alias-twin", sel("k8s_psat:agent_ns:spire", "k8s_psat:cluster:prod"))), CONFIG), []);
        const dev = alias("dev-alias", sel("k8s_psat:cluster:dev", "k8s_psat:agent_ns:spire"));
        assert.deepStrictEqual(pinnedTrust.check(stack(prod, dev), CONFIG).map((v) => [v.urn, v.message]), [[dev.urn,
            `${carries("dev-alias")} a node alias of the SPIRE agents matching k8s_psat:cluster:dev, k8s_psat:agent_ns:spire, but agentid.spire.Entry "prod-alias" makes ${NODE} the SPIRE agents matching k8s_psat:cluster:prod, k8s_psat:agent_ns:spire: SPIRE gives the agent's entries to both sets of nodes, and its SVID to its workload on either — keep one node alias per ID, or give these nodes an alias of their own`]]);
    });

    it("at preview: an entry whose SPIFFE ID is not known is refused when any agent role of the stack trusts SVIDs, and left alone in a stack without agent roles", () => {
        const computed = resource("agentid:spire:Entry", "computed-id", { spiffeId: UNKNOWN, parentId: NODE, selectors: sel("k8s:ns:ci", "k8s:sa:builder") });
        const irsaRole = resource("aws:iam/role:Role", "ci-role", { ...role(TRUST.irsa).props, name: "ci-runner" });
        assert.deepStrictEqual(pinnedTrust.check([irsaRole, ...stack(computed)], CONFIG).map((v) => [v.urn, v.message]), [[computed.urn,
            `agentid.spire.Entry "computed-id" has a SPIFFE ID not known at preview (computed from other resources' outputs), in a stack whose agent roles trust SVIDs: it may issue an agent's SVID, or stand for the parent of an agent's entries, beyond the agent's one workload — write it from known values`]]);
        assert.deepStrictEqual(pinnedTrust.check([computed], CONFIG), []);
    });

    it("at preview: an entry outside an Agent whose SPIFFE ID is not known is refused in a stack whose agents trust SVIDs (it may be the agent's, or its entries' parent)", () => {
        const computed = resource("agentid:spire:Entry", "computed-id", { spiffeId: UNKNOWN, parentId: NODE, selectors: sel("k8s:ns:ci", "k8s:sa:builder") });
        assert.deepStrictEqual(pinnedTrust.check(stack(computed), CONFIG).map((v) => [v.urn, v.message]), [[computed.urn,
            `agentid.spire.Entry "computed-id" has a SPIFFE ID not known at preview (computed from other resources' outputs), in a stack whose agent roles trust SVIDs: it may issue an agent's SVID, or stand for the parent of an agent's entries, beyond the agent's one workload — write it from known values`]]);
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), resource("agentid:spire:Entry", "triage-entry", { spiffeId: UNKNOWN, parentId: NODE, selectors: sel("k8s:ns:agents", "k8s:sa:triage") }, underAgent)], CONFIG), []);
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.irsa, {}, underAgent), computed], CONFIG), []);
    });
});

describe("agent-trust-pinned: a downstream or admin SPIRE entry in an agent's stack (it can mint or register the agent's SPIFFE ID)", () => {
    // The attack review's finding: these entries issue their own ID, not the agent's, so the one-workload check never
    // looked at them — yet a downstream entry's holder signs SVIDs for any ID of the trust domain (a nested SPIRE
    // server), and an admin entry's holder registers entries for any ID: either can obtain the agent's SVID and,
    // through its Roles Anywhere trust, its role.
    const underAgent = { parent: AGENT_URN };
    const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
    const NODE = "spiffe://example.org/node/a";
    const sel = (...values: string[]) => values.map((v) => ({ type: v.slice(0, v.indexOf(":")), value: v.slice(v.indexOf(":") + 1) }));
    const own = resource("agentid:spire:Entry", "triage-entry", { spiffeId: SPIFFE, parentId: NODE, selectors: sel("k8s:ns:agents", "k8s:sa:triage") }, underAgent);
    const ci = (name: string, flags: Record<string, unknown>) =>
        resource("agentid:spire:Entry", name, { spiffeId: "spiffe://example.org/ci/ds", parentId: NODE, selectors: sel("k8s:ns:ci", "k8s:sa:builder"), ...flags });
    const tail = `— ${SPIFFE} among them, whose SVIDs agent roles in this stack trust; keep downstream and admin entries out of agents' stacks (a nested SPIRE server's or an operator's stack of its own)`;

    it("is stopped: a downstream entry, an admin entry, both, and one whose flags are not known at preview", () => {
        const entries = [ci("nested", { downstream: true }), ci("operator", { admin: true }), ci("both", { downstream: true, admin: true }), ci("computed", { downstream: UNKNOWN })];
        const found = pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), own, ...entries], CONFIG);
        assert.deepStrictEqual(found.map((v) => v.urn), entries.map((e) => e.urn));
        assert.deepStrictEqual(found.map((v) => v.message), [
            `agentid.spire.Entry "nested" is a downstream entry: its holder can sign SVIDs for any SPIFFE ID of the trust domain (a nested SPIRE server) ${tail}`,
            `agentid.spire.Entry "operator" is an admin entry: its holder can register entries for any SPIFFE ID (SPIRE's admin API) ${tail}`,
            `agentid.spire.Entry "both" is a downstream and admin entry: its holder can sign SVIDs for any SPIFFE ID of the trust domain (a nested SPIRE server) and register entries for any SPIFFE ID (SPIRE's admin API) ${tail}`,
            `agentid.spire.Entry "computed" has downstream not known at preview (computed from other resources' outputs), so it may be an entry whose holder can sign SVIDs for any SPIFFE ID of the trust domain (a nested SPIRE server) ${tail}`,
        ]);
    });

    it("names every SVID the stack's agent roles trust, once each and sorted, and both flags when neither is known at preview", () => {
        const BILLING = "spiffe://example.org/agents/billing";
        const trusting = (spiffeId: string) => JSON.stringify(TRUST.rolesAnywhere).replace(SPIFFE, spiffeId);
        // Declared triage first, billing second, triage again: the finding lists billing, then triage.
        const billing = resource("aws:iam/role:Role", "billing-role", { name: "billing-runner", path: "/", maxSessionDuration: 3600, tags: TAGS, assumeRolePolicy: trusting(BILLING) });
        const triageTwin = resource("aws:iam/role:Role", "triage-twin", { name: "triage-twin", path: "/", maxSessionDuration: 3600, tags: TAGS, assumeRolePolicy: trusting(SPIFFE) });
        const computed = ci("computed", { downstream: UNKNOWN, admin: UNKNOWN });
        const found = pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), billing, triageTwin, own, computed], CONFIG);
        assert.deepStrictEqual(found.map((v) => [v.urn, v.message]), [[computed.urn,
            `agentid.spire.Entry "computed" has downstream and admin not known at preview (computed from other resources' outputs), so it may be an entry whose holder can sign SVIDs for any SPIFFE ID of the trust domain (a nested SPIRE server) and register entries for any SPIFFE ID (SPIRE's admin API) — ${BILLING}, ${SPIFFE} among them, whose SVIDs agent roles in this stack trust; keep downstream and admin entries out of agents' stacks (a nested SPIRE server's or an operator's stack of its own)`]]);
    });

    it("passes entries without those powers, and a downstream entry in a stack whose agents trust no SVID", () => {
        const plain = [ci("plain", {}), ci("explicit", { downstream: false, admin: false })];
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), own, ...plain], CONFIG), []);
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.irsa, {}, underAgent), ci("nested", { downstream: true })], CONFIG), []);
    });

    it("waits for an Agent's trust not known at preview: a downstream entry beside it passes until the trust shows an SVID", () => {
        const computed = role(TRUST.rolesAnywhere, { assumeRolePolicy: UNKNOWN }, underAgent);
        assert.deepStrictEqual(pinnedTrust.check([agent, computed, ci("nested", { downstream: true })], CONFIG), []);
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), ci("nested", { downstream: true })], CONFIG).map((v) => v.message), [
            `agentid.spire.Entry "nested" is a downstream entry: its holder can sign SVIDs for any SPIFFE ID of the trust domain (a nested SPIRE server) ${tail}`,
        ]);
    });
});

describe("agent-trust-pinned: a node entry issuing an agent's SVID (its parent is the SPIRE server)", () => {
    // The attack review's finding: an entry under spiffe://<td>/spire/server attests SPIRE agents, so every node its
    // selectors match (k8s_psat:cluster:prod: every node of the cluster) receives the agent's SVID; with no Kubernetes
    // selector it passed as a "VM workload".
    const underAgent = { parent: AGENT_URN };
    const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
    const node = (name: string, selectors: object[]) => resource("agentid:spire:Entry", name, { spiffeId: SPIFFE, parentId: "spiffe://example.org/spire/server", selectors });

    it("is stopped, whatever its selectors, and a workload entry under a node passes", () => {
        const entries = [node("cluster-nodes", [{ type: "k8s_psat", value: "cluster:prod" }]), node("root-anywhere", [{ type: "unix", value: "uid:0" }])];
        const found = pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), ...entries], CONFIG);
        assert.deepStrictEqual(found.map((v) => [v.urn, v.message]), entries.map((e) => [e.urn,
            `agentid.spire.Entry "${e.name}" issues ${SPIFFE}, the SVID agent role ${R} trusts, to the SPIRE agents (nodes) its selectors match: its parent is the SPIRE server (spiffe://example.org/spire/server), which makes it a node entry, so every node it matches, and whatever runs there as it, holds the agent's SVID and assumes its role — register the agent's SVID as a workload entry under a node or node alias, pinning its one workload`]));
        const workload = resource("agentid:spire:Entry", "vm", { spiffeId: SPIFFE, parentId: "spiffe://example.org/spire/agent/join_token/abc", selectors: [{ type: "unix", value: "uid:1000" }] });
        assert.deepStrictEqual(pinnedTrust.check([agent, role(TRUST.rolesAnywhere, {}, underAgent), workload], CONFIG), []);
    });
});
