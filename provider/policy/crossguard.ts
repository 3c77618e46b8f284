/**
 * The guardrails as CrossGuard stack policies: the engine's resources become plain ResourceViews
 * (values unknown at preview marked UNKNOWN rather than thrown), each policy reads its own config,
 * and each finding is reported on the resource it is about.
 */
import type { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { MAX_LIFETIME_CEILING_DAYS, DEFAULT_SETTINGS } from "../model/settings";
import { GUARDRAILS } from "./policies";
import { Guardrail, GuardrailConfig, ResourceView, UNKNOWN } from "./resourceView";

/** @pulumi/policy's markers for unknown values and its proxy's escape hatch: exported by the module, left out of its typings. */
const proxy = require("@pulumi/policy/proxy") as Record<"unknownStringValue" | "unknownNumberValue" | "unknownBooleanValue" | "unknownArrayValue"
    | "unknownObjectValue" | "unknownAssetValue" | "unknownArchiveValue" | "getSpecialProxyTarget", string>;

const SENTINELS = new Set<unknown>([
    proxy.unknownStringValue, proxy.unknownNumberValue, proxy.unknownBooleanValue, proxy.unknownArrayValue,
    proxy.unknownObjectValue, proxy.unknownAssetValue, proxy.unknownArchiveValue,
]);

/** The engine's value with every unknown replaced by UNKNOWN. */
function plain(value: unknown): unknown {
    if (SENTINELS.has(value)) return UNKNOWN;
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    return value;
}

/** The properties behind @pulumi/policy's proxy (which throws on reading an unknown value). */
function unproxied(props: unknown): Record<string, unknown> {
    const proxied = (props ?? {}) as Record<string | symbol, unknown>;
    return (proxied[proxy.getSpecialProxyTarget] ?? proxied) as Record<string, unknown>;
}

/** A resource as the guardrails read it; reading its properties never throws for unknown values. */
export function toResourceView(r: PolicyResource): ResourceView {
    return {
        type: r.type, name: r.name, urn: r.urn, props: plain(unproxied(r.props)) as Record<string, unknown>,
        ...(r.parent ? { parent: r.parent.urn } : {}),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
        ...(r.provider ? { provider: { type: r.provider.type, props: plain(unproxied(r.provider.props)) as Record<string, unknown> } } : {}),
    };
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled"];

/** The default enforcement level: AGENTID_POLICY_ENFORCEMENT, else mandatory; the policy config overrides it per policy. */
export function defaultEnforcement(env: string | undefined = process.env.AGENTID_POLICY_ENFORCEMENT): EnforcementLevel {
    if (env === undefined || env === "") return "mandatory";
    if (!LEVELS.includes(env as EnforcementLevel)) throw new Error(`agentid-guardrails: AGENTID_POLICY_ENFORCEMENT "${env}" is not one of ${LEVELS.join(", ")}`);
    return env as EnforcementLevel;
}

/** Every policy's config: the lifetime and the clock (set them per policy in the policy config file). */
export const CONFIG_SCHEMA = {
    properties: {
        maxLifetimeDays: {
            type: "integer" as const, minimum: 1, maximum: MAX_LIFETIME_CEILING_DAYS, default: DEFAULT_SETTINGS.maxLifetimeDays,
            description: `Longest allowed agent lifetime in days (at most ${MAX_LIFETIME_CEILING_DAYS}).`,
        },
        now: {
            type: "string" as const, pattern: "^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2}))?$",
            description: "The clock for lifetime checks (RFC 3339 date-time or date); default: AGENTID_NOW, then the system clock.",
        },
        separationOfDuties: {
            type: "array" as const,
            description: "agent-separation-of-duties: rules as a Fleet document writes them ({ name, description?, forbid: [{ connector, access, resources? }] }).",
        },
        gateways: {
            type: "object" as const,
            description: "agent-separation-of-duties: AgentCore gateways by name → ARN, for tool.<gateway> duties.",
        },
    },
};

/** One CrossGuard stack policy per guardrail. */
export function stackPolicies(guardrails: readonly Guardrail[] = GUARDRAILS, enforcementLevel: EnforcementLevel = defaultEnforcement()): StackValidationPolicy[] {
    return guardrails.map((guardrail) => ({
        name: guardrail.name,
        description: guardrail.description,
        enforcementLevel,
        configSchema: CONFIG_SCHEMA,
        validateStack: (args, reportViolation) => {
            const resources = args.resources.map(toResourceView);
            for (const v of guardrail.check(resources, args.getConfig<GuardrailConfig>())) reportViolation(v.message, v.urn);
        },
    }));
}
