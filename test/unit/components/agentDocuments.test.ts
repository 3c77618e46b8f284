import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import "../../helpers/mocks";
import { AgentidError } from "../../../provider/components/programErrors";
import type { Inputs } from "../../../provider/components/inputs";
import { AgentDocuments } from "../../../provider/components/agentDocuments";
import type { AgentDeclaration } from "../../../provider/declarations/types";
import { resolveSettings } from "../../../provider/model/settings";
import { buildAgentArtefacts } from "../../../provider/platforms/documents";
import { NOW_DATE } from "../../helpers/fixtures";

const SETTINGS = resolveSettings({
    trustDomain: "example.org", clusterName: "prod", awsAccountId: "123456789012", awsRegion: "us-east-1",
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
});

function irsaAgent(name: string): AgentDeclaration {
    return {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
        spec: {
            description: "Reads reports", owner: { team: "data", contact: "data@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
            identity: { aws: { trust: "irsa" }, kubernetes: { namespace: "bots", serviceAccount: name } },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::reports/weekly/*"] }],
        },
    };
}

const documentsOf = (name: string) => new AgentDocuments(irsaAgent(name), SETTINGS, NOW_DATE, { validated: false, where: "a test" });
const pickAll = (documents: AgentDocuments, arns: Parameters<AgentDocuments["with"]>[0]) => documents.with(arns).value((d) => d) as unknown;

describe("AgentDocuments", () => {
    it("reuses the structure when the ARNs given are the ones the names give", () => {
        const documents = documentsOf("docs-named");
        const roleArn = "arn:aws:iam::123456789012:role/agents/agent-docs-named";
        assert.strictEqual(documents.structure.aws?.roleArn, roleArn);
        assert.strictEqual(pickAll(documents, {}), documents.structure);
        assert.strictEqual(pickAll(documents, { roleArn, oauthProviderArns: {} }), documents.structure);
    });

    it("builds the documents again for an ARN the names do not give, with that ARN in them", () => {
        const documents = documentsOf("docs-other-role");
        const roleArn = "arn:aws:iam::210987654321:role/agents/agent-docs-other-role";
        const built = pickAll(documents, { roleArn }) as typeof documents.structure;
        assert.notStrictEqual(built, documents.structure);
        assert.deepStrictEqual(built, buildAgentArtefacts(documents.agent, SETTINGS, { roleArn }));
        const serviceAccount = built.kubernetes!.manifests[0] as { metadata: { annotations: Record<string, string> } };
        assert.strictEqual(serviceAccount.metadata.annotations["eks.amazonaws.com/role-arn"], roleArn);
        assert.strictEqual(pickAll(documents, { roleArn }), built, "built once per distinct set of ARNs");
    });

    it("judges a field given as an Output or a Promise by the schema once it resolves: the stand-in passed for it, not the real value", async () => {
        // Before: each of these resolved to an agent (and the Agent component provisioned it). The stand-ins
        // ("pending") pass the schema at construction, and the real values were judged by the guardrails alone,
        // which read a blank team or a number for a description as good.
        // (Through the Agent component under mocks a refusal at apply leaves its registrations pending forever.)
        const resolvedAs = (name: string, change: (spec: Record<string, unknown>) => void) => {
            const declaration = irsaAgent(name) as unknown as { spec: Record<string, unknown> };
            change(declaration.spec);
            const documents = new AgentDocuments(declaration as unknown as Inputs<AgentDeclaration>, SETTINGS, NOW_DATE, { validated: false, where: "a test" });
            assert.strictEqual(documents.known, false);
            const name$ = documents.agentValue((agent) => agent.name) as pulumi.Output<string>;
            return (name$ as unknown as { promise(): Promise<string> }).promise().then((n) => `resolved to agent ${n}`, (e: Error) => e instanceof AgentidError ? e.message : `not an AgentidError: ${e.message}`);
        };
        assert.strictEqual(await resolvedAs("late-blank-team", (spec) => { spec.owner = { team: pulumi.output(" "), contact: "data@example.com" }; }),
            "agent late-blank-team is invalid:\n  spec.owner.team must not be blank; say it in words (invalid-value)");
        assert.strictEqual(await resolvedAs("promised-blank-team", (spec) => { spec.owner = { team: Promise.resolve(" "), contact: "data@example.com" }; }),
            "agent promised-blank-team is invalid:\n  spec.owner.team must not be blank; say it in words (invalid-value)");
        assert.strictEqual(await resolvedAs("late-numeric-description", (spec) => { spec.description = pulumi.output(5); }),
            "agent late-numeric-description is invalid:\n  spec.description must be a string (invalid-type)");
        // A wrong type no guardrail reads: the schema alone refuses it.
        assert.strictEqual(await resolvedAs("late-numeric-team", (spec) => { spec.owner = { team: pulumi.output(7), contact: "data@example.com" }; }),
            "agent late-numeric-team is invalid:\n  spec.owner.team must be a string (invalid-type)");
        // A value the schema takes but a guardrail refuses: a grant's resource that turns out to be every bucket.
        assert.strictEqual(await resolvedAs("late-every-bucket", (spec) => { spec.grants = [{ connector: "aws.s3", access: "read", resources: [pulumi.output("arn:aws:s3:::*")] }]; }),
            "agent late-every-bucket is invalid:\n  spec.grants[0].resources[0]: \"arn:aws:s3:::*\" has a wildcard in its resource id; \"*\" and \"?\" match other resources too — name the exact resource (wildcard-resource)");
        assert.strictEqual(await resolvedAs("late-good-team", (spec) => { spec.owner = { team: pulumi.output("data"), contact: "data@example.com" }; }), "resolved to agent late-good-team");
    });

    it("refuses at construction a list, an object or a structural field given as an Output or a Promise, naming it (no stand-in can hold its place)", () => {
        // Before: a whole grants list as an Output stopped the program with "decl.spec.grants.entries is not a function",
        // and a whole identity, or expiresAt, as an Output was laid out from the stand-in "pending" in its place.
        const refusal = (name: string, change: (spec: Record<string, unknown>) => void) => {
            const declaration = irsaAgent(name) as unknown as { spec: Record<string, unknown> };
            change(declaration.spec);
            try {
                new AgentDocuments(declaration as unknown as Inputs<AgentDeclaration>, SETTINGS, NOW_DATE, { validated: false, where: "a test" });
                return "accepted";
            } catch (e) {
                return e instanceof AgentidError ? e.message : `not an AgentidError: ${(e as Error).message}`;
            }
        };
        const plain = (field: string, what: string) => `  ${field} is given as an Output or a Promise, but it decides which resources the agent gets, so it must be written as a plain ${what} (Outputs go only in the strings within it: ARNs, names, the owner) (plain-value)`;
        assert.strictEqual(refusal("late-grants", (spec) => { spec.grants = pulumi.output(spec.grants); }), `agent late-grants is invalid:\n${plain("spec.grants", "list or object")}`);
        assert.strictEqual(refusal("late-grant", (spec) => { spec.grants = [Promise.resolve((spec.grants as object[])[0])]; }), `agent late-grant is invalid:\n${plain("spec.grants[0]", "list or object")}`);
        assert.strictEqual(refusal("late-identity", (spec) => { spec.identity = pulumi.output(spec.identity); }), `agent late-identity is invalid:\n${plain("spec.identity", "list or object")}`);
        assert.strictEqual(refusal("late-expiry", (spec) => { spec.expiresAt = pulumi.output("2027-01-15T00:00:00Z"); }), `agent late-expiry is invalid:\n${plain("spec.expiresAt", "value")}`);
        assert.strictEqual(refusal("late-access", (spec) => { (spec.grants as Record<string, unknown>[])[0].access = pulumi.output("write"); }), `agent late-access is invalid:\n${plain("spec.grants[0].access", "value")}`);
        assert.strictEqual(refusal("late-resource", (spec) => { (spec.grants as Record<string, unknown>[])[0].resources = [pulumi.output("arn:aws:s3:::reports/weekly/*")]; }), "accepted");
    });
});

describe("AgentDocuments of an agent with values not known yet", () => {
    const withGrants = (name: string, grants: unknown[], spec: Record<string, unknown> = {}) => {
        const declaration = irsaAgent(name) as unknown as { spec: Record<string, unknown> };
        Object.assign(declaration.spec, { grants }, spec);
        return declaration as unknown as Inputs<AgentDeclaration>;
    };
    const outcome = (documents: AgentDocuments) => ((documents.agentValue((agent) => agent.name) as pulumi.Output<string>) as unknown as { promise(): Promise<string> })
        .promise().then((n) => `resolved to agent ${n}`, (e: Error) => (e instanceof AgentidError ? e.message : `not an AgentidError: ${e.message}`));

    it("refuses at construction a plain value a guardrail refuses, beside an Output", () => {
        const declaration = withGrants("plain-every-bucket", [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::*"] }], { description: pulumi.output("Reads reports") });
        assert.throws(() => new AgentDocuments(declaration, SETTINGS, NOW_DATE, { validated: false, where: "a test" }), (e: Error) => e instanceof AgentidError && e.message ===
            "agent plain-every-bucket is invalid:\n  spec.grants[0].resources[0]: \"arn:aws:s3:::*\" has a wildcard in its resource id; \"*\" and \"?\" match other resources too — name the exact resource (wildcard-resource)");
    });

    it("refuses, once its values resolve, an agent that holds every duty of a separation-of-duties rule, naming the grant", async () => {
        const rule = { name: "read-and-write-reports", forbid: [
            { connector: "aws.s3", access: "read" as const, resources: ["arn:aws:s3:::reports/"] },
            { connector: "aws.s3", access: "write" as const, resources: ["arn:aws:s3:::reports/"] },
        ] };
        const settings = resolveSettings({ ...SETTINGS, separationOfDuties: [rule] });
        const declaration = withGrants("late-both-duties", [{ connector: "aws.s3", access: "readwrite", resources: [pulumi.output("arn:aws:s3:::reports/weekly/*")] }],
            { approval: { ticket: "S-1", approvers: ["a@example.com"] } });
        const said = await outcome(new AgentDocuments(declaration, settings, NOW_DATE, { validated: false, where: "a test" }));
        assert.strictEqual(said, "agent late-both-duties is invalid:\n  spec.grants[0]: separation-of-duties rule \"read-and-write-reports\": this agent holds every duty it forbids — " +
            "aws.s3 read on arn:aws:s3:::reports/ by grant 0 (spec.grants[0]); aws.s3 write on arn:aws:s3:::reports/ by grant 0 (spec.grants[0]); " +
            "move one of these duties to another agent (with its own identity and OAuth client), or change the rule with its owners (separation-of-duties)");
    });

    it("claims a SPIRE identity given as Outputs once they resolve, refusing selectors another agent's workloads match", async () => {
        // Its parent and selectors are stand-ins at construction: the rest of its identities are claimed then, these on resolution.
        const parentId = "spiffe://example.org/spire/agent/k8s_psat/prod/node-1";
        const spireAgent = (name: string, selectors: pulumi.Input<string>[]) => ({
            apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
            spec: {
                description: "Holds a SPIFFE ID", owner: { team: "data", contact: "data@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
                identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc" }, spire: { parentId, selectors } },
                grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::reports/weekly/*"] }],
            },
        }) as unknown as Inputs<AgentDeclaration>;
        new AgentDocuments(spireAgent("spire-holder", ["k8s:ns:bots", "k8s:sa:spire-holder"]), SETTINGS, NOW_DATE, { validated: false, where: 'the Agent component "spire-holder"' });
        const late = new AgentDocuments(spireAgent("late-selectors", [pulumi.output("k8s:ns:bots"), pulumi.output("k8s:sa:spire-holder")]), SETTINGS, NOW_DATE, { validated: false, where: 'the Agent component "late-selectors"' });
        assert.strictEqual(await outcome(late), "agent late-selectors is invalid:\n" +
            "  spec.identity.spire.selectors: service account bots/spire-holder (through SPIRE selectors) already belongs to agent \"spire-holder\" (the Agent component \"spire-holder\"); one identity, one agent — give this agent its own (identity-shared)\n" +
            "  spec.identity.spire.selectors: SPIRE selectors [k8s:ns:bots, k8s:sa:spire-holder] contain or lie within agent \"spire-holder\"'s [k8s:ns:bots, k8s:sa:spire-holder] (the Agent component \"spire-holder\"): a workload matching the larger set receives both agents' SVIDs — make each agent's selectors distinct (identity-shared)");
        // Selectors of its own pass, resolved, and hold them from then on.
        const own = new AgentDocuments(spireAgent("own-selectors", [pulumi.output("k8s:ns:bots"), pulumi.output("k8s:sa:own-selectors")]), SETTINGS, NOW_DATE, { validated: false, where: 'the Agent component "own-selectors"' });
        assert.strictEqual(await outcome(own), "resolved to agent own-selectors");
        assert.throws(() => new AgentDocuments(spireAgent("after", ["k8s:ns:bots", "k8s:sa:own-selectors"]), SETTINGS, NOW_DATE, { validated: false, where: 'the Agent component "after"' }),
            (e: Error) => e instanceof AgentidError && e.message.includes('already belongs to agent "own-selectors"'));
    });

    it("refuses at construction SPIRE selectors another agent's workloads match when only other values are Outputs", () => {
        const parentId = "spiffe://example.org/spire/agent/k8s_psat/prod/node-1";
        const withSpire = (name: string, contact: pulumi.Input<string>) => ({
            apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
            spec: {
                description: "Holds a SPIFFE ID", owner: { team: "data", contact }, expiresAt: "2027-01-15T00:00:00Z",
                identity: { aws: { trust: "rolesAnywhere", trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc" }, spire: { parentId, selectors: ["unix:uid:1001", "unix:gid:1001"] } },
                grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::reports/weekly/*"] }],
            },
        }) as unknown as Inputs<AgentDeclaration>;
        new AgentDocuments(withSpire("uid-holder", "data@example.com"), SETTINGS, NOW_DATE, { validated: false, where: 'the Agent component "uid-holder"' });
        assert.throws(() => new AgentDocuments(withSpire("uid-copier", pulumi.output("data@example.com")), SETTINGS, NOW_DATE, { validated: false, where: 'the Agent component "uid-copier"' }),
            (e: Error) => e instanceof AgentidError && e.message.includes('contain or lie within agent "uid-holder"'));
    });

    it("knows the role's ARN before apply unless its account comes from an OIDC provider given as an Output", () => {
        const plain = new AgentDocuments(irsaAgent("arn-plain"), SETTINGS, NOW_DATE, { validated: false, where: "a test" });
        const lateContact = irsaAgent("arn-late-contact") as unknown as { spec: { owner: Record<string, unknown> } };
        lateContact.spec.owner = { team: "data", contact: pulumi.output("data@example.com") };
        const lateOidc = irsaAgent("arn-late-oidc") as unknown as { spec: { identity: { aws: Record<string, unknown> } } };
        lateOidc.spec.identity.aws = { trust: "irsa", oidcProviderArn: pulumi.output("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE") };
        const kubernetesOnly = irsaAgent("arn-none") as unknown as { spec: { identity: Record<string, unknown>; grants: unknown[] } };
        kubernetesOnly.spec.identity = { kubernetes: { namespace: "bots" } };
        kubernetesOnly.spec.grants = [{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }];
        const of = (declaration: unknown) => new AgentDocuments(declaration as Inputs<AgentDeclaration>, SETTINGS, NOW_DATE, { validated: false, where: "a test" }).knownRoleArn();
        assert.deepStrictEqual([plain.knownRoleArn(), of(lateContact), of(lateOidc), of(kubernetesOnly)], [
            "arn:aws:iam::123456789012:role/agents/agent-arn-plain", "arn:aws:iam::123456789012:role/agents/agent-arn-late-contact", undefined, undefined,
        ]);
    });
});

