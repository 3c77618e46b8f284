import { recordParents, registeredBy, valueOf } from "../../helpers/mocks";
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Agent, AgentArgs } from "../../../provider/components/agent";
import { AgentidError } from "../../../provider/components/programErrors";
import { DENY_ALL_SID } from "../../../provider/platforms/aws/iamDocuments";
import { grantsDigest } from "../../../provider/declarations/digest";
import { NOW } from "../../helpers/fixtures";
import { DEFAULT_SETTINGS } from "../../../provider/model/settings";

const ANCHOR = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc";
const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";
const BUCKET_GRANT = { connector: "aws.s3", access: "read" as const, resources: ["arn:aws:s3:::tickets/inbound/*"] };

function args(overrides: Partial<AgentArgs> = {}): AgentArgs {
    return {
        description: "Triage tickets", owner: { team: "support", contact: "support@example.com" },
        expiresAt: "2027-01-15T00:00:00Z", now: NOW,
        settings: { trustAnchorArn: ANCHOR, oidcProviderArn: OIDC, clusterName: "prod" },
        identity: { aws: { trust: "rolesAnywhere" } },
        grants: [BUCKET_GRANT],
        ...overrides,
    };
}

/** Creates an agent, waits for every registration, returns them with their parents. */
async function provision(name: string, a: AgentArgs) {
    const parents = recordParents();
    const { result: agent, registered: resources } = await registeredBy(() => new Agent(name, a, parents.options));
    const byType = (type: string) => resources.filter((r) => r.type === type);
    const one = (type: string) => {
        const found = byType(type);
        assert.strictEqual(found.length, 1, `expected one ${type}, got ${found.length}`);
        return found[0];
    };
    return { agent, resources, parents: parents.records, byType, one, types: resources.map((r) => r.type).sort() };
}

