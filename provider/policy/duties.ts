/**
 * Separation of duties for stacks: the Fleet's rules (guardrails/separationOfDuties.ts, the same module
 * `agentid validate` uses) over what a stack really grants each agent — its role's policies by every
 * route, the RBAC rules bound to its service accounts, the SaaS tokens its role may fetch and the gateway
 * tools Cedar permits it. A role and the service accounts whose pods receive its credentials are one
 * agent; roles sharing a service account are judged together.
 */
import { OAUTH2_CREDENTIAL_PROVIDER_ARN } from "../connectors/arnGrammar";
import { globMatches, resourcesOverlap } from "../connectors/arnMatching";
import { serviceAccountsActedAs } from "../connectors/kubernetes";
import { OAUTH_VENDOR_IDS } from "../connectors/oauthScopes";
import { OAUTH_TOKEN_ACTION } from "../connectors/saas";
import { hasWildcard } from "../connectors/wildcards";
import type { SeparationOfDutiesRule } from "../declarations/types";
import { ActingStep, DutyHolder, dutyConflicts, dutyRuleViolations, dutyText, ruleText } from "../guardrails/separationOfDuties";
import { awsPermissionsOf, mountedPermissionsOf, Permission, rbacPermissionsOf, SaasPermission, ToolPermission } from "../model/permissions";
import { agentRolesOf, agentServiceAccountsOf, objectName } from "./agentRoles";
import { boundAgentAccounts, referencedRole } from "./kubernetes";
import { permissionSourcesOf } from "./permissions";
import { containsUnknown, Guardrail, GuardrailViolation, labelOf, listOf, ResourceView, TYPES } from "./resourceView";
import { StackView } from "./stackView";

const OAUTH_PROVIDER_TYPE = "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider";
const CEDAR_POLICY_TYPE = "aws:bedrock/agentcorePolicy:AgentcorePolicy";

/** An agent as a stack holds it: its permissions, and the resource findings are reported on. */
export interface StackDutyHolder extends DutyHolder {
    resource: ResourceView;
    /** The agent's service accounts: what others' RBAC rules may let them act as. */
    accounts: { namespace: string; name: string }[];
}

/** The rules of the policy config, checked like a Fleet document's; an error names the setting and the fix. */
export function dutyRulesOf(config: { separationOfDuties?: unknown }): SeparationOfDutiesRule[] {
    const rules = config.separationOfDuties;
    if (rules === undefined) return [];
    const shaped = Array.isArray(rules) && rules.every((r) => r !== null && typeof r === "object" && typeof r.name === "string" && Array.isArray(r.forbid)
        && r.forbid.length > 0 && r.forbid.every((d: unknown) => d !== null && typeof d === "object" && typeof (d as { connector?: unknown }).connector === "string"
            && ["read", "write", "readwrite"].includes((d as { access?: unknown }).access as string)));
    if (!shaped) throw new Error("agentid-guardrails: policy config separationOfDuties must be a list of rules { name, forbid: [{ connector, access: read|write|readwrite, resources? }] }, as in a Fleet document");
    const problems = dutyRuleViolations(rules as SeparationOfDutiesRule[], ["separationOfDuties"]);
    if (problems.length > 0) throw new Error(`agentid-guardrails: policy config ${problems[0].path.join(".")}: ${problems[0].message}`);
    return rules as SeparationOfDutiesRule[];
}

/**
 * Every agent of the stack with what it may do. Documents not known at preview are left out here (the
 * least-privilege policy refuses them outside an Agent; an Agent's are judged when `pulumi up` reports them).
 */
