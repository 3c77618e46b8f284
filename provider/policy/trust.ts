/**
 * The trust of an agent role, checked statement by statement against the mode table the builder
 * writes from (TRUST_MODES): exactly the mode's principal, only its actions, every pin with its exact
 * operator and one exact value, one account, and an expiry that matches the role's tag and the lifetime.
 */
import { accountOfArn } from "../connectors/arnGrammar";
import { addDays, formatInstant, parseInstant } from "../declarations/clock";
import { hasWildcard } from "../connectors/wildcards";
import { EXPIRY_CONDITION, oidcIssuerOf, TRUST_MODES, TrustMode, trustModeOfPrincipal } from "../model/trustModes";
import { AgentRole } from "./agentRoles";
import { conditionValue, IamStatement, isAllow, listOf, operatorsWithKey, ResolvedGuardrailConfig, statementLabel } from "./resourceView";
import { AWS_SESSION_SECONDS } from "../model/settings";

/** Sessions of an agent role last at most an hour. */
const MAX_SESSION_SECONDS = AWS_SESSION_SECONDS.max;

/** The principal of every mode, for messages. */
const PRINCIPALS = Object.values(TRUST_MODES).map((m) => `${m.principal.kind === "Service" ? m.principal.service : "an IAM OIDC provider"} (${m.mode})`).join(", ");

/**
 * Text the AWS provider may read as a number of seconds although it is not plain digits: Go's
 * `strconv.ParseInt(text, 0, 0)` (the Terraform SDK's string-to-int) takes a sign, a 0x/0o/0b prefix and
 * underscores (`"+43200"`, `"0xA8C0"`, `"43_200"`); cty's string-to-number takes a fraction and an exponent
 * (`"43200.0"`, `"4e4"`).
 */
const GO_INTEGER = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)$/;
const CTY_NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * A role's maxSessionDuration in seconds: a number, or whole-number text (a YAML program or config may pass
 * `"43200"`; the provider reads it as a number). `"unreadable"` for other text the provider may still read
 * as a number (see GO_INTEGER, CTY_NUMBER), which the pack cannot check; anything else (`"12h"`, a list) is
 * left to the provider to refuse.
 */
function sessionSecondsOf(value: unknown): number | "unreadable" | undefined {
    if (typeof value === "number") return value;
    if (typeof value !== "string") return undefined;
    if (/^\s*\d+\s*$/.test(value)) return Number(value);
    return GO_INTEGER.test(value) || CTY_NUMBER.test(value) ? "unreadable" : undefined;
}

/** Problems with the trust of one agent role, each naming the statement and the fix. */
export function trustProblems(agent: AgentRole, config: ResolvedGuardrailConfig, expiresTag: string | undefined, deferUnknown: boolean): string[] {
    const out: string[] = [];
    const duration = sessionSecondsOf(agent.role.props.maxSessionDuration);
    if (duration === "unreadable") {
        out.push(`has maxSessionDuration ${JSON.stringify(agent.role.props.maxSessionDuration)}, which the AWS provider may read as a number of seconds (a sign, a base prefix, underscores, a fraction or an exponent) but the pack cannot check; write it as whole seconds, ${MAX_SESSION_SECONDS} or less`);
    } else if (duration !== undefined && duration > MAX_SESSION_SECONDS) {
        out.push(`allows sessions of ${duration}s; agents get at most ${MAX_SESSION_SECONDS}s — set maxSessionDuration to ${MAX_SESSION_SECONDS} or less`);
    }
    const trust = agent.trust;
    if (trust.kind === "unknown") {
        if (!deferUnknown) out.push("has a trust policy that is not known at preview (it is computed from other resources' outputs), so nobody can review who may assume it — write it from known values");
        return out;
    }
    if (trust.kind === "invalid") return [...out, `has a trust policy the pack cannot read: ${trust.reason}`];
    const allows = trust.kind === "known" ? trust.statements.map((s, i) => [s, i] as const).filter(([s]) => isAllow(s)) : [];
    if (allows.length === 0) out.push("has no Allow statement in its trust policy; an agent role trusts exactly one workload");
    for (const [s, i] of allows) {
        for (const problem of statementProblems(s, config, expiresTag)) out.push(`trust ${statementLabel(s, i)} ${problem}`);
    }
    return out;
}

