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
import { agentRolesOf, agentServiceAccountsOf, namespaceOf } from "./agentRoles";
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
            // A role whose name is not known yet is admitted by the permits that admit every role (`*` where the name goes).
            permissions.push(...cedar.filter((c) => c.admits(typeof name === "string" ? name : NAME_NOT_KNOWN)).flatMap((c) => c.permissions));
        }
        for (const binding of stack.ofType(TYPES.roleBinding)) {
            if (boundAgentAccounts(binding, groupAccounts).length === 0) continue;
            const role = referencedRole(stack, binding);
            const rules = role?.props.rules;
            if (!role || !Array.isArray(rules) || containsUnknown(rules)) continue;
            // The binding's namespace whether or not its name is known (one the stack does not show fails agent-kubernetes-access).
            const namespace = namespaceOf(binding);
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
 * resource, or the provider name agentid gives it (`…-<vendor>`, in any case), else every vendor (nothing
 * shows which one it serves). A Resource pattern reaches every
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
    // A provider whose vendor nothing shows may serve any vendor's tokens.
    const vendorOrEvery = (vendor: string | undefined) => (vendor ? [vendor] : Object.keys(OAUTH_VENDOR_IDS));
    // A provider of the stack whose vendor is none agentid knows (CustomOauth2, which any vendor's authorization
    // server can back), or is not known at preview, may serve any vendor's tokens, whatever its name says.
    const vendorsOf = (provider: ResourceView) => vendorOrEvery(Object.entries(OAUTH_VENDOR_IDS).find(([, id]) => id === provider.props.credentialProviderVendor)?.[0]);
    if (OAUTH2_CREDENTIAL_PROVIDER_ARN.test(resource)) {
        const name = resource.split("/").pop()!;
        const provider = providers.find((p) => p.props.credentialProviderArn === resource || p.props.name === name);
        // Outside the stack, the vendor its name ends with.
        return provider ? vendorsOf(provider) : vendorOrEvery(Object.keys(OAUTH_VENDOR_IDS).find((v) => name.toLowerCase().endsWith(`-${v}`)));
    }
    if (!hasWildcard(resource)) return [];
    const arnOf = (p: ResourceView) => (typeof p.props.credentialProviderArn === "string" ? p.props.credentialProviderArn
        : `${ANY_PROVIDER}${typeof p.props.name === "string" ? p.props.name : "*"}`);
    return [
        ...providers.filter((p) => resourcesOverlap(resource, arnOf(p))).flatMap(vendorsOf),
        ...Object.keys(OAUTH_VENDOR_IDS).filter((v) => resourcesOverlap(resource, `${ANY_PROVIDER}*-${v}`)),
    ];
}

/**
 * Cedar `permit`s of the stack's AgentCore policies: which roles' sessions each may admit, and the tools.
 * Read conservatively, so that a permit counts for every call Cedar could let it allow (test: cedar-wasm):
 * - the tools: `action == <target>___<tool>` that tool (any other action is no tool call); `action in` a
 *   list counts its tools, and every tool of the gateway (`*`) for an action group (`CallTool`, `Mcp`);
 *   no action constraint, every tool;
 * - the gateway: `resource == AgentCore::Gateway::"<arn>"`, else every gateway (`*`);
 * - the roles: only `principal == <entity>` and a `principal.id like` / `==` conjunct of a `when` clause
 *   narrow them (a role's sessions are `arn:…:sts::…:assumed-role/<role>/…`); any other principal scope
 *   (`principal`, `is`, `in`) and every other condition admit every role. Conditions are not evaluated:
 *   a `when` on the tool's input or the action narrows nothing, and `forbid`s are not subtracted.
 */
/** A role name no pattern's literal text matches (no role has it): only a `*` does. */
const NAME_NOT_KNOWN = "\u0000";

