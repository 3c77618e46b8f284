import * as assert from "assert";
import type { Deployment } from "@pulumi/pulumi/automation";
import { agentOfStep, changedStepsByAgent, groupStepsByAgent } from "../../../provider/engine/grouping";
import { agentsInState } from "../../../provider/engine/stackState";
import type { StepRecord } from "../../../provider/engine/workspace";

const FLEET = "urn:pulumi:s::p::agentid:index:AgentFleet";
const AGENT = "agentid:index:Agent";
const agentStep = (name: string, op = "create"): StepRecord => ({ op, type: AGENT, name, urn: `${FLEET}$${AGENT}::${name}`, diffs: [] });
const childStep = (name: string, type: string, op = "create"): StepRecord => ({ op, type, name, urn: `${FLEET}$${AGENT}$${type}::${name}`, diffs: [] });
const fleetStep = (name: string, type: string): StepRecord => ({ op: "create", type, name, urn: `${FLEET}$${type}::${name}`, diffs: [] });

describe("steps grouped by agent", () => {
    const agents = new Set(["a", "a-b", "ops"]);

    it("gives a child to the longest agent name it starts with, followed by a dash", () => {
        assert.deepStrictEqual([
            agentOfStep(childStep("a-b-sa", "kubernetes:core/v1:ServiceAccount"), agents),
            agentOfStep(childStep("a-sa", "kubernetes:core/v1:ServiceAccount"), agents),
            agentOfStep(childStep("a-b", "kubernetes:core/v1:ServiceAccount"), agents),
            agentOfStep(childStep("ops-rbac-binding-apps", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"), agents),
        ], ["a-b", "a", "a", "ops"]);
    });

    it("gives no agent to a child whose name starts with none, nor to a fleet resource named like an agent's child", () => {
        assert.deepStrictEqual([
            agentOfStep(childStep("other-sa", "kubernetes:core/v1:ServiceAccount"), agents),
            agentOfStep(childStep("ab-sa", "kubernetes:core/v1:ServiceAccount"), agents),
            agentOfStep(childStep("-sa", "kubernetes:core/v1:ServiceAccount"), agents),
            agentOfStep(fleetStep("a-oauth", "aws:bedrockagentcore/oauth2CredentialProvider:Oauth2CredentialProvider"), agents),
        ], [undefined, undefined, undefined, undefined]);
        assert.strictEqual(agentOfStep(agentStep("not-listed"), agents), "not-listed", "an Agent step is its own agent");
    });

    it("keeps each agent's changing steps in the order they came, without unchanged steps", () => {
        const steps = [agentStep("a", "same"), childStep("a-b-sa", "t:Sa"), childStep("a-sa", "t:Sa", "update"), agentStep("a-b", "update"),
            childStep("a-role", "t:Role", "same"), fleetStep("shared", "t:Shared"), childStep("a-role", "t:Role", "delete")];
        assert.deepStrictEqual([...changedStepsByAgent(steps, agents)].map(([agent, s]) => [agent, s.map((x) => `${x.op} ${x.name}`)]), [
            ["a-b", ["create a-b-sa", "update a-b"]],
            ["a", ["update a-sa", "delete a-role"]],
        ]);
        assert.deepStrictEqual(groupStepsByAgent(steps, ["ops", "a"]).map((g) => [g.agent, g.steps.length]), [["ops", 0], ["a", 3]], "a-b is not listed: its steps are a's");
    });
});

describe("agents in a stack's state", () => {
    it("lists every agent with every resource whose parent chain leads to it, and no other", () => {
        const agentUrn = (name: string) => `${FLEET}$${AGENT}::${name}`;
        const resources = [
            { urn: FLEET, type: "agentid:index:AgentFleet" },
            { urn: agentUrn("a"), type: AGENT, parent: FLEET, outputs: { agentName: "a", expiresAt: "2027-01-01T00:00:00Z", status: "active" } },
            { urn: agentUrn("b"), type: AGENT, parent: FLEET },
            { urn: `${FLEET}$${AGENT}$t:Sa::a-sa`, type: "t:Sa", parent: agentUrn("a") },
            { urn: `${FLEET}$${AGENT}$t:Group::a-group`, type: "t:Group", parent: agentUrn("a") },
            { urn: `${FLEET}$${AGENT}$t:Group$t:Role::a-role`, type: "t:Role", parent: `${FLEET}$${AGENT}$t:Group::a-group` },
            { urn: `${FLEET}$t:Shared::shared`, type: "t:Shared", parent: FLEET },
            { urn: `${FLEET}$${AGENT}$t:Sa::b-sa`, type: "t:Sa", parent: agentUrn("b") },
        ];
        const deployment = { version: 3, deployment: { resources } } as unknown as Deployment;
        assert.deepStrictEqual(agentsInState(deployment), [
            { name: "a", urn: agentUrn("a"), expiresAt: "2027-01-01T00:00:00Z", status: "active",
                descendants: [`${FLEET}$${AGENT}$t:Sa::a-sa`, `${FLEET}$${AGENT}$t:Group::a-group`, `${FLEET}$${AGENT}$t:Group$t:Role::a-role`] },
            { name: "b", urn: agentUrn("b"), descendants: [`${FLEET}$${AGENT}$t:Sa::b-sa`] },
        ]);
    });
});