function statementProblems(s: IamStatement, config: ResolvedGuardrailConfig, expiresTag: string | undefined): string[] {
    const out: string[] = [];
    if (s.NotPrincipal !== undefined) out.push(`uses NotPrincipal, which admits every principal except the ones listed; name the one principal in Principal (${PRINCIPALS})`);
    if (s.NotAction !== undefined) out.push("uses NotAction, which allows every action except the ones listed; list the mode's actions in Action");
    const { mode, problem, federated } = principalOf(s);
    if (problem) out.push(problem);
    out.push(...expiryProblems(s, config, expiresTag));
    if (!mode) return out;

    for (const action of listOf(s.Action)) {
        if (!mode.actions.some((a) => a.toLowerCase() === action.toLowerCase())) {
            out.push(`allows ${JSON.stringify(action)}; ${mode.mode} trust allows only ${mode.actions.join(", ")}`);
        }
    }
    const issuer = federated === undefined ? "" : oidcIssuerOf(federated);
    const accounts = new Map<string, string>();
    for (const pin of mode.pins) {
        const key = pin.key(issuer);
        const value = conditionValue(s, pin.operator, key);
        if (value === undefined) {
            const elsewhere = operatorsWithKey(s, key, pin.operator);
            out.push(`does not pin ${pin.what}: add ${pin.operator} ${JSON.stringify(key)}: ${JSON.stringify(pin.example)}`
                + (elsewhere.length > 0 ? ` (it reads ${key} with ${elsewhere.join(", ")}, which admits other values or none)` : ""));
            continue;
        }
        const values = listOf(value);
        if (values.length !== 1 || values.length !== (Array.isArray(value) ? value.length : 1)) {
            out.push(`pins ${pin.what} (${key}) to ${JSON.stringify(value)}; it must name exactly one, e.g. ${JSON.stringify(pin.example)}`);
            continue;
        }
        const [v] = values;
        if (hasWildcard(v)) out.push(`pins ${pin.what} (${key}) with the pattern ${JSON.stringify(v)}; "*" and "?" match other workloads — name exactly one, e.g. ${JSON.stringify(pin.example)}`);
        else if (!pin.accepts(v)) out.push(`pins ${pin.what} (${key}) to ${JSON.stringify(v)}, which is not one; expected e.g. ${JSON.stringify(pin.example)}`);
        else if (v.startsWith("arn:")) accounts.set(key, accountOfArn(v));
        else if (key === "aws:SourceAccount") accounts.set(key, v);
    }
    const sourceAccount = listOf(conditionValue(s, "StringEquals", "aws:SourceAccount"));
    if (!accounts.has("aws:SourceAccount") && sourceAccount.length === 1) accounts.set("aws:SourceAccount", sourceAccount[0]);
    if (new Set(accounts.values()).size > 1) {
        out.push(`names more than one account (${[...accounts].map(([k, a]) => `${k}: ${a}`).join(", ")}); the source account and every ARN it pins must be the same account`);
    }
    return out;
}

/** The mode a statement's principal belongs to, or why it belongs to none. */
function principalOf(s: IamStatement): { mode?: TrustMode; problem?: string; federated?: string } {
    const p = s.Principal;
    if (p === undefined) return s.NotPrincipal === undefined ? { problem: `has no Principal; name exactly one (${PRINCIPALS})` } : {};
    if (p === "*") return { problem: `admits every principal ("*"); an agent role trusts exactly one: ${PRINCIPALS}` };
    if (p === null || typeof p !== "object" || Array.isArray(p)) return { problem: `has a Principal the pack cannot read (${JSON.stringify(p)}); name exactly one: ${PRINCIPALS}` };
    const entries = Object.entries(p as Record<string, unknown>);
    const foreign = entries.filter(([kind]) => kind !== "Service" && kind !== "Federated");
    if (foreign.length > 0) {
        return { problem: `admits ${foreign.map(([kind, v]) => `${kind} principals (${JSON.stringify(v)})`).join(", ")}; an agent role trusts only its workload's service or OIDC provider (${PRINCIPALS}), never IAM users, roles or accounts` };
    }
    const principals = entries.flatMap(([kind, v]) => listOf(v).map((value) => ({ kind, value })));
    if (principals.length !== 1) return { problem: `admits ${principals.length} principals (${JSON.stringify(p)}); an agent role trusts exactly one` };
    const [{ kind, value }] = principals;
    const mode = trustModeOfPrincipal(kind, value);
    if (!mode) return { problem: `trusts ${kind} ${JSON.stringify(value)}, which is no agent trust mode; trust exactly one of ${PRINCIPALS}` };
    return { mode, federated: kind === "Federated" ? value : undefined };
}

/** The statement ends at the agent's expiry: DateLessThan aws:CurrentTime, equal to the expiry tag, within the lifetime. */
function expiryProblems(s: IamStatement, config: ResolvedGuardrailConfig, expiresTag: string | undefined): string[] {
    const { operator, key } = EXPIRY_CONDITION;
    const value = conditionValue(s, operator, key);
    if (value === undefined) return [`has no ${operator} ${key} condition, so it never expires; add ${operator} {"${key}": "<the agent's expiry>"}${expiresTag ? ` (${expiresTag}, its agentid:expires-at tag)` : ""}`];
    const [text] = listOf(value);
    const ends = text === undefined || listOf(value).length !== 1 ? undefined : parseInstant(text);
    if (!ends) return [`has ${operator} ${key} ${JSON.stringify(value)}, which is not one date-time; write the agent's expiry, e.g. 2027-01-15T00:00:00Z`];
    const out: string[] = [];
    const tagged = expiresTag === undefined ? undefined : parseInstant(expiresTag);
    if (tagged && tagged.getTime() !== ends.getTime()) {
        out.push(`ends at ${text} but the role's agentid:expires-at tag says ${expiresTag}; make the trust's ${operator} ${key} equal the tag`);
    }
    const latest = addDays(config.now, config.maxLifetimeDays);
    if (ends.getTime() > latest.getTime()) {
        out.push(`ends at ${text}, more than ${config.maxLifetimeDays} days after now (${formatInstant(config.now)}); end it on or before ${formatInstant(latest)}`);
    }
    return out;
}