function cedarPermits(stack: StackView, gateways: Record<string, string>): { admits: (role: string) => boolean; permissions: ToolPermission[] }[] {
    return stack.ofType(CEDAR_POLICY_TYPE).flatMap((policy) => {
        const statement = (policy.props.definition as { cedar?: { statement?: unknown } } | undefined)?.cedar?.statement;
        if (typeof statement !== "string") return [];
        return cedarPermitScopes(statement).map((scope) => {
            const gateway = scope.gatewayArn === undefined ? "*" : Object.entries(gateways).find(([, arn]) => arn === scope.gatewayArn)?.[0] ?? scope.gatewayArn;
            // Cedar does not say whether a tool reads or writes: it counts at both levels.
            const permissions = scope.tools.flatMap((tool) => (["read", "write"] as const).map((level): ToolPermission => ({ kind: "tool", gateway, tool, level, source: labelOf(policy) })));
            return { admits: (role: string) => scope.callers.every((pattern) => likeAdmitsRole(pattern, role)), permissions };
        });
    });
}

/**
 * Whether some session of the role — `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`, the
 * free parts without `:` or `/` — matches a Cedar `like` pattern (`*` any run, even across `/`). The
 * pattern and the ARN's form are walked together; a state is a position in each.
 */
function likeAdmitsRole(pattern: string, role: string): boolean {
    const template: (string | null)[] = [..."arn:", null, ...":sts::", null, ...`:assumed-role/${role}/`, null];
    const seen = new Set<string>();
    const queue: [number, number][] = [[0, 0]];
    while (queue.length > 0) {
        const [i, j] = queue.pop()!;
        if (seen.has(`${i},${j}`)) continue;
        seen.add(`${i},${j}`);
        if (i === pattern.length && j === template.length) return true;
        const [p, t] = [pattern[i], template[j]];
        if (p === "*") queue.push([i + 1, j]); // the star ends
        if (t === null) queue.push([i, j + 1]); // the free part ends
        if (p === "*" && t !== null && t !== undefined) queue.push([i, j + 1]); // the star reads the ARN's character
        else if (p !== undefined && p !== "*" && t === null && p !== ":" && p !== "/") queue.push([i + 1, j]); // the free part reads the pattern's
        else if (p !== undefined && p === t) queue.push([i + 1, j + 1]);
    }
    return false;
}

/** What one Cedar permit may allow: callers (IAM ARN patterns, every one must match), tools (`*` every tool), the gateway (undefined: every one). */
interface CedarPermitScope {
    callers: string[];
    tools: string[];
    gatewayArn?: string;
}

/** A Cedar token: a string literal's raw text (escapes kept) or a word, operator or punctuation mark. */
type CedarToken = { literal: string } | string;

/** Whitespace, a comment (Cedar ends one at a newline or a carriage return), a string literal, a word, an operator, any other character. */
const CEDAR_TOKEN = /\s+|\/\/[^\n\r]*|"((?:[^"\\]|\\.)*)"|[A-Za-z_][A-Za-z0-9_]*|::|&&|\|\||[=!<>]=|[^]/gy;

/** Splits tokens at a separator outside brackets. */
function splitTokens(tokens: readonly CedarToken[], separator: string): CedarToken[][] {
    const parts: CedarToken[][] = [[]];
    let depth = 0;
    for (const token of tokens) {
        if (token === "(" || token === "[" || token === "{") depth++;
        if (token === ")" || token === "]" || token === "}") depth--;
        if (depth === 0 && token === separator) parts.push([]);
        else parts[parts.length - 1].push(token);
    }
    return parts;
}

/** The tokens between the bracket at `open` and its match (to the end when unmatched). */
function bracketed(tokens: readonly CedarToken[], open: number): CedarToken[] {
    let depth = 0;
    for (let i = open; i < tokens.length; i++) {
        if (tokens[i] === "(" || tokens[i] === "[" || tokens[i] === "{") depth++;
        if ((tokens[i] === ")" || tokens[i] === "]" || tokens[i] === "}") && --depth === 0) return tokens.slice(open + 1, i);
    }
    return tokens.slice(open + 1);
}

