/**
 * The `agentid-guardrails` CrossGuard policy pack: `pulumi preview --policy-pack provider/policy/pack`.
 * Every policy is one of the guardrails in ./policies.ts; enforcement is mandatory by default
 * (AGENTID_POLICY_ENFORCEMENT changes the default) and set per policy in the policy config file.
 */
import { PolicyPack } from "@pulumi/policy";
import { stackPolicies } from "./crossguard";

new PolicyPack("agentid-guardrails", {
    description: "agentid guardrails: owners and expiry, least privilege, pinned trust, Kubernetes access, no static credentials, no shadow agents, approved writes, separation of duties.",
    policies: stackPolicies(),
});
