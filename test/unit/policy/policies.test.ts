import * as assert from "assert";
import {
    approvedWrites, GUARDRAILS, kubernetesAccess, leastPrivilege, noShadowAgents, noStaticCredentials, ownerAndExpiry, pinnedTrust, ResourceView, UNKNOWN,
} from "../../../provider/policy/policies";
import {
    ACCOUNT, AGENT_URN, clusterRoleBinding, CONFIG, doc, EXPIRES, k8sRole, OIDC, READ, resource, role, roleBinding, rolePolicy, SA_ANNOTATIONS, serviceAccount,
    TAGS, TRIAGE_SA, TRUST, until, WORKLOAD, WRITE,
} from "./stacks";

const R = `aws.iam.Role "triage-role" (triage-runner)`;
const agent: ResourceView = { type: "agentid:index:Agent", name: "triage", urn: AGENT_URN, props: {} };
/** A role and policy as an agentid Agent registers them (children of the Agent component). */
const underAgent = { parent: AGENT_URN };
const messages = (found: { message: string }[]) => found.map((v) => v.message);
/** A role that is not an agent's: a Lambda function's execution role. */
const LAMBDA_ROLE = resource("aws:iam/role:Role", "fn-role", {
    name: "fn-role", maxSessionDuration: 43200,
    assumeRolePolicy: JSON.stringify(doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" })),
});

describe("agentid-guardrails policies", () => {
    describe("agent roles are recognised by what they trust", () => {
        const untagged = (trust: object) => role(trust, { tags: {} });
        for (const [mode, trust, reason] of [
            ["irsa", TRUST.irsa, `it trusts web identities from ${OIDC}`],
            ["podIdentity", TRUST.podIdentity, "it trusts pods.eks.amazonaws.com"],
            ["rolesAnywhere", TRUST.rolesAnywhere, "it trusts rolesanywhere.amazonaws.com"],
            ["agentcore", TRUST.agentcore, "it trusts bedrock-agentcore.amazonaws.com"],
        ] as const) {
            it(`treats an untagged role named neither agent-… (${mode} trust) as an agent role in every policy`, () => {
                assert.deepStrictEqual(messages(noShadowAgents.check([untagged(trust)], CONFIG)), [
                    `${R} is an agent role (${reason}) that no agentid Agent declares (a shadow agent); declare it in the fleet's agents/ so it gets an owner, least privilege and an expiry`,
                ]);
                assert.deepStrictEqual(messages(ownerAndExpiry.check([untagged(trust)], CONFIG)).map((m) => m.split(" without ")[1]?.split(";")[0]), [
                    "an owner team", "an owner contact e-mail", "an expiry",
                ]);
                assert.deepStrictEqual(messages(leastPrivilege.check([untagged(trust), rolePolicy("grants", doc({ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: until() }))], CONFIG)).length, 2);
                assert.deepStrictEqual(messages(approvedWrites.check([untagged(trust), rolePolicy("grants", doc(WRITE))], CONFIG)).length, 1);
            });
        }

        it("recognises a role whose pods assume it through a Pod Identity association, whatever its trust says", () => {
            const hidden = role(doc({ Sid: "Opaque", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole", Condition: until() }), { tags: {}, arn: `arn:aws:iam::${ACCOUNT}:role/triage-runner` });
            const association = resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "triage-pods", { clusterName: "prod", namespace: "agents", serviceAccount: "triage", roleArn: UNKNOWN }, { propertyDependencies: { roleArn: [hidden.urn] } });
            assert.deepStrictEqual(messages(noShadowAgents.check([hidden, association], CONFIG)).map((m) => m.split(" (")[2]?.split(")")[0]), ["pods assume it through Pod Identity association \"triage-pods\""]);
        });

        it("leaves roles of other services alone in every policy", () => {
            for (const guardrail of GUARDRAILS) assert.deepStrictEqual(guardrail.check([LAMBDA_ROLE, rolePolicy("fn", doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }), { role: "fn-role" })], CONFIG), [], guardrail.name);
        });
    });

    describe("agent-owner-and-expiry", () => {
        it("reads null or missing tags and annotations as none: the same findings as empty ones, not a crash", () => {
            const found = (tags: unknown, annotations: unknown) => messages(ownerAndExpiry.check([role(TRUST.irsa, { tags }), resource("kubernetes:core/v1:ServiceAccount", "triage", { metadata: { name: "triage", namespace: "agents", annotations } })], CONFIG));
            assert.deepStrictEqual(found(null, null), found({}, {}));
            assert.deepStrictEqual(found(undefined, undefined), found({}, {}));
            assert.deepStrictEqual(found({}, {}).length, 6, "owner team, contact and expiry, on the role and on its service account");
            assert.deepStrictEqual(messages(approvedWrites.check([role(TRUST.podIdentity, { tags: null }), rolePolicy("grants", doc(WRITE))], CONFIG)), messages(approvedWrites.check([role(TRUST.podIdentity, { tags: {} }), rolePolicy("grants", doc(WRITE))], CONFIG)));
        });

        it("passes an agent role and service account with owner and expiry", () => {
            assert.deepStrictEqual(ownerAndExpiry.check([role(), serviceAccount("triage", {}, SA_ANNOTATIONS)], CONFIG), []);
        });

        it("flags an empty or non-text owner team", () => {
            for (const team of ["", 7]) {
                assert.deepStrictEqual(messages(ownerAndExpiry.check([role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:owner-team": team } })], CONFIG)), [
                    `${R} is an agent identity (it trusts pods.eks.amazonaws.com) without an owner team; add tag agentid:owner-team naming the team that answers for it`,
                ], JSON.stringify(team));
            }
        });

        it("flags an expiry it cannot read, quoting it", () => {
            assert.deepStrictEqual(messages(ownerAndExpiry.check([role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": "next spring" } })], CONFIG)), [
                `${R} is an agent identity (it trusts pods.eks.amazonaws.com) without an expiry it can read ("next spring"); add tag agentid:expires-at with an RFC 3339 date-time on or before 2027-03-01T00:00:00Z`,
            ]);
        });

        it("reads only text as an owner contact or an expiry: a list holding a good one is flagged, quoted where unreadable", () => {
            const listed = role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:owner-contact": ["support@example.com"], "agentid:expires-at": [EXPIRES] } });
            assert.deepStrictEqual(messages(ownerAndExpiry.check([listed], CONFIG)), [
                `${R} is an agent identity (it trusts pods.eks.amazonaws.com) without an owner contact e-mail; add tag agentid:owner-contact with a reachable address such as team@example.com`,
                `${R} is an agent identity (it trusts pods.eks.amazonaws.com) without an expiry it can read (["${EXPIRES}"]); add tag agentid:expires-at with an RFC 3339 date-time on or before 2027-03-01T00:00:00Z`,
            ]);
        });

        it("flags a missing contact and an expiry beyond the lifetime, with the fix", () => {
            const bad = role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:owner-contact": "nobody", "agentid:expires-at": "2027-12-01T00:00:00Z" } });
            assert.deepStrictEqual(messages(ownerAndExpiry.check([bad], CONFIG)), [
                `${R} is an agent identity (it trusts pods.eks.amazonaws.com) without an owner contact e-mail; add tag agentid:owner-contact with a reachable address such as team@example.com`,
                `${R} is an agent identity (it trusts pods.eks.amazonaws.com) that expires 2027-12-01T00:00:00Z, more than 90 days after now (2026-12-01T00:00:00Z); set tag agentid:expires-at on or before 2027-03-01T00:00:00Z`,
            ]);
        });

        it("flags an agent service account without agentid annotations, recognised through the role that trusts it", () => {
            const sa = serviceAccount("triage");
            assert.deepStrictEqual(messages(ownerAndExpiry.check([role(TRUST.irsa), sa], CONFIG)), [
                `kubernetes.core.v1.ServiceAccount "triage" (agents/triage) is an agent identity (IAM role "triage-role" trusts its tokens) without an owner team; add annotation agentid.dev/owner-team naming the team that answers for it`,
                `kubernetes.core.v1.ServiceAccount "triage" (agents/triage) is an agent identity (IAM role "triage-role" trusts its tokens) without an owner contact e-mail; add annotation agentid.dev/owner-contact with a reachable address such as team@example.com`,
                `kubernetes.core.v1.ServiceAccount "triage" (agents/triage) is an agent identity (IAM role "triage-role" trusts its tokens) without an expiry; add annotation agentid.dev/expires-at with an RFC 3339 date-time on or before 2027-03-01T00:00:00Z`,
            ]);
        });

        it("honours a configured lifetime", () => {
            assert.deepStrictEqual(messages(ownerAndExpiry.check([role()], { ...CONFIG, maxLifetimeDays: 30 })), [
                `${R} is an agent identity (it trusts pods.eks.amazonaws.com) that expires ${EXPIRES}, more than 30 days after now (2026-12-01T00:00:00Z); set tag agentid:expires-at on or before 2026-12-31T00:00:00Z`,
            ]);
            assert.deepStrictEqual(ownerAndExpiry.check([role()], { ...CONFIG, maxLifetimeDays: 45 }), [], "45 days reach the expiry exactly");
        });

        it("honours the configured clock", () => {
            assert.deepStrictEqual(ownerAndExpiry.check([role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": "2027-06-01T00:00:00Z" } })], { now: "2027-04-01T00:00:00Z" }), []);
            assert.strictEqual(ownerAndExpiry.check([role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": "2027-06-01T00:00:00Z" } })], { now: "2027-01-01T00:00:00Z" }).length, 1);
        });

        it("reads AGENTID_NOW when the config sets no clock", () => {
            const before = process.env.AGENTID_NOW;
            try {
                process.env.AGENTID_NOW = "2027-01-10T00:00:00Z";
                assert.deepStrictEqual(ownerAndExpiry.check([role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": "2027-04-01T00:00:00Z" } })], {}), []);
                process.env.AGENTID_NOW = "2026-11-01T00:00:00Z";
                assert.strictEqual(ownerAndExpiry.check([role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": "2027-04-01T00:00:00Z" } })], {}).length, 1);
            } finally {
                if (before === undefined) delete process.env.AGENTID_NOW; else process.env.AGENTID_NOW = before;
            }
        });

        it("checks tags and annotations unknown at preview once known under an Agent, and refuses them elsewhere", () => {
            const unknownTags = role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": UNKNOWN } });
            assert.deepStrictEqual(messages(ownerAndExpiry.check([unknownTags], CONFIG)), [
                `${R} is an agent identity (it trusts pods.eks.amazonaws.com), but its tags are not known at preview (computed from other resources' outputs), so its owner and expiry cannot be reviewed — write them from known values`,
            ]);
            const sa = serviceAccount("triage", {}, UNKNOWN as never, underAgent);
            assert.deepStrictEqual(ownerAndExpiry.check([agent, { ...unknownTags, parent: AGENT_URN }, { ...sa, props: { ...sa.props, metadata: { name: "triage", namespace: "agents", annotations: UNKNOWN } } }], CONFIG), []);
            assert.deepStrictEqual(messages(approvedWrites.check([unknownTags, rolePolicy("grants", doc(WRITE))], CONFIG)), [
                `${R} holds write actions (s3:PutObject), but its tags are not known at preview (computed from other resources' outputs), so its approval cannot be reviewed — write them from known values`,
            ]);
            assert.deepStrictEqual(approvedWrites.check([agent, { ...unknownTags, parent: AGENT_URN }, rolePolicy("grants", doc(WRITE))], CONFIG), []);
            const looseSa = resource("kubernetes:core/v1:ServiceAccount", "triage", { metadata: { name: "triage", namespace: "agents", annotations: UNKNOWN } });
            assert.deepStrictEqual(messages(ownerAndExpiry.check([role(TRUST.irsa), looseSa], CONFIG)), [
                `kubernetes.core.v1.ServiceAccount "triage" (agents/triage) is an agent identity (IAM role "triage-role" trusts its tokens), but its annotations are not known at preview (computed from other resources' outputs), so its owner and expiry cannot be reviewed — write them from known values`,
            ]);
        });

        it("refuses a lifetime beyond the 365-day ceiling and a malformed clock, naming the setting", () => {
            assert.throws(() => ownerAndExpiry.check([role()], { ...CONFIG, maxLifetimeDays: 400 }), { message: "agentid-guardrails: policy config maxLifetimeDays 400 must be a whole number of days from 1 to 365" });
            assert.throws(() => pinnedTrust.check([role()], { ...CONFIG, maxLifetimeDays: 0 }), { message: "agentid-guardrails: policy config maxLifetimeDays 0 must be a whole number of days from 1 to 365" });
            assert.throws(() => ownerAndExpiry.check([role()], { now: "tomorrow" }), { message: `agentid-guardrails: policy config now: "now" must be an RFC 3339 date-time or a date such as 2027-01-01T00:00:00Z; got "tomorrow"` });
        });
    });

    describe("agent-least-privilege", () => {
        it("passes exact actions on exact resources until the expiry", () => assert.deepStrictEqual(leastPrivilege.check([role(), rolePolicy("grants", doc(READ, WRITE))], CONFIG), []));

        it("ignores the deny-all of a disabled agent", () => {
            assert.deepStrictEqual(leastPrivilege.check([role(), rolePolicy("grants", doc({ Effect: "Deny", Action: ["*"], Resource: ["*"] }))], CONFIG), []);
        });

        it("flags a permission that outlives the role's expiry tag", () => {
            assert.deepStrictEqual(messages(leastPrivilege.check([role(), rolePolicy("grants", doc({ ...READ, Condition: until("2027-06-01T00:00:00Z") }))], CONFIG)), [
                `aws.iam.RolePolicy "grants" on agent role ${R}: its policy, statement Grant0: lasts until 2027-06-01T00:00:00Z, after the role's agentid:expires-at ${EXPIRES}; end it at the agent's expiry`,
            ]);
        });

        it("accepts the OAuth token action only in the form the oauth connector emits", () => {
            const provider = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-github`;
            const token = (resources: string[]) => doc({ Sid: "Token", Effect: "Allow", Action: ["bedrock-agentcore:GetResourceOauth2Token"], Resource: resources, Condition: until() });
            assert.deepStrictEqual(leastPrivilege.check([role(), rolePolicy("grants", token([provider, WORKLOAD]))], CONFIG), []);
            assert.deepStrictEqual(messages(leastPrivilege.check([role(), rolePolicy("grants", token([provider, WORKLOAD.replace("agent-triage", "agent-billing"), `${WORKLOAD}-2`]))], CONFIG)), [
                `aws.iam.RolePolicy "grants" on agent role ${R}: its policy, statement Token: bedrock-agentcore:GetResourceOauth2Token issues SaaS tokens, API keys or workload identities; the oauth.<vendor> connector emits its token action scoped to the agent's own provider and identity; agents may not hold it (escalation-action)`,
            ]);
        });

        it("links a policy to its role through the engine's property dependencies when the name is unknown", () => {
            const r = role();
            const p = rolePolicy("grants", doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::tickets", Condition: until() }), { role: UNKNOWN }, { propertyDependencies: { role: [r.urn] } });
            assert.strictEqual(leastPrivilege.check([r, p], CONFIG).length, 1);
            assert.strictEqual(leastPrivilege.check([r, { ...p, propertyDependencies: {} }], CONFIG).length, 0, "an attachment to some other role is not this role's");
        });

        it("resolves an attached ARN unknown at preview to the stack's Policy it was computed from", () => {
            const wide = resource("aws:iam/policy:Policy", "wide", { name: "wide", policy: JSON.stringify(doc({ Sid: "All", Effect: "Allow", Action: "dynamodb:*", Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`, Condition: until() })) });
            const attach = resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", { role: "triage-runner", policyArn: UNKNOWN }, { propertyDependencies: { policyArn: [wide.urn] } });
            assert.deepStrictEqual(messages(leastPrivilege.check([role(), wide, attach], CONFIG)), [
                `aws.iam.RolePolicyAttachment "attach" on agent role ${R}: policyArn aws.iam.Policy "wide", statement All: "dynamodb:*" grants every action of the service; list the exact actions, e.g. dynamodb:Get…`,
            ]);
        });

        it("waits for AWS to report inline policies and managed ARNs the program does not set, but flags ones computed from other resources", () => {
            assert.deepStrictEqual(leastPrivilege.check([role(TRUST.podIdentity, { inlinePolicies: UNKNOWN, managedPolicyArns: UNKNOWN })], CONFIG), []);
            const computed = role(TRUST.podIdentity, { inlinePolicies: UNKNOWN }, { propertyDependencies: { inlinePolicies: ["urn:pulumi:dev::handwritten::aws:s3/bucket:Bucket::b"] } });
            assert.deepStrictEqual(messages(leastPrivilege.check([computed], CONFIG)), [
                `${R}: inlinePolicies is not known at preview (it is computed from other resources' outputs), so nobody can review what it grants an agent — write it from known values`,
            ]);
        });

        it("checks an Agent's documents once they are known: unknown at preview is deferred only under an Agent", () => {
            const r = role(TRUST.podIdentity, {}, underAgent);
            assert.deepStrictEqual(leastPrivilege.check([agent, r, rolePolicy("grants", UNKNOWN as never, { policy: UNKNOWN }, underAgent)], CONFIG), []);
            assert.strictEqual(leastPrivilege.check([agent, r, rolePolicy("grants", UNKNOWN as never, { policy: UNKNOWN })], CONFIG).length, 1, "a hand-written policy on an Agent's role is not deferred");
        });

        it("reports a policy that is not JSON", () => {
            assert.deepStrictEqual(messages(leastPrivilege.check([role(), rolePolicy("grants", "{not json")], CONFIG)).map((m) => m.split(": ").slice(1, 3).join(": ")), ["its policy cannot be read: it is not valid JSON"]);
        });
    });

    describe("agent-trust-pinned", () => {
        for (const [mode, trust] of Object.entries(TRUST)) {
            it(`passes the ${mode} trust agentid writes`, () => assert.deepStrictEqual(pinnedTrust.check([role(trust)], CONFIG), []));
        }

        it("flags sessions longer than an hour", () => {
            assert.deepStrictEqual(messages(pinnedTrust.check([role(TRUST.podIdentity, { maxSessionDuration: 43200 })], CONFIG)), [
                `${R} is an agent role (it trusts pods.eks.amazonaws.com) and allows sessions of 43200s; agents get at most 3600s — set maxSessionDuration to 3600 or less`,
            ]);
        });

        it("reads a session duration given as numeric text, and flags it when longer than an hour", () => {
            assert.deepStrictEqual(messages(pinnedTrust.check([role(TRUST.podIdentity, { maxSessionDuration: "43200" })], CONFIG)), [
                `${R} is an agent role (it trusts pods.eks.amazonaws.com) and allows sessions of 43200s; agents get at most 3600s — set maxSessionDuration to 3600 or less`,
            ]);
            assert.deepStrictEqual(pinnedTrust.check([role(TRUST.podIdentity, { maxSessionDuration: "3600" })], CONFIG), []);
            assert.deepStrictEqual(pinnedTrust.check([role(TRUST.podIdentity, { maxSessionDuration: "12h" })], CONFIG), [], "not a number of seconds: the provider refuses it");
        });

        it("flags actions beyond the mode's", () => {
            const statement = { ...TRUST.podIdentity.Statement[0], Action: ["sts:AssumeRole", "sts:TagSession", "sts:*"] };
            assert.deepStrictEqual(messages(pinnedTrust.check([role(doc(statement))], CONFIG)), [
                `${R} is an agent role (it trusts pods.eks.amazonaws.com) and trust statement AgentTrustPodIdentity allows "sts:*"; podIdentity trust allows only sts:AssumeRole, sts:TagSession`,
            ]);
        });

        it("flags a pin with the wrong kind of value and a trust the pack cannot read", () => {
            const statement = { ...TRUST.rolesAnywhere.Statement[0], Condition: { ...TRUST.rolesAnywhere.Statement[0].Condition, ArnEquals: { "aws:SourceArn": `arn:aws:iam::${ACCOUNT}:role/admin` } } };
            assert.deepStrictEqual(messages(pinnedTrust.check([role(doc(statement))], CONFIG)), [
                `${R} is an agent role (it trusts rolesanywhere.amazonaws.com) and trust statement AgentTrustRolesAnywhere pins the trust anchor (aws:SourceArn) to "arn:aws:iam::123456789012:role/admin", which is not one; expected e.g. "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0f6e3a4c-8d9b-4f1e-9c2a-1b2c3d4e5f60"`,
            ]);
            assert.deepStrictEqual(messages(pinnedTrust.check([role("{", { name: "agent-triage" })], CONFIG)), [
                `aws.iam.Role "triage-role" (agent-triage) is an agent role (it is tagged agentid:name) and has a trust policy the pack cannot read: it is not valid JSON`,
            ]);
        });

        it("flags a trust unknown at preview, except an Agent's own (checked at update)", () => {
            const hand = role(UNKNOWN as never, { assumeRolePolicy: UNKNOWN, name: "agent-triage" });
            assert.deepStrictEqual(messages(pinnedTrust.check([hand], CONFIG)), [
                `aws.iam.Role "triage-role" (agent-triage) is an agent role (it is tagged agentid:name) and has a trust policy that is not known at preview (it is computed from other resources' outputs), so nobody can review who may assume it — write it from known values`,
            ]);
            assert.deepStrictEqual(pinnedTrust.check([agent, { ...hand, parent: AGENT_URN }], CONFIG), []);
        });

        it("measures the trust's end against the configured lifetime and clock", () => {
            assert.strictEqual(pinnedTrust.check([role()], { ...CONFIG, maxLifetimeDays: 30 }).length, 1);
            assert.deepStrictEqual(pinnedTrust.check([role()], { now: "2026-12-20T00:00:00Z", maxLifetimeDays: 30 }), []);
        });
    });

    describe("no-static-credentials", () => {
        it("flags a token only on a Secret: another kind carrying the same type field, or an opaque Secret, is left alone", () => {
            assert.deepStrictEqual(noStaticCredentials.check([
                resource("kubernetes:core/v1:ConfigMap", "not-a-secret", { metadata: { name: "x" }, type: "kubernetes.io/service-account-token" }),
                resource("kubernetes:core/v1:Secret", "opaque", { metadata: { name: "y" }, type: "Opaque" }),
            ], CONFIG), []);
        });

        it("passes a stack without static credentials", () => {
            assert.deepStrictEqual(noStaticCredentials.check([role(), resource("kubernetes:core/v1:Secret", "config", { type: "Opaque" })], CONFIG), []);
        });

        it("flags every long-term credential type, naming the resource and the fix", () => {
            const found = noStaticCredentials.check([
                resource("aws:iam/accessKey:AccessKey", "ci-key", { user: "ci" }),
                resource("aws:iam/userLoginProfile:UserLoginProfile", "alice-login", { user: "alice" }),
                resource("aws:iam/serviceSpecificCredential:ServiceSpecificCredential", "bedrock-key", { serviceName: "bedrock.amazonaws.com", userName: "bot" }),
                resource("aws:iam/signingCertificate:SigningCertificate", "bot-cert", { userName: "bot" }),
                resource("aws:iam/sshKey:SshKey", "bot-ssh", { username: "bot" }),
                resource("kubernetes:core/v1:Secret", "bot-token", { type: "kubernetes.io/service-account-token" }),
            ], CONFIG);
            assert.deepStrictEqual(messages(found).map((m) => m.split(" is ")[0]), [
                `aws.iam.AccessKey "ci-key"`, `aws.iam.UserLoginProfile "alice-login"`, `aws.iam.ServiceSpecificCredential "bedrock-key"`,
                `aws.iam.SigningCertificate "bot-cert"`, `aws.iam.SshKey "bot-ssh"`, `kubernetes.core.v1.Secret "bot-token"`,
            ]);
            assert.strictEqual(found[2].message, `aws.iam.ServiceSpecificCredential "bedrock-key" is a long-term service-specific credential (a Bedrock API key, or a CodeCommit or Keyspaces password); it does not expire with an agent and can be copied — use a workload identity (IRSA, Pod Identity, Roles Anywhere or AgentCore) with short-lived credentials`);
            assert.strictEqual(found[5].message, `kubernetes.core.v1.Secret "bot-token" is a kubernetes.io/service-account-token Secret, a token that never expires; use projected service-account tokens or SPIFFE SVIDs`);
            assert.deepStrictEqual(found.map((v) => v.urn), ["AccessKey", "UserLoginProfile", "ServiceSpecificCredential", "SigningCertificate", "SshKey", "Secret"].map((t, i) =>
                `urn:pulumi:dev::handwritten::${["aws:iam/accessKey:", "aws:iam/userLoginProfile:", "aws:iam/serviceSpecificCredential:", "aws:iam/signingCertificate:", "aws:iam/sshKey:", "kubernetes:core/v1:"][i]}${t}::${["ci-key", "alice-login", "bedrock-key", "bot-cert", "bot-ssh", "bot-token"][i]}`));
        });
    });

    describe("no-shadow-agents", () => {
        it("passes an agent role under an Agent component", () => assert.deepStrictEqual(noShadowAgents.check([agent, role(TRUST.podIdentity, {}, underAgent)], CONFIG), []));
        it("flags an agent-named role outside any Agent", () => {
            assert.deepStrictEqual(messages(noShadowAgents.check([role(doc(), { name: "agent-triage", tags: {} })], CONFIG)), [
                `aws.iam.Role "triage-role" (agent-triage) is an agent role (it is named agent-…) that no agentid Agent declares (a shadow agent); declare it in the fleet's agents/ so it gets an owner, least privilege and an expiry`,
            ]);
        });
    });

    describe("agent-write-approved", () => {
        it("passes read-only roles and approved writes with a matching digest", () => {
            assert.deepStrictEqual(approvedWrites.check([role(), rolePolicy("grants", doc(READ))], CONFIG), []);
            const approved = role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:approval": "SEC-1", "agentid:approved-digest": "sha256:aaa" } });
            assert.deepStrictEqual(approvedWrites.check([approved, rolePolicy("grants", doc(WRITE))], CONFIG), []);
        });

        it("flags writes without approval, by any route, and an approval for other grants", () => {
            const viaAttachment = [resource("aws:iam/policy:Policy", "writer", { name: "writer", policy: JSON.stringify(doc(WRITE)) }),
                resource("aws:iam/policyAttachment:PolicyAttachment", "writer-attach", { roles: ["triage-runner"], policyArn: `arn:aws:iam::${ACCOUNT}:policy/writer` })];
            assert.deepStrictEqual(messages(approvedWrites.check([role(), ...viaAttachment], CONFIG)), [
                `${R} holds write actions (s3:PutObject) without an approval; declare spec.approval (tag agentid:approval) with the ticket and approvers`,
            ]);
            const stale = role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:approval": "SEC-1", "agentid:approved-digest": "sha256:bbb" } });
            assert.deepStrictEqual(messages(approvedWrites.check([stale, rolePolicy("grants", doc(WRITE))], CONFIG)), [
                `${R}: approval SEC-1 was for grants sha256:bbb, but the grants are now sha256:aaa; renew the approval for the current grants (agentid digest)`,
            ]);
        });
        it("reads only text as an approval: a ticket given as a number or a list is no approval", () => {
            for (const approval of [7, ["SEC-1"]]) {
                const odd = role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:approval": approval, "agentid:approved-digest": "sha256:aaa" } });
                assert.deepStrictEqual(messages(approvedWrites.check([odd, rolePolicy("grants", doc(WRITE))], CONFIG)), [
                    `${R} holds write actions (s3:PutObject) without an approval; declare spec.approval (tag agentid:approval) with the ticket and approvers`,
                ], JSON.stringify(approval));
            }
        });

        it("names every write action the role holds, and a stale approval on a role whose grants digest tag is missing", () => {
            const writes = doc(WRITE, { ...WRITE, Sid: "Grant2", Action: ["s3:DeleteObject"] });
            assert.deepStrictEqual(messages(approvedWrites.check([role(), rolePolicy("grants", writes)], CONFIG)), [
                `${R} holds write actions (s3:PutObject, s3:DeleteObject) without an approval; declare spec.approval (tag agentid:approval) with the ticket and approvers`,
            ]);
            const unknownTags = role(TRUST.podIdentity, { tags: UNKNOWN });
            assert.deepStrictEqual(messages(approvedWrites.check([unknownTags, rolePolicy("grants", writes)], CONFIG)), [
                `${R} holds write actions (s3:PutObject, s3:DeleteObject), but its tags are not known at preview (computed from other resources' outputs), so its approval cannot be reviewed — write them from known values`,
            ]);
            const { "agentid:grants-digest": _digest, ...withoutDigest } = TAGS;
            const stale = role(TRUST.podIdentity, { tags: { ...withoutDigest, "agentid:approval": "SEC-1", "agentid:approved-digest": "sha256:bbb" } });
            assert.deepStrictEqual(messages(approvedWrites.check([stale, rolePolicy("grants", doc(WRITE))], CONFIG)), [
                `${R}: approval SEC-1 was for grants sha256:bbb, but the grants are now untagged; renew the approval for the current grants (agentid digest)`,
            ]);
        });
    });

    describe("agent-kubernetes-access", () => {
        const sa = serviceAccount("triage", {}, SA_ANNOTATIONS);
        const reader = k8sRole("triage-reader", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }]);
        const binding = roleBinding("triage-reader", { kind: "Role", name: "triage-reader" }, [TRIAGE_SA]);
        const B = `kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "triage-reader" (agents/triage-reader) gives agent service account agents/triage Role "triage-reader"`;
        const withRules = (rules: object[]) => [sa, k8sRole("triage-reader", rules), binding];

        it("passes a namespaced Role with exact rules and a service account without a mounted token", () => {
            assert.deepStrictEqual(kubernetesAccess.check([sa, reader, binding], CONFIG), []);
        });

        it("flags a ClusterRoleBinding of an agent service account (its namespaced twin passes)", () => {
            const crb = clusterRoleBinding("triage-view", { kind: "ClusterRole", name: "view" }, [TRIAGE_SA]);
            assert.deepStrictEqual(messages(kubernetesAccess.check([sa, crb], CONFIG)), [
                `kubernetes.rbac.authorization.k8s.io.v1.ClusterRoleBinding "triage-view" binds agent service account agents/triage to ClusterRole "view" in every namespace of the cluster; agents get a Role and RoleBinding in each namespace they need — replace it with namespaced RoleBindings`,
            ]);
        });

        it("flags wildcards, escalation verbs and secrets without names in the bound rules", () => {
            assert.deepStrictEqual(messages(kubernetesAccess.check(withRules([
                { apiGroups: ["*"], resources: ["*"], verbs: ["get"] },
                { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["bind", "escalate"] },
                { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
            ]), CONFIG)), [
                `${B}: rule 1 holds "*" in apiGroups, which matches everything; name the exact apiGroups`,
                `${B}: rule 1 holds "*" in resources, which matches everything; name the exact resources`,
                `${B}: rule 2 grants bind, escalate, which lets the agent raise its own privileges or act as another identity; remove it`,
                `${B}: rule 3 reaches every secret of the namespace (other identities' tokens and credentials) without an approval (annotation agentid.dev/approval on the service account); name the secrets it needs in resourceNames, or declare the grant with spec.approval`,
            ]);
            assert.deepStrictEqual(kubernetesAccess.check(withRules([{ apiGroups: [""], resources: ["secrets"], resourceNames: ["triage-webhook"], verbs: ["get"] }]), CONFIG), []);
        });

        it("accepts secrets without names for an approved agent, as the declarations do (high risk, approval required)", () => {
            const approved = serviceAccount("triage", {}, { ...SA_ANNOTATIONS, "agentid.dev/approval": "SEC-7" });
            const rules = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }];
            assert.deepStrictEqual(kubernetesAccess.check([approved, k8sRole("triage-reader", rules), binding], CONFIG), []);
            assert.strictEqual(kubernetesAccess.check(withRules(rules), CONFIG).length, 1);
        });

        it("flags a role the stack does not define and an aggregated ClusterRole", () => {
            const admin = roleBinding("triage-admin", { kind: "ClusterRole", name: "admin" }, [TRIAGE_SA]);
            assert.deepStrictEqual(messages(kubernetesAccess.check([sa, admin], CONFIG)), [
                `kubernetes.rbac.authorization.k8s.io.v1.RoleBinding "triage-admin" (agents/triage-admin) gives agent service account agents/triage ClusterRole "admin", which this stack does not define, so its rules cannot be reviewed (built-in roles such as admin or edit reach secrets and workloads) — define a Role with the exact rules here`,
            ]);
            const aggregated = resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "admin", { metadata: { name: "admin" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "y" } }] } });
            assert.strictEqual(messages(kubernetesAccess.check([sa, aggregated, admin], CONFIG))[0].split(", ")[1], `an aggregated ClusterRole whose rules other ClusterRoles add at run time`);
        });

        it("finds agent service accounts bound through service-account groups and users", () => {
            for (const subject of [{ kind: "Group", name: "system:serviceaccounts" }, { kind: "Group", name: "system:serviceaccounts:agents" }, { kind: "User", name: "system:serviceaccount:agents:triage" }]) {
                assert.strictEqual(kubernetesAccess.check([sa, clusterRoleBinding("all", { kind: "ClusterRole", name: "view" }, [subject])], CONFIG).length, 1, subject.name);
            }
            assert.deepStrictEqual(kubernetesAccess.check([sa, clusterRoleBinding("other", { kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "system:serviceaccounts:billing" }])], CONFIG), []);
        });

        it("binds the agent service accounts that subjects unknown at preview were computed from", () => {
            const crb = resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "computed", { metadata: { name: "computed" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: UNKNOWN },
                { propertyDependencies: { subjects: [sa.urn] } });
            assert.strictEqual(kubernetesAccess.check([sa, crb], CONFIG).length, 1);
            assert.deepStrictEqual(kubernetesAccess.check([sa, { ...crb, propertyDependencies: {} }], CONFIG), []);
        });

        it("flags token automount on an agent service account unless declared", () => {
            const mounted = serviceAccount("triage", { automountServiceAccountToken: undefined }, SA_ANNOTATIONS);
            assert.deepStrictEqual(messages(kubernetesAccess.check([mounted], CONFIG)), [
                `kubernetes.core.v1.ServiceAccount "triage" (agents/triage) is an agent service account (it carries agentid.dev annotations) that mounts a long-lived API token into every pod (automountServiceAccountToken is unset, which Kubernetes reads as true); agents use SPIFFE or IAM credentials — set automountServiceAccountToken: false, or declare identity.kubernetes.automountToken: true`,
            ]);
            assert.deepStrictEqual(kubernetesAccess.check([serviceAccount("triage", { automountServiceAccountToken: true }, { ...SA_ANNOTATIONS, "agentid.dev/automount-token": "declared" })], CONFIG), []);
            assert.strictEqual(kubernetesAccess.check([role(TRUST.irsa), serviceAccount("triage", { automountServiceAccountToken: true })], CONFIG).length, 1, "recognised through the IRSA trust");
            assert.deepStrictEqual(kubernetesAccess.check([serviceAccount("builder", { automountServiceAccountToken: true })], CONFIG), [], "not an agent's");
            assert.deepStrictEqual(messages(kubernetesAccess.check([serviceAccount("triage", { automountServiceAccountToken: UNKNOWN }, SA_ANNOTATIONS)], CONFIG)).map((m) => m.split("(")[3]?.split(")")[0]), ["automountServiceAccountToken is not known at preview"]);
            const declaredIrsa = serviceAccount("triage", { automountServiceAccountToken: true }, SA_ANNOTATIONS, underAgent);
            assert.deepStrictEqual(kubernetesAccess.check([agent, { ...declaredIrsa, props: { ...declaredIrsa.props, metadata: { name: "triage", namespace: "agents", annotations: UNKNOWN } } }], CONFIG), [],
                "an Agent's IRSA annotations wait for the role ARN");
        });
    });

    it("does not start a policy server when the policies are imported", () => {
        assert.strictEqual(Object.keys(require.cache).some((k) => k.includes("@pulumi/policy/server")), false);
    });
});