/**
 * A string literal's value, its escapes (`\n`, `\"`, `\x41`, `\u{52}`, …) read as Cedar reads them;
 * undefined for an escape Cedar does not know, and for `\*` (a literal star, only in `like` patterns).
 */
function unescaped(raw: string): string | undefined {
    const named: Record<string, string> = { n: "\n", r: "\r", t: "\t", 0: "\0", "\\": "\\", "'": "'", '"': '"' };
    let bad = false;
    const value = raw.replace(/\\(?:x([0-7][0-9a-fA-F])|u\{([0-9a-fA-F]{1,6})\}|([^]))/g, (_, hex: string | undefined, code: string | undefined, char: string | undefined) => {
        if (hex !== undefined || (code !== undefined && parseInt(code, 16) <= 0x10ffff)) return String.fromCodePoint(parseInt(hex ?? code!, 16));
        if (char !== undefined && Object.hasOwn(named, char)) return named[char];
        bad = true;
        return "";
    });
    return bad ? undefined : value;
}

/** The values of the string literals among the tokens; undefined when one cannot be read. */
function literalsOf(tokens: readonly CedarToken[]): string[] | undefined {
    const values = tokens.flatMap((t) => (typeof t === "string" ? [] : [unescaped(t.literal)]));
    return values.every((v): v is string => v !== undefined) ? values : undefined;
}

/** The scope of each policy of a statement that is not a `forbid` (annotations and comments skipped); what cannot be read is unconstrained. */
export function cedarPermitScopes(statement: string): CedarPermitScope[] {
    const tokens: CedarToken[] = [];
    for (const match of statement.matchAll(CEDAR_TOKEN)) {
        if (match[1] !== undefined) tokens.push({ literal: match[1] });
        else if (!/^\s|^\/\//.test(match[0])) tokens.push(match[0]);
    }
    const scopes: CedarPermitScope[] = [];
    for (const policy of splitTokens(tokens, ";").filter((p) => p.length > 0)) {
        // Annotations: `@name` or `@name("value")`.
        let at = 0;
        while (policy[at] === "@") at += policy[at + 2] === "(" ? 5 : 2;
        if (policy[at] === "forbid") continue;
        const head = policy[at + 1] === "(" ? bracketed(policy, at + 1) : [];
        const [principal = [], action = [], resource = []] = splitTokens(head, ",");
        const callers: string[] = [];
        // `principal == AgentCore::IamEntity::"<arn>"`: that caller only.
        if (principal[1] === "==") callers.push(...literalsOf(principal) ?? []);
        // A `when` clause that is a conjunction: its `principal.id like "<pattern>"` and `principal.id == "<arn>"`.
        policy.forEach((keyword, k) => {
            const body = keyword === "when" && policy[k + 1] === "{" ? bracketed(policy, k + 1) : [];
            if (body[0] === "if" || splitTokens(body, "||").length > 1) return;
            for (const c of splitTokens(body, "&&")) {
                const [p, dot, id, op, value] = c;
                if (c.length === 5 && p === "principal" && dot === "." && id === "id" && (op === "like" || op === "==")) callers.push(...literalsOf([value]) ?? []);
            }
        });
        const toolOf = (id: string) => (id.includes("___") ? id.replace("___", "/") : "*");
        const named = literalsOf(action);
        const tools = named === undefined ? ["*"]
            : action[1] === "==" ? named.filter((id) => id.includes("___")).map(toolOf)
                : action[1] === "in" ? named.map(toolOf) : ["*"];
        const gatewayArn = resource[1] === "==" ? literalsOf(resource)?.[0] : undefined;
        scopes.push({ callers, tools: [...new Set(tools)], ...(gatewayArn !== undefined ? { gatewayArn } : {}) });
    }
    return scopes;
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