export function stackDutyHolders(stack: StackView, gateways: Record<string, string> = {}): StackDutyHolder[] {
    const roles = agentRolesOf(stack).map((r) => r.role);
    const accounts = agentServiceAccountsOf(stack, agentRolesOf(stack));
    // One agent: a role, the service accounts that receive its credentials, and what one Agent component declares.
    const keys = [...roles.map((r) => `role:${r.urn}`), ...accounts.map((a) => `sa:${a.namespace}/${a.name}`)];
    const parent = new Map(keys.map((k) => [k, k]));
    const root = (k: string): string => (parent.get(k) === k ? k : root(parent.get(k)!));
    const join = (a: string, b: string) => parent.set(root(a), root(b));
    for (const a of accounts) for (const r of a.roles) join(`sa:${a.namespace}/${a.name}`, `role:${r.urn}`);
    const byAgent = new Map<string, string>();
    for (const [key, r] of [...roles.map((r) => [`role:${r.urn}`, r] as const), ...accounts.flatMap((a) => (a.resource ? [[`sa:${a.namespace}/${a.name}`, a.resource] as const] : []))]) {
        const agent = stack.agentOf(r);
        if (agent === undefined) continue;
        if (byAgent.has(agent)) join(key, byAgent.get(agent)!);
        else byAgent.set(agent, key);
    }
    const groups = new Map<string, string[]>();
    for (const k of keys) groups.set(root(k), [...(groups.get(root(k)) ?? []), k]);

    const providers = stack.ofType(OAUTH_PROVIDER_TYPE);
    const cedar = cedarPermits(stack, gateways);
    const holders: StackDutyHolder[] = [];
    for (const members of groups.values()) {
        const groupRoles = roles.filter((r) => members.includes(`role:${r.urn}`));
        const groupAccounts = accounts.filter((a) => members.includes(`sa:${a.namespace}/${a.name}`));
        const permissions: Permission[] = [];
        for (const role of groupRoles) {
            for (const source of permissionSourcesOf(role, stack)) {
                if (source.document.kind !== "known") continue;
                const where = source.holder === role ? `${source.via} of ${labelOf(role)}` : labelOf(source.holder);
                const aws = awsPermissionsOf(source.document.statements).map((p) => ({ ...p, source: where }));
                permissions.push(...aws, ...saasOf(aws.filter((p) => p.effect === "Allow" && globMatches(p.action, OAUTH_TOKEN_ACTION, true)).map((p) => p.resource), providers, where));
            }
            const name = role.props.name;
            permissions.push(...cedar.filter((c) => typeof name === "string" && c.role === name).flatMap((c) => c.permissions));
        }
        for (const binding of stack.ofType(TYPES.roleBinding)) {
            if (boundAgentAccounts(binding, groupAccounts).length === 0) continue;
            const role = referencedRole(stack, binding);
            const rules = role?.props.rules;
            if (!role || !Array.isArray(rules) || containsUnknown(rules)) continue;
            const namespace = objectName(binding)?.namespace ?? "default";
            const normalized = rules.filter((r): r is Record<string, unknown> => r !== null && typeof r === "object").map((r) => ({
                apiGroups: listOf(r.apiGroups), resources: listOf(r.resources), verbs: listOf(r.verbs),
                ...(listOf(r.resourceNames).length > 0 ? { resourceNames: listOf(r.resourceNames) } : {}),
            }));
            permissions.push(...[...rbacPermissionsOf(namespace, normalized), ...mountedPermissionsOf(namespace, normalized)].map((p) => ({ ...p, source: labelOf(binding) })));
        }
        const resource = groupRoles[0] ?? groupAccounts.find((a) => a.resource)?.resource;
        if (!resource) continue;
        const tagged = groupRoles.map((r) => (r.props.tags as Record<string, unknown> | undefined)?.["agentid:name"]).find((n): n is string => typeof n === "string");
        holders.push({ name: tagged ?? labelOf(resource), permissions, resource, accounts: groupAccounts.map((a) => ({ namespace: a.namespace, name: a.name })) });
    }
    return holders;
}

/**
 * SaaS a role may fetch tokens for (its statements allowing the token action, by name or by an action
 * pattern): the vendor of each OAuth2 credential provider their Resources reach — by the stack's provider
 * resource, or the provider name agentid gives it (`…-<vendor>`). A Resource pattern reaches every
 * provider it matches: the stack's, and every vendor's under agentid's names (`*` reaches them all). The
 * stack does not say which scopes the provider's client serves, so every scope counts, at every level.
 */
function saasOf(resources: readonly string[], providers: readonly ResourceView[], source: string): SaasPermission[] {
    const vendors = new Set(resources.flatMap((resource) => vendorsReached(resource, providers)));
    return [...vendors].flatMap((vendor) => (["read", "write"] as const).map((level): SaasPermission => ({ kind: "saas", vendor, level, source })));
}

/** Every OAuth2 credential provider's ARN, up to the provider name. */
const ANY_PROVIDER = "arn:*:bedrock-agentcore:*:*:token-vault/default/oauth2credentialprovider/";

/** The vendors whose tokens one Resource of a token statement reaches. */
function vendorsReached(resource: string, providers: readonly ResourceView[]): string[] {
    const vendorOf = (provider: ResourceView | undefined) => Object.entries(OAUTH_VENDOR_IDS).find(([, id]) => id === provider?.props.credentialProviderVendor)?.[0];
    if (OAUTH2_CREDENTIAL_PROVIDER_ARN.test(resource)) {
        const name = resource.split("/").pop()!;
        const vendor = vendorOf(providers.find((p) => p.props.credentialProviderArn === resource || p.props.name === name))
            ?? Object.keys(OAUTH_VENDOR_IDS).find((v) => name.endsWith(`-${v}`));
        return vendor ? [vendor] : [];
    }
    if (!hasWildcard(resource)) return [];
    const arnOf = (p: ResourceView) => (typeof p.props.credentialProviderArn === "string" ? p.props.credentialProviderArn
        : `${ANY_PROVIDER}${typeof p.props.name === "string" ? p.props.name : "*"}`);
    return [
        ...providers.filter((p) => resourcesOverlap(resource, arnOf(p))).flatMap((p) => vendorOf(p) ?? []),
        ...Object.keys(OAUTH_VENDOR_IDS).filter((v) => resourcesOverlap(resource, `${ANY_PROVIDER}*-${v}`)),
    ];
}

