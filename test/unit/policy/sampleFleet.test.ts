import { recordParents, registrations, settled } from "../../helpers/mocks";
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Agent } from "../../../provider/components/agent";
import { AgentFleet } from "../../../provider/components/agentFleet";
import { GUARDRAILS, kubernetesAccess, ResourceView } from "../../../provider/policy/policies";
import { separationOfDuties } from "../../../provider/policy/duties";
import type { SeparationOfDutiesRule } from "../../../provider/declarations/types";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import { NOW, NOW_DATE } from "../../helpers/fixtures";

/**
 * The sample fleet (agents/) with every platform — AWS included, which the e2e suite cannot preview
 * without the AWS provider plugin — registered under Pulumi mocks, then judged by every guardrail.
 */
const AGENTS = path.join(__dirname, "../../../../agents");
const CLIENTS = { github: { clientId: "gh-client", clientSecret: pulumi.secret("gh-secret") } };

/** A component's resources as the engine would hand them to the pack: URNs with the parent's type chain. */
async function stackOf(root: { type: string; name: string }, create: (options: pulumi.ComponentResourceOptions) => void): Promise<ResourceView[]> {
    const before = registrations.length;
    const parents = recordParents();
    create(parents.options);
    await settled();
    const records = [{ ...root, parent: undefined as string | undefined }, ...parents.records.filter((r) => r.name !== root.name)];
    const byName = new Map(records.map((r) => [r.name, r]));
    const urnOf = (name: string): string => {
        const chain: string[] = [];
        for (let r = byName.get(name); r; r = r.parent ? byName.get(r.parent) : undefined) chain.unshift(r.type);
        return `urn:pulumi:test::agentid::${chain.join("$")}::${name}`;
    };
    const fresh = registrations.slice(before);
    return records.map((r) => ({
        type: r.type, name: r.name, urn: urnOf(r.name),
        props: fresh.filter((x) => x.type === r.type && x.name === r.name).pop()?.inputs ?? {},
        ...(r.parent ? { parent: urnOf(r.parent) } : {}),
    }));
}

describe("agentid-guardrails on agentid's own components: the sample fleet, every platform, under mocks", () => {
    let stack: ResourceView[];
    before(async () => {
        stack = await stackOf({ type: "agentid:index:AgentFleet", name: "guarded" }, (options) => new AgentFleet("guarded", { paths: [AGENTS], now: NOW, oauthClients: CLIENTS }, options));
    });

    it("holds every kind of resource the policies read", () => {
        const types = new Set(stack.map((r) => r.type));
        for (const type of ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            "aws:eks/podIdentityAssociation:PodIdentityAssociation", "kubernetes:core/v1:ServiceAccount", "kubernetes:rbac.authorization.k8s.io/v1:Role",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"]) {
            assert.ok(types.has(type), `the sample fleet registers no ${type}`);
        }
        assert.strictEqual(stack.filter((r) => r.type === "aws:iam/role:Role").length, 5);
    });

    for (const guardrail of GUARDRAILS) {
        it(`passes ${guardrail.name}`, () => assert.deepStrictEqual(guardrail.check(stack, { now: NOW }), []));
    }

    it("lets an agent that declares token automount mount it, and no other", async () => {
        const declared = await stackOf({ type: "agentid:index:Agent", name: "mounting" }, (options) => new Agent("mounting", {
            description: "Needs the API token", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z", now: NOW,
            identity: { kubernetes: { namespace: "agents", automountToken: true } },
            grants: [{ connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] }],
        }, options));
        const sa = declared.find((r) => r.type === "kubernetes:core/v1:ServiceAccount")!;
        assert.deepStrictEqual([sa.props.automountServiceAccountToken, (sa.props.metadata as { annotations: Record<string, string> }).annotations["agentid.dev/automount-token"]], [true, "declared"]);
        assert.deepStrictEqual(kubernetesAccess.check(declared, { now: NOW }), []);
        const undeclared = declared.map((r) => (r === sa ? { ...r, props: { ...r.props, metadata: { ...(r.props.metadata as object), annotations: {} } } } : r));
        assert.strictEqual(kubernetesAccess.check(undeclared, { now: NOW }).length, 1);
    });

    it("lets an approved agent read unnamed secrets (the approval travels on its service account), and no other", async () => {
        const approved = await stackOf({ type: "agentid:index:Agent", name: "secret-reader" }, (options) => new Agent("secret-reader", {
            description: "Reads the namespace's secrets", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z", now: NOW,
            identity: { kubernetes: { namespace: "agents" } }, approval: { ticket: "SEC-7", approvers: ["sec@example.com"] },
            grants: [{ connector: "kubernetes", resources: ["secrets"], verbs: ["get"] }],
        }, options));
        const sa = approved.find((r) => r.type === "kubernetes:core/v1:ServiceAccount")!;
        assert.strictEqual((sa.props.metadata as { annotations: Record<string, string> }).annotations["agentid.dev/approval"], "SEC-7");
        assert.deepStrictEqual(kubernetesAccess.check(approved, { now: NOW }), []);
        const { "agentid.dev/approval": _ticket, ...unapproved } = (sa.props.metadata as { annotations: Record<string, string> }).annotations;
        const stripped = approved.map((r) => (r === sa ? { ...r, props: { ...r.props, metadata: { ...(r.props.metadata as object), annotations: unapproved } } } : r));
        assert.deepStrictEqual(kubernetesAccess.check(stripped, { now: NOW }).map((v) => v.message.split(" reaches ")[1]), [
            "every secret of the namespace (other identities' tokens and credentials) without an approval (annotation agentid.dev/approval on the service account); name the secrets it needs in resourceNames, or declare the grant with spec.approval",
        ]);
    });

    it("finds the separation-of-duties conflicts `agentid validate` finds, from the resources alone", () => {
        const rules: SeparationOfDutiesRule[] = [
            { name: "restart-and-page", forbid: [{ connector: "kubernetes", access: "write", resources: ["production/deployments"] }, { connector: "aws.sns", access: "write" }] },
            { name: "ledger-and-stripe", forbid: [{ connector: "aws.dynamodb", access: "write" }, { connector: "aws.secretsmanager", access: "read", resources: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/"] }] },
            { name: "tickets-and-crm", forbid: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::support-tickets/*"] }, { connector: "tool.support-tools", access: "read", resources: ["crm/lookupCustomer"] }] },
            { name: "models-and-github", forbid: [{ connector: "aws.bedrock", access: "read" }, { connector: "aws.sqs", access: "read" }] },
        ];
        const declared = validateDeclarations([AGENTS], { now: NOW_DATE, settings: { separationOfDuties: rules } }).errors
            .filter((e) => e.rule === "separation-of-duties").map((e) => `${e.agent} ${/rule "([^"]+)"/.exec(e.message)![1]}`).sort();
        assert.deepStrictEqual(declared, ["billing-reconciler ledger-and-stripe", "ops-responder restart-and-page", "support-triage tickets-and-crm"]);
        const gateways = { "support-tools": "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/support-tools-a1b2c3d4e5" };
        const deployed = separationOfDuties.check(stack, { now: NOW, separationOfDuties: rules, gateways })
            .map((v) => `${/is agent "([^"]+)"/.exec(v.message)![1]} ${/rule "([^"]+)"/.exec(v.message)![1]}`).sort();
        assert.deepStrictEqual(deployed, declared);
    });
});
