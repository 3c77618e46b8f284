import * as assert from "assert";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { CONFIG_SCHEMA, defaultEnforcement, stackPolicies, toResourceView } from "../../../provider/policy/crossguard";
import { GUARDRAILS, UNKNOWN } from "../../../provider/policy/policies";
import { MAX_LIFETIME_CEILING_DAYS } from "../../../provider/model/settings";
import { doc, READ, TAGS, TRUST } from "./stacks";

/** The proxy @pulumi/policy puts around every resource's props (exported by the module, not by its typings). */
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy: <T>(props: T) => T };

/** How the policy server marks a string it does not know yet (the engine's unknown sentinel). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A resource as @pulumi/policy hands it to a stack policy: its props behind the unknown-checking proxy. */
function engineResource(type: string, name: string, props: Record<string, unknown>, extra: { parent?: PolicyResource; propertyDependencies?: Record<string, PolicyResource[]> } = {}): PolicyResource {
    return {
        type, name, urn: `urn:pulumi:dev::p::${type}::${name}`, props: unknownCheckingProxy(props), opts: {} as PolicyResource["opts"],
        dependencies: [], propertyDependencies: extra.propertyDependencies ?? {}, parent: extra.parent,
        isType: () => false, asType: () => undefined,
    } as unknown as PolicyResource;
}

function run(policyName: string, resources: PolicyResource[], config: Record<string, unknown> = {}): { message: string; urn?: string }[] {
    const policy = stackPolicies().find((p) => p.name === policyName)!;
    const reported: { message: string; urn?: string }[] = [];
    const args = { resources, getConfig: () => config, stackTags: new Map(), notApplicable: () => { throw new Error("not applicable"); } } as unknown as StackValidationArgs;
    policy.validateStack(args, (message, urn) => reported.push({ message, urn }));
    return reported;
}

describe("agentid-guardrails as CrossGuard stack policies", () => {
    it("reads values unknown at preview as UNKNOWN instead of throwing, and keeps parents and property dependencies", () => {
        const role = engineResource("aws:iam/role:Role", "r", { name: "agent-x", tags: { a: UNKNOWN_STRING }, managedPolicyArns: [UNKNOWN_STRING] });
        const policy = engineResource("aws:iam/rolePolicy:RolePolicy", "p", { role: UNKNOWN_STRING, policy: UNKNOWN_STRING }, { parent: role, propertyDependencies: { role: [role] } });
        assert.throws(() => (policy.props as Record<string, unknown>).policy, /can't be known during preview/, "the engine's own proxy throws");
        assert.deepStrictEqual(toResourceView(policy), {
            type: "aws:iam/rolePolicy:RolePolicy", name: "p", urn: "urn:pulumi:dev::p::aws:iam/rolePolicy:RolePolicy::p",
            props: { role: UNKNOWN, policy: UNKNOWN }, parent: role.urn, propertyDependencies: { role: [role.urn] },
        });
        assert.deepStrictEqual(toResourceView(role).props, { name: "agent-x", tags: { a: UNKNOWN }, managedPolicyArns: [UNKNOWN] });
    });

    it("reports an agent role's policy that is unknown at preview on the policy, instead of giving up on the whole check", () => {
        const role = engineResource("aws:iam/role:Role", "r", { name: "triage-runner", assumeRolePolicy: JSON.stringify(TRUST.podIdentity), tags: TAGS, maxSessionDuration: 3600 });
        const policy = engineResource("aws:iam/rolePolicy:RolePolicy", "p", { role: "triage-runner", policy: UNKNOWN_STRING });
        assert.deepStrictEqual(run("agent-least-privilege", [role, policy]), [{
            message: `aws.iam.RolePolicy "p" on agent role aws.iam.Role "r" (triage-runner): its policy is not known at preview (it is computed from other resources' outputs), so nobody can review what it grants an agent — write it from known values`,
            urn: policy.urn,
        }]);
        assert.deepStrictEqual(run("agent-least-privilege", [role, engineResource("aws:iam/rolePolicy:RolePolicy", "p", { role: "triage-runner", policy: JSON.stringify(doc(READ)) })]), []);
    });

    it("passes each policy its own config (lifetime and clock)", () => {
        const role = engineResource("aws:iam/role:Role", "r", { name: "triage-runner", assumeRolePolicy: JSON.stringify(TRUST.podIdentity), tags: TAGS, maxSessionDuration: 3600 });
        assert.deepStrictEqual(run("agent-owner-and-expiry", [role], { now: "2026-12-01T00:00:00Z" }), []);
        assert.deepStrictEqual(run("agent-owner-and-expiry", [role], { now: "2026-12-01T00:00:00Z", maxLifetimeDays: 30 }).map((v) => v.urn), [role.urn]);
    });

    it("offers every guardrail, mandatory unless AGENTID_POLICY_ENFORCEMENT says otherwise, each configurable", () => {
        const policies = stackPolicies();
        assert.deepStrictEqual(policies.map((p) => p.name), GUARDRAILS.map((g) => g.name));
        assert.deepStrictEqual(policies.map((p) => p.enforcementLevel), GUARDRAILS.map(() => "mandatory"));
        assert.ok(policies.every((p) => p.configSchema === CONFIG_SCHEMA));
        assert.deepStrictEqual(stackPolicies(GUARDRAILS, defaultEnforcement("advisory")).map((p) => p.enforcementLevel), GUARDRAILS.map(() => "advisory"));
        assert.strictEqual(defaultEnforcement(""), "mandatory");
        assert.throws(() => defaultEnforcement("strict"), { message: `agentid-guardrails: AGENTID_POLICY_ENFORCEMENT "strict" is not one of advisory, mandatory, disabled` });
    });

    it("caps the configurable lifetime at the fleet ceiling and accepts only RFC 3339 clocks", () => {
        assert.strictEqual(CONFIG_SCHEMA.properties.maxLifetimeDays.maximum, MAX_LIFETIME_CEILING_DAYS);
        const clock = new RegExp(CONFIG_SCHEMA.properties.now.pattern);
        assert.deepStrictEqual(["2027-01-01", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00.5+01:00", "tomorrow", "2027-01-01T00:00"].map((t) => clock.test(t)), [true, true, true, false, false]);
    });

    it("does not start a policy server when the pack's policies are built", () => {
        assert.strictEqual(Object.keys(require.cache).some((k) => k.includes("@pulumi/policy/server")), false);
    });
});