/** Cedar `permit`s of the stack's AgentCore policies: the role whose sessions they admit, and the tool. */
function cedarPermits(stack: StackView, gateways: Record<string, string>): { role: string; permissions: ToolPermission[] }[] {
    const out: { role: string; permissions: ToolPermission[] }[] = [];
    for (const policy of stack.ofType(CEDAR_POLICY_TYPE)) {
        const statement = (policy.props.definition as { cedar?: { statement?: unknown } } | undefined)?.cedar?.statement;
        if (typeof statement !== "string" || !/^\s*permit\b/.test(statement)) continue;
        const action = /action\s*==\s*AgentCore::Action::"([^"]+)"/.exec(statement)?.[1];
        const gatewayArn = /resource\s*==\s*AgentCore::Gateway::"([^"]+)"/.exec(statement)?.[1];
        const role = /principal\.id\s+like\s+"arn:[^:"]+:sts::\d*:assumed-role\/([^/"]+)\/\*"/.exec(statement)?.[1];
        if (!action || !gatewayArn || !role || !action.includes("___")) continue;
        const gateway = Object.entries(gateways).find(([, arn]) => arn === gatewayArn)?.[0] ?? gatewayArn;
        const tool = action.replace("___", "/");
        // Cedar does not say whether a tool reads or writes: it counts at both levels.
        out.push({ role, permissions: (["read", "write"] as const).map((level) => ({ kind: "tool", gateway, tool, level, source: labelOf(policy) })) });
    }
    return out;
}

/** For each holder, the other holders whose service accounts its RBAC bindings let it act as (connectors/kubernetes decides which rules do). */
function stackActingSteps(holders: readonly StackDutyHolder[]): ActingStep[][] {
    return holders.map((holder, i) => {
        const steps: ActingStep[] = [];
        for (const p of holder.permissions) {
            if (p.kind !== "kubernetes" || p.indirect) continue;
            const actedAs = serviceAccountsActedAs({ resources: [p.resource], verbs: [p.verb], ...(p.resourceNames ? { resourceNames: p.resourceNames } : {}) });
            if (!actedAs) continue;
            holders.forEach((other, to) => {
                if (to === i || steps.some((s) => s.to === to)) return;
                if (other.accounts.some((a) => a.namespace === p.namespace && (!actedAs.names || actedAs.names.includes(a.name)))) steps.push({ to, reason: `${actedAs.reason}, through ${p.source ?? "?"}` });
            });
        }
        return steps;
    });
}

/** The policy: no agent of the stack holds every duty of a separation-of-duties rule. */
export const separationOfDuties: Guardrail = {
    name: "agent-separation-of-duties",
    description: "No agent (an agent role with the service accounts that receive its credentials) holds every duty of a separation-of-duties rule in the policy config, by any route: IAM policies, RBAC bindings, SaaS token access, gateway tools.",
    check(resources, config) {
        const rules = dutyRulesOf(config);
        if (rules.length === 0) return [];
        const holders = stackDutyHolders(new StackView(resources), config.gateways);
        const out: GuardrailViolation[] = [];
        dutyConflicts(holders, rules, [], stackActingSteps(holders)).forEach((conflicts, i) => {
            for (const conflict of conflicts) {
                const duties = conflict.duties.map(({ duty, held }) => `${dutyText(duty)} through ${held.map((h) => {
                    const acting = conflict.actsAs?.find((a) => a.holder === h.holder);
                    const sources = [...new Set(h.permissions.map((p) => p.source ?? "?"))].join(", ");
                    return acting ? `${sources} of agent "${holders[h.holder].name}", which it can act as (${acting.step.reason})` : sources;
                }).join(", ")}`);
                out.push({
                    urn: holders[i].resource.urn,
                    message: `${labelOf(holders[i].resource)} is agent "${holders[i].name}", which holds every duty of ${ruleText(conflict.rule)}: ${duties.join("; ")}; move one of these duties to another agent with its own identity`,
                });
            }
        });
        return out;
    },
};