describe("Agent", () => {
    it("creates the role, one inline policy and exclusive attachments for a rolesAnywhere agent, all parented to it", async () => {
        const p = await provision("ra-agent", args());
        assert.deepStrictEqual(p.types, [
            "agentid:index:Agent",
            "aws:iam/role:Role",
            "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        ]);
        assert.deepStrictEqual(p.parents.filter((r) => r.name !== "ra-agent").map((r) => r.parent), Array(4).fill("ra-agent"));
        const role = p.one("aws:iam/role:Role").inputs;
        assert.deepStrictEqual([role.name, role.path, role.maxSessionDuration], ["agent-ra-agent", "/agents/", 3600]);
        assert.deepStrictEqual(role.tags, {
            "agentid:name": "ra-agent", "agentid:owner-team": "support", "agentid:owner-contact": "support@example.com", "agentid:expires-at": "2027-01-15T00:00:00Z",
            "agentid:grants-digest": grantsDigest([BUCKET_GRANT]),
        });
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy).Statement[0].Condition, {
            StringEquals: { "aws:PrincipalTag/x509SAN/URI": "spiffe://example.org/agents/ra-agent" },
            ArnEquals: { "aws:SourceArn": ANCHOR },
            DateLessThan: { "aws:CurrentTime": "2027-01-15T00:00:00Z" },
        });
        const policy = p.one("aws:iam/rolePolicy:RolePolicy").inputs;
        assert.strictEqual(policy.name, "agentid-grants");
        assert.deepStrictEqual(JSON.parse(policy.policy).Statement.map((s: { Sid: string }) => s.Sid), ["Grant0S3Objects", "Grant0S3List0"]);
        assert.deepStrictEqual(p.one("aws:iam/rolePoliciesExclusive:RolePoliciesExclusive").inputs, { roleName: "agent-ra-agent", policyNames: ["agentid-grants"] });
        assert.deepStrictEqual(p.one("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive").inputs, { roleName: "agent-ra-agent", policyArns: [] });
    });

    it("exposes its outputs", async () => {
        const { agent } = await provision("out-agent", args({ identity: { aws: { trust: "irsa" }, kubernetes: { namespace: "bots" } } }));
        assert.deepStrictEqual(await valueOf(pulumi.all({
            agentName: agent.agentName, status: agent.status, expiresAt: agent.expiresAt, spiffeId: agent.spiffeId,
            awsRoleArn: agent.awsRoleArn, kubernetesServiceAccount: agent.kubernetesServiceAccount, grantsDigest: agent.grantsDigest,
        })), {
            agentName: "out-agent", status: "active", expiresAt: "2027-01-15T00:00:00Z", spiffeId: "spiffe://example.org/agents/out-agent",
            awsRoleArn: "arn:aws:iam::123456789012:role/agents/agent-out-agent", kubernetesServiceAccount: "bots/out-agent",
            grantsDigest: grantsDigest([BUCKET_GRANT]),
        });
    });

    it("exposes the ID of its SPIRE registration entry, and none without a SPIRE identity", async () => {
        const spiffe = await provision("spiffe-agent", args({ identity: { kubernetes: { namespace: "bots" }, spire: { parentId: "spiffe://example.org/spire/agent/k8s_psat/prod/node-1", selectors: ["k8s:ns:bots", "k8s:sa:spiffe-agent"] } }, grants: [{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }] }));
        const plain = await provision("unspiffed-agent", args());
        assert.deepStrictEqual([await valueOf(spiffe.agent.spireEntryId), await valueOf(plain.agent.spireEntryId)], ["entry-of-spiffe-agent-spire", undefined]);
    });

    it("pins IRSA trust to the exact service account and annotates it with the role ARN", async () => {
        const p = await provision("irsa-agent", args({ identity: { aws: { trust: "irsa" }, kubernetes: { namespace: "bots", serviceAccount: "irsa-sa" } } }));
        const trust = JSON.parse(p.one("aws:iam/role:Role").inputs.assumeRolePolicy).Statement[0];
        assert.deepStrictEqual(trust.Principal, { Federated: OIDC });
        assert.deepStrictEqual(trust.Action, ["sts:AssumeRoleWithWebIdentity"]);
        assert.deepStrictEqual(trust.Condition.StringEquals, {
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:bots:irsa-sa",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud": "sts.amazonaws.com",
        });
        const sa = p.one("kubernetes:core/v1:ServiceAccount").inputs;
        assert.deepStrictEqual(sa.metadata.annotations, {
            "pulumi.com/patchForce": "true",
            "agentid.dev/owner-team": "support", "agentid.dev/owner-contact": "support@example.com",
            "agentid.dev/expires-at": "2027-01-15T00:00:00Z", "agentid.dev/spiffe-id": "spiffe://example.org/agents/irsa-agent",
            "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/agents/agent-irsa-agent",
        });
        assert.deepStrictEqual([sa.metadata.name, sa.metadata.namespace, sa.automountServiceAccountToken], ["irsa-sa", "bots", false]);
    });

    it("associates a podIdentity role with the cluster's service account", async () => {
        const p = await provision("pod-agent", args({
            identity: { aws: { trust: "podIdentity" } },
            settings: { clusterName: "prod", awsAccountId: "123456789012", awsRegion: "us-east-1" },
        }));
        const association = p.one("aws:eks/podIdentityAssociation:PodIdentityAssociation").inputs;
        assert.deepStrictEqual(association, { clusterName: "prod", namespace: "agents", serviceAccount: "pod-agent", roleArn: "arn:aws:iam::123456789012:role/agents/agent-pod-agent" });
        const trust = JSON.parse(p.one("aws:iam/role:Role").inputs.assumeRolePolicy).Statement[0];
        assert.deepStrictEqual(trust.Condition, {
            StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "pod-agent", "aws:SourceAccount": "123456789012" },
            ArnEquals: { "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:cluster/prod" },
            DateLessThan: { "aws:CurrentTime": "2027-01-15T00:00:00Z" },
        });
        assert.strictEqual(p.byType("kubernetes:core/v1:ServiceAccount").length, 1);
    });

    it("gives an agentcore agent a workload identity and trusts only it", async () => {
        const p = await provision("core-agent", args({ identity: { aws: { trust: "agentcore" } } }));
        assert.deepStrictEqual(p.one("aws:bedrock/agentcoreWorkloadIdentity:AgentcoreWorkloadIdentity").inputs, { name: "agent-core-agent" });
        const trust = JSON.parse(p.one("aws:iam/role:Role").inputs.assumeRolePolicy).Statement[0];
        assert.deepStrictEqual(trust.Condition.ArnEquals, { "aws:SourceArn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/agent-core-agent" });
    });

    it("registers per trust mode exactly what the mode needs: a service account for the Kubernetes modes, an association only for podIdentity, a workload identity only for agentcore", async () => {
        const iam = ["aws:iam/role:Role", "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"];
        const settings = { trustAnchorArn: ANCHOR, oidcProviderArn: OIDC, clusterName: "prod", awsAccountId: "123456789012", awsRegion: "us-east-1" };
        const typesOf = async (trust: "irsa" | "podIdentity" | "rolesAnywhere" | "agentcore") => (await provision(`types-${trust.toLowerCase()}`, args({ settings, identity: { aws: { trust } } }))).types;
        assert.deepStrictEqual(await typesOf("irsa"), ["agentid:index:Agent", ...iam, "kubernetes:core/v1:ServiceAccount"]);
        assert.deepStrictEqual(await typesOf("podIdentity"), ["agentid:index:Agent", "aws:eks/podIdentityAssociation:PodIdentityAssociation", ...iam, "kubernetes:core/v1:ServiceAccount"]);
        assert.deepStrictEqual(await typesOf("rolesAnywhere"), ["agentid:index:Agent", ...iam]);
        assert.deepStrictEqual(await typesOf("agentcore"), ["agentid:index:Agent", "aws:bedrock/agentcoreWorkloadIdentity:AgentcoreWorkloadIdentity", ...iam]);
        // With a Kubernetes identity too, the service account neither is associated with the role nor names it (that is for podIdentity and irsa).
        for (const trust of ["rolesAnywhere", "agentcore"] as const) {
            const p = await provision(`both-${trust.toLowerCase()}`, args({ settings, identity: { aws: { trust }, kubernetes: { namespace: "bots" } } }));
            assert.deepStrictEqual(p.byType("aws:eks/podIdentityAssociation:PodIdentityAssociation"), [], trust);
            assert.deepStrictEqual(Object.keys(p.one("kubernetes:core/v1:ServiceAccount").inputs.metadata.annotations).sort(),
                ["agentid.dev/expires-at", "agentid.dev/owner-contact", "agentid.dev/owner-team", "agentid.dev/spiffe-id", "pulumi.com/patchForce"], trust);
        }
    });

    it("creates only Kubernetes objects for a Kubernetes-only agent", async () => {
        const p = await provision("k8s-agent", args({ identity: { kubernetes: {} }, grants: [{ connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get", "list"] }] }));
        assert.deepStrictEqual(p.types, ["agentid:index:Agent", "kubernetes:core/v1:ServiceAccount", "kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"]);
        const role = p.one("kubernetes:rbac.authorization.k8s.io/v1:Role").inputs;
        assert.deepStrictEqual(role.rules, [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }]);
        for (const object of p.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
            assert.deepStrictEqual([object.type, object.inputs.metadata.annotations["pulumi.com/patchForce"]], [object.type, "true"], "agentid's objects take back fields edited out of band");
        }
        // Fixed names: a replacement that created first would adopt the object and then delete it.
        assert.deepStrictEqual(p.parents.filter((r) => r.type.startsWith("kubernetes:")).map((r) => [r.name, r.deleteBeforeReplace]),
            [["k8s-agent-sa", true], ["k8s-agent-rbac-support", true], ["k8s-agent-rbac-binding-support", true]]);
        assert.deepStrictEqual(p.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs.subjects, [{ kind: "ServiceAccount", name: "k8s-agent", namespace: "agents" }]);
    });

    it("creates a ClusterSPIFFEID selecting the agent's service account when asked", async () => {
        const p = await provision("spiffe-agent", args({ settings: { allowClusterSpiffeIds: true }, identity: { kubernetes: { clusterSpiffeId: true } }, grants: [{ connector: "kubernetes", resources: ["pods"], verbs: ["get"] }] }));
        const crd = p.one("kubernetes:spire.spiffe.io/v1alpha1:ClusterSPIFFEID").inputs;
        assert.deepStrictEqual(crd.spec.spiffeIDTemplate, "spiffe://example.org/agents/spiffe-agent");
        assert.deepStrictEqual(crd.spec.workloadSelectorTemplates, ["k8s:sa:spiffe-agent"]);
        assert.deepStrictEqual(crd.spec.namespaceSelector, { matchLabels: { "kubernetes.io/metadata.name": "agents" } });
    });

    it("skips AWS entirely when the aws platform is switched off", async () => {
        const p = await provision("noaws-agent", args({ platforms: { aws: false }, identity: { aws: { trust: "irsa" } } }));
        assert.deepStrictEqual(p.types, ["agentid:index:Agent", "kubernetes:core/v1:ServiceAccount"]);
        assert.strictEqual(await valueOf(p.agent.awsRoleArn), undefined);
    });

    it("registers nothing but itself once expired with onExpiry: delete", async () => {
        const p = await provision("gone-agent", args({ now: "2027-01-15T00:00:00Z", identity: { aws: { trust: "irsa" } } }));
        assert.deepStrictEqual(p.types, ["agentid:index:Agent"]);
        assert.strictEqual(await valueOf(p.agent.status), "expired");
    });

    it("keeps the identity with a deny-all and drops RBAC once expired with onExpiry: disable", async () => {
        const p = await provision("off-agent", args({
            now: "2027-02-01", onExpiry: "disable", identity: { aws: { trust: "irsa" } },
            grants: [BUCKET_GRANT, { connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }],
        }));
        assert.deepStrictEqual(p.types, [
            "agentid:index:Agent", "aws:iam/role:Role", "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "kubernetes:core/v1:ServiceAccount",
        ]);
        assert.deepStrictEqual(JSON.parse(p.one("aws:iam/rolePolicy:RolePolicy").inputs.policy), {
            Version: "2012-10-17", Statement: [{ Sid: DENY_ALL_SID, Effect: "Deny", Action: ["*"], Resource: ["*"] }],
        });
        assert.strictEqual(await valueOf(p.agent.status), "expired");
    });

    it("reads the clock from config agentid:now, so a stack's config decides expiry", async () => {
        const { now: _ignored, ...rest } = args();
        // AGENTID_NOW (what `agentid reap --now` sets) wins over config: this test is about config alone.
        const exported = process.env.AGENTID_NOW;
        delete process.env.AGENTID_NOW;
        try {
            // The two clocks straddle expiresAt (2027-01-15), so the system clock cannot satisfy both.
            pulumi.runtime.setConfig("agentid:now", "2026-12-01T00:00:00Z");
            const active = await provision("clock-before", rest);
            pulumi.runtime.setConfig("agentid:now", "2027-01-15T00:00:00Z");
            const expired = await provision("clock-after", rest);
            assert.deepStrictEqual([await valueOf(active.agent.status), active.types.length, await valueOf(expired.agent.status), expired.types], ["active", 5, "expired", ["agentid:index:Agent"]]);
        } finally {
            pulumi.runtime.setConfig("agentid:now", "");
            if (exported !== undefined) process.env.AGENTID_NOW = exported;
        }
    });

    it("keeps the role's inputs and every child name when only the grants change", async () => {
        const before = await provision("stable-a", args());
        const after = await provision("stable-b", args({
            grants: [BUCKET_GRANT, { connector: "aws.sqs", access: "read", resources: ["arn:aws:sqs:us-east-1:123456789012:events"] }],
        }));
        const role = (p: typeof before, name: string) => {
            const { name: roleName, ...inputs } = p.one("aws:iam/role:Role").inputs;
            return { roleName: roleName.replace(name, "X"), ...inputs, assumeRolePolicy: inputs.assumeRolePolicy.replace(name, "X"), description: undefined, tags: undefined };
        };
        assert.deepStrictEqual(role(before, "stable-a"), role(after, "stable-b"));
        assert.deepStrictEqual(before.resources.map((r) => r.name.replace("stable-a", "X")), after.resources.map((r) => r.name.replace("stable-b", "X")));
        const sids = (p: typeof before) => JSON.parse(p.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement.map((s: { Sid: string }) => s.Sid);
        assert.deepStrictEqual([sids(before), sids(after)], [["Grant0S3Objects", "Grant0S3List0"], ["Grant0S3Objects", "Grant0S3List0", "Grant1SqsRead"]]);
    });

    it("takes grant resources from other resources' outputs", async () => {
        const p = await provision("input-agent", args({ grants: [{ connector: "aws.s3", access: "read", resources: [pulumi.output("arn:aws:s3:::made-in-program/*")] }] }));
        const policy = JSON.parse(p.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
        assert.deepStrictEqual(policy.Statement[0].Resource, ["arn:aws:s3:::made-in-program/*"]);
    });

    it("creates a per-agent OAuth provider and scopes token retrieval to it and its workload identity", async () => {
        const p = await provision("oauth-agent", args({
            identity: { aws: { trust: "irsa" } },
            grants: [{ connector: "oauth.github", scopes: ["read:org"] }],
            oauthClients: { github: { clientId: "id", clientSecret: pulumi.secret("s3cret") } },
        }));
        assert.strictEqual(p.one("aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider").inputs.credentialProviderVendor, "GithubOauth2");
        const policy = JSON.parse(p.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
        assert.deepStrictEqual(policy.Statement, [{
            Sid: "Grant0OauthGithub", Effect: "Allow", Action: ["bedrock-agentcore:GetResourceOauth2Token"],
            Resource: [
                "arn:aws:bedrock-agentcore:us-east-1:123456789012:token-vault/default/oauth2credentialprovider/agentid-oauth-agent-github",
                "arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/agent-oauth-agent",
            ],
            Condition: { DateLessThan: { "aws:CurrentTime": "2027-01-15T00:00:00Z" } },
        }]);
    });

    it("creates one Cedar policy per declared tool in a policy engine", async () => {
        const p = await provision("tool-agent", args({
            settings: { trustAnchorArn: ANCHOR, gateways: { helpdesk: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/helpdesk-1" } },
            grants: [{ connector: "tool.helpdesk", tools: ["crm/lookup", "kb/search"] }],
        }));
        assert.strictEqual(p.byType("aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine").length, 1);
        const policies = p.byType("aws:bedrock/agentcorePolicy:AgentcorePolicy").map((r) => r.inputs);
        assert.deepStrictEqual(policies.map((x) => x.name).sort(), ["tool_agent_crm_lookup_51612c89", "tool_agent_kb_search_eb6f9454"]);
        // Each policy permits its own tool, and only it.
        const actionsOf = (prefix: string) => [...policies.find((x) => x.name.startsWith(prefix))!.definition.cedar.statement.matchAll(/AgentCore::Action::"([^"]+)"/g)].map((m) => m[1]);
        assert.deepStrictEqual([actionsOf("tool_agent_crm_lookup"), actionsOf("tool_agent_kb_search")], [["crm___lookup"], ["kb___search"]]);
        assert.strictEqual(p.byType("aws:iam/rolePolicy:RolePolicy").length, 0);
    });

    it("gives tools whose names differ only around the slash their own policies", async () => {
        const p = await provision("twin-tools", args({
            settings: { trustAnchorArn: ANCHOR, gateways: { helpdesk: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/helpdesk-1" } },
            grants: [{ connector: "tool.helpdesk", tools: ["crm/a-b", "crm-a/b"] }],
        }));
        const policies = p.byType("aws:bedrock/agentcorePolicy:AgentcorePolicy");
        assert.strictEqual(new Set(policies.map((r) => r.name)).size, 2);
        assert.strictEqual(new Set(policies.map((r) => r.inputs.name)).size, 2);
    });

    it("refuses invalid args before registering anything, naming the field and rule", async () => {
        const { registered } = await registeredBy(() => assert.throws(() => new Agent("bad-agent", args({ grants: [{ connector: "aws.s3", access: "read", resources: ["*"] }] })),
            (e: Error) => e instanceof AgentidError && /spec\.grants\[0\]\.resources\[0\]: "\*" as a resource means everything; name the exact resources \(wildcard-resource\)/.test(e.message)));
        assert.deepStrictEqual(registered.filter((r) => r.custom), []);
    });

    it("refuses an agent in code against the declaration schema, as a file would be: formats, enums, lengths, unknown fields, misspelt args and settings", async () => {
        // Before: each of these was provisioned. The schema never ran on an Agent declared in code (only the
        // guardrails did), and args or settings it does not take were dropped without a word.
        const refused = async (name: string, overrides: Record<string, unknown>) => {
            let message = "";
            const { registered } = await registeredBy(() => assert.throws(() => new Agent(name, args(overrides as Partial<AgentArgs>)), (e: Error) => e instanceof AgentidError && (message = e.message, true)));
            assert.deepStrictEqual(registered.filter((r) => r.custom), []);
            return message;
        };
        assert.strictEqual(await refused("empty-team", { owner: { team: " ", contact: "support@example.com" } }),
            "agent empty-team is invalid:\n  spec.owner.team must not be blank; say it in words (invalid-value)");
        assert.strictEqual(await refused("no-grants", { grants: [] }), "agent no-grants is invalid:\n  spec.grants must list at least 1 item (invalid-value)");
        assert.strictEqual(await refused("numeric-description", { description: 5 }), "agent numeric-description is invalid:\n  spec.description must be a string (invalid-type)");
        assert.strictEqual(await refused("extra-trust", { identity: { aws: { trust: "rolesAnywhere", trustPolicy: "*" } } }),
            "agent extra-trust is invalid:\n  spec.identity.aws.trustPolicy: unknown field \"trustPolicy\" in spec.identity.aws; allowed fields: trust, trustAnchorArn, oidcProviderArn, clusterName, maxSessionDuration, permissionsBoundaryArn (unknown-field)");
        assert.strictEqual(await refused("misspelt-arg", { reviewby: "2026-12-20" }),
            "agent misspelt-arg is invalid:\n  reviewby: an Agent takes no arg \"reviewby\"; did you mean reviewBy? (its args: agentName, labels, settings, now, description, owner, expiresAt, onExpiry, reviewBy, approval, identity, grants, platforms, oauthProviderArns, oauthClients, policyEngineIds, spireSocket); an arg it does not take would be ignored (unknown-argument)");
        assert.strictEqual((await refused("far-arg", { ttl: "30d" })).split("\n")[1],
            "  ttl: an Agent takes no arg \"ttl\" (its args: agentName, labels, settings, now, description, owner, expiresAt, onExpiry, reviewBy, approval, identity, grants, platforms, oauthProviderArns, oauthClients, policyEngineIds, spireSocket); an arg it does not take would be ignored (unknown-argument)");
        assert.strictEqual((await refused("misspelt-setting", { settings: { trustanchorArn: ANCHOR } })).split("\n")[1].slice(0, 75),
            "  settings.trustanchorArn: unknown field \"trustanchorArn\" in settings; allo");
    });

    it("leaves to the guardrails' stand-ins what the schema cannot read yet: a field given as an Output is not judged by it", async () => {
        const p = await provision("output-contact", args({ owner: { team: "support", contact: pulumi.output("support@example.com") } }));
        assert.deepStrictEqual(p.types.filter((t) => t === "aws:iam/role:Role"), ["aws:iam/role:Role"]);
    });

    it("refuses an agent in code that holds every duty of the fleet's separation-of-duties rule", async () => {
        const rule = { name: "read-and-write-tickets", forbid: [
            { connector: "aws.s3", access: "read" as const, resources: ["arn:aws:s3:::tickets/"] },
            { connector: "aws.s3", access: "write" as const, resources: ["arn:aws:s3:::tickets/"] },
        ] };
        const conflicting = args({
            grants: [{ connector: "aws.s3", access: "readwrite", resources: ["arn:aws:s3:::tickets/inbound/*"] }],
            approval: { ticket: "S-1", approvers: ["a@example.com"] },
            settings: { trustAnchorArn: ANCHOR, oidcProviderArn: OIDC, clusterName: "prod", separationOfDuties: [rule] },
        });
        // Only this test's own registrations: the mocks' list lives as long as the process, and a mutation run
        // reuses one process for many runs, so an earlier run that let this agent through must not fail this one.
        const { registered } = await registeredBy(() => assert.throws(() => new Agent("sod-agent", conflicting),
            (e: Error) => e instanceof AgentidError && /spec\.grants\[0\]: separation-of-duties rule "read-and-write-tickets": this agent holds every duty it forbids .* \(separation-of-duties\)/.test(e.message)));
        assert.deepStrictEqual(registered.filter((r) => r.custom), []);
    });

    it("exposes the declaration and settings it was built from (what agentid plan diffs against), labels, reviewBy and approval included", async () => {
        const approval = { ticket: "SEC-7", approvers: ["security@example.com"] };
        const { agent } = await provision("sourced", args({
            labels: { tier: "internal" }, reviewBy: "2026-12-20", approval,
            grants: [{ connector: "aws.s3", access: "readwrite", resources: [pulumi.output("arn:aws:s3:::tickets/outbound/*")] }],
        }));
        assert.deepStrictEqual(await valueOf(agent.source), {
            declaration: {
                apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "sourced", labels: { tier: "internal" } },
                spec: {
                    description: "Triage tickets", owner: { team: "support", contact: "support@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
                    grants: [{ connector: "aws.s3", access: "readwrite", resources: ["arn:aws:s3:::tickets/outbound/*"] }],
                    reviewBy: "2026-12-20", approval, identity: { aws: { trust: "rolesAnywhere" } },
                },
            },
            // The settings in force: the fleet's defaults under the program's.
            settings: { ...DEFAULT_SETTINGS, trustAnchorArn: ANCHOR, oidcProviderArn: OIDC, clusterName: "prod" },
        });
    });

    it("warns, once expired, what expiry does to it", async () => {
        const said: string[] = [];
        const warn = console.warn;
        console.warn = (line: string) => { said.push(line); };
        try {
            await provision("deleted-agent", args({ now: "2027-02-01T00:00:00Z" }));
            await provision("disabled-agent", args({ now: "2027-02-01T00:00:00Z", onExpiry: "disable" }));
            await provision("live-agent", args());
        } finally {
            console.warn = warn;
        }
        assert.deepStrictEqual(said, [
            "warning: [runtime] agent deleted-agent expired at 2027-01-15T00:00:00Z (onExpiry: delete): its identities and grants are removed",
            "warning: [runtime] agent disabled-agent expired at 2027-01-15T00:00:00Z (onExpiry: disable): identities kept, every grant removed",
        ]);
    });

    it("creates one policy engine of its own per gateway, however many of its tools are there", async () => {
        const p = await provision("gateways-agent", args({
            settings: { trustAnchorArn: ANCHOR, gateways: { helpdesk: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/helpdesk-1", billing: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/billing-1" } },
            grants: [{ connector: "tool.helpdesk", tools: ["crm/lookup", "kb/search"] }, { connector: "tool.billing", tools: ["invoices/read"] }],
        }));
        assert.deepStrictEqual(p.byType("aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine").map((r) => [r.name, r.inputs.description]).sort(), [
            ["gateways-agent-engine-billing", "agentid tool policies of agent gateways-agent on gateway billing"],
            ["gateways-agent-engine-helpdesk", "agentid tool policies of agent gateways-agent on gateway helpdesk"],
        ]);
        assert.strictEqual(p.byType("aws:bedrock/agentcorePolicy:AgentcorePolicy").length, 3);
    });

    it("names the Agent that holds an identity when another takes it", async () => {
        await provision("first-holder", args({ identity: { kubernetes: { serviceAccount: "held-by-first" } }, grants: [{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }] }));
        assert.throws(() => new Agent("second-taker", args({ identity: { kubernetes: { serviceAccount: "held-by-first" } }, grants: [{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }] })),
            (e: Error) => e instanceof AgentidError && e.message.includes('service account agents/held-by-first already belongs to agent "first-holder" (the Agent component "first-holder"); one identity, one agent'));
    });

    it("attack: an Agent with any value given as an Output cannot take a service account another Agent holds", async () => {
        // Before: only an Agent whose every value was plain claimed its identities; one Output (here the owner's
        // contact) let a second Agent bind the first one's service account to its own grants.
        const k8s = (serviceAccount: string) => ({ identity: { kubernetes: { serviceAccount } }, grants: [{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }] });
        await provision("known-holder", args(k8s("held-account")));
        const { registered } = await registeredBy(() => assert.throws(() => new Agent("output-taker", args({ ...k8s("held-account"), owner: { team: "ops", contact: pulumi.output("ops@example.com") } })),
            (e: Error) => e instanceof AgentidError && e.message.includes('service account agents/held-account already belongs to agent "known-holder" (the Agent component "known-holder")')));
        assert.deepStrictEqual(registered.filter((r) => r.custom), []);
    });

    it("attack: a second component declaring the same agent name is refused (it would add its own workloads to the first one's SPIFFE ID)", async () => {
        const spire = (namespace: string) => ({ kubernetes: { namespace }, spire: { parentId: "spiffe://example.org/spire/agent/k8s_psat/prod/node-1", selectors: [`k8s:ns:${namespace}`, "k8s:sa:twin"] } });
        await provision("twin-a", args({ agentName: "twin", identity: { aws: { trust: "rolesAnywhere" }, ...spire("bots") } }));
        const { registered } = await registeredBy(() => assert.throws(() => new Agent("twin-b", args({ agentName: "twin", identity: spire("other"), grants: [{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }] })),
            (e: Error) => e instanceof AgentidError && e.message === 'agent twin is invalid:\n  metadata.name: agent "twin" is already declared in this program (the Agent component "twin-a"); one agent, one declaration — give this one another name, or declare it once (identity-shared)'));
        assert.deepStrictEqual(registered.filter((r) => r.custom), []);
        // The same with a fleet's agent: the fleet declared it first.
        const { AgentFleet } = await import("../../../provider/components/agentFleet");
        const { writeFixtures, BASE_AGENT } = await import("../../helpers/fixtures");
        new AgentFleet("declaring", { paths: [writeFixtures({ "a.yaml": BASE_AGENT })], now: NOW });
        assert.throws(() => new Agent("copy", args({ agentName: "fixture-agent" })), (e: Error) => e instanceof AgentidError && e.message.includes('agent "fixture-agent" is already declared in this program (the AgentFleet "declaring")'));
    });

    it("annotates an IRSA service account with the created role's ARN when the OIDC provider's ARN is an Output (its account not known before)", async () => {
        const { registered } = await registeredBy(() => new Agent("late-oidc", args({
            settings: { clusterName: "prod" },
            identity: { aws: { trust: "irsa", oidcProviderArn: pulumi.output(OIDC) }, kubernetes: { namespace: "bots" } },
        })));
        const sa = registered.find((r) => r.type === "kubernetes:core/v1:ServiceAccount")!.inputs;
        assert.strictEqual(sa.metadata.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/agents/agent-late-oidc");
        const trust = JSON.parse(registered.find((r) => r.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy).Statement[0];
        assert.deepStrictEqual(trust.Principal, { Federated: OIDC });
    });

    it("names its own OAuth provider in its policy when the account and region are known (not the fleet-shared provider's name)", async () => {
        const { registered } = await registeredBy(() => new Agent("own-oauth", args({
            settings: { trustAnchorArn: ANCHOR, oidcProviderArn: OIDC, clusterName: "prod", awsAccountId: "123456789012", awsRegion: "us-east-1" },
            identity: { aws: { trust: "irsa" } },
            grants: [{ connector: "oauth.github", scopes: ["read:org"] }],
            oauthClients: { github: { clientId: "id", clientSecret: pulumi.secret("s") } },
        })));
        const policy = JSON.parse(registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!.inputs.policy);
        assert.strictEqual(policy.Statement[0].Resource[0], "arn:aws:bedrock-agentcore:us-east-1:123456789012:token-vault/default/oauth2credentialprovider/agentid-own-oauth-github");
    });

    it("fails an OAuth grant without client credentials with the fix", () => {
        assert.throws(() => new Agent("nocreds-agent", args({ identity: { aws: { trust: "irsa" } }, grants: [{ connector: "oauth.slack", scopes: ["chat:write"] }], approval: { ticket: "S-1", approvers: ["a@example.com"] } })),
            /oauth\.slack needs client credentials: pass oauthClients\.slack/);
    });
});
