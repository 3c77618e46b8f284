/**
 * The `agentid-guardrails` CrossGuard policy pack: `pulumi preview --policy-pack provider/policy/pack`.
 * Every policy is one of the guardrails in ./policies.ts; enforcement is mandatory by default and
 * configurable per policy (advisory | mandatory | disabled) in the usual policy config file.
 */
import { EnforcementLevel, PolicyPack, StackValidationPolicy } from "@pulumi/policy";
import { GUARDRAILS, GuardrailConfig, ResourceView } from "./policies";

const configSchema = {
    properties: {
        maxLifetimeDays: { type: "integer" as const, minimum: 1, maximum: 365, default: 90, description: "Longest allowed agent lifetime in days." },
        now: { type: "string" as const, description: "The clock for the lifetime check (RFC 3339); default: now." },
    },
};

const policies: StackValidationPolicy[] = GUARDRAILS.map((guardrail) => ({
    name: guardrail.name,
    description: guardrail.description,
    enforcementLevel: (process.env.AGENTID_POLICY_ENFORCEMENT as EnforcementLevel | undefined) ?? "mandatory",
    configSchema,
    validateStack: (args, reportViolation) => {
        const resources: ResourceView[] = args.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.props, parent: r.parent?.urn }));
        for (const message of guardrail.check(resources, args.getConfig<GuardrailConfig>())) reportViolation(message);
    },
}));

new PolicyPack("agentid-guardrails", {
    description: "agentid guardrails: owners and expiry, least privilege, pinned trust, no static credentials, no shadow agents, approved writes.",
    policies,
});
