/**
 * Fleet settings as rules: how a `kind: Fleet` document combines with settings from code (it may only
 * tighten them), and the checks every setting that reaches a trust policy, a name or a namespace passes.
 * Defaults and fixed limits are in model/settings.ts.
 */
import { accountOfArn, AWS_ACCOUNT_ID, AWS_REGION, EKS_CLUSTER_NAME, SETTING_ARNS } from "../connectors/arnGrammar";
import type { FieldPath, Violation } from "../declarations/diagnostics";
import { canonicalJson } from "../declarations/digest";
import { isDns1123Label } from "../declarations/names";
import type { FleetSettings, SeparationOfDutiesRule } from "../declarations/types";
import { hasWildcard } from "../connectors/wildcards";
import { dutyRuleViolations } from "./separationOfDuties";
import { MAX_LIFETIME_CEILING_DAYS, resolveSettings, ResolvedSettings, SYSTEM_NAMESPACES } from "../model/settings";

/** Settings a Fleet document may only tighten when the program sets them too; every other one must agree. */
const TIGHTENED: readonly (keyof FleetSettings)[] = ["maxLifetimeDays", "x509SvidTtl", "jwtSvidTtl", "allowedNamespaces", "trustedAccountIds", "oauthClientSharing", "separationOfDuties"];

/**
 * Settings from code (AgentFleet args) combined with a Fleet document: the document may add settings the
 * program leaves open and tighten limits (a shorter lifetime, fewer namespaces or accounts, shorter SVIDs,
 * per-agent OAuth clients), never loosen or replace what the program set (a boundary, a trust anchor, an
 * OIDC provider, gateways, accounts): those must agree.
 */
export function mergeFleetSettings(fromCode: FleetSettings | undefined, fromDocument: FleetSettings | undefined): { settings: ResolvedSettings; violations: Violation[] } {
    const code = fromCode ?? {};
    // A key set to undefined (a Fleet document written in code) is a key left out: spread over the program's settings, it cleared them.
    const doc: FleetSettings = Object.fromEntries(Object.entries(fromDocument ?? {}).filter(([, value]) => value !== undefined));
    const merged = resolveSettings({ ...code, ...doc });
    const violations: Violation[] = [];
    const lowest = (key: "maxLifetimeDays" | "x509SvidTtl" | "jwtSvidTtl") => {
        const values = [code[key], doc[key]].filter((d): d is number => d !== undefined);
        if (values.length > 0) merged[key] = Math.min(...values);
    };
    lowest("maxLifetimeDays");
    lowest("x509SvidTtl");
    lowest("jwtSvidTtl");
    const intersect = (key: "allowedNamespaces" | "trustedAccountIds", fromCode: string[] | undefined) => {
        if (fromCode && doc[key]) merged[key] = fromCode.filter((v) => doc[key]!.includes(v));
    };
    intersect("allowedNamespaces", code.allowedNamespaces);
    // A program that names its account and no others trusts no other account: a document cannot add one.
    intersect("trustedAccountIds", code.trustedAccountIds ?? (code.awsAccountId !== undefined ? [] : undefined));
    if (code.oauthClientSharing === "perAgent" || doc.oauthClientSharing === "perAgent") merged.oauthClientSharing = "perAgent";
    if (code.separationOfDuties && doc.separationOfDuties) {
        const rules = mergeDutyRules(code.separationOfDuties, doc.separationOfDuties);
        merged.separationOfDuties = rules.merged;
        violations.push(...rules.violations);
    }
    for (const key of Object.keys(doc) as (keyof FleetSettings)[]) {
        if (TIGHTENED.includes(key) || code[key] === undefined) continue;
        if (key === "independentApproval" && doc.independentApproval === true) continue; // requiring it tightens; lifting it is reported below
        if (canonicalJson(code[key]) !== canonicalJson(doc[key])) {
            violations.push({ path: ["spec", key], rule: "fleet-setting", message: `the Fleet document sets ${key} ${canonicalJson(doc[key])} but the program sets ${canonicalJson(code[key])}; a document beside the agents may tighten the program's settings, never replace them — make them agree` });
            Object.assign(merged, { [key]: code[key] });
        }
    }
    return { settings: merged, violations };
}

/**
 * Separation-of-duties rules combine as a union: the document adds rules to the program's. A document rule
 * named like one of the program's must be the same rule — it cannot replace (and so loosen) it.
 */
function mergeDutyRules(fromCode: SeparationOfDutiesRule[], fromDocument: SeparationOfDutiesRule[]): { merged: SeparationOfDutiesRule[]; violations: Violation[] } {
    const violations: Violation[] = [];
    // The document's rules keep their positions (checks report them there); the program's others follow.
    const merged = fromDocument.map((rule, i) => {
        const program = fromCode.find((r) => r.name === rule.name);
        if (program && canonicalJson(program) !== canonicalJson(rule)) {
            violations.push({ path: ["spec", "separationOfDuties", i], rule: "fleet-setting", message: `the Fleet document's separation-of-duties rule "${rule.name}" differs from the program's rule of that name; a document may add rules, never replace one — rename it or make it agree` });
        }
        return program ?? rule;
    });
    return { merged: [...merged, ...fromCode.filter((r) => !fromDocument.some((d) => d.name === r.name))], violations };
}

/** Every problem with fleet settings, paths relative to the Fleet document's root. */
export function checkSettings(settings: FleetSettings): Violation[] {
    const violations: Violation[] = [];
    const add = (path: FieldPath, rule: string, message: string) => violations.push({ path: ["spec", ...path], rule, message });
    if (settings.maxLifetimeDays !== undefined && (!Number.isInteger(settings.maxLifetimeDays) || settings.maxLifetimeDays < 1 || settings.maxLifetimeDays > MAX_LIFETIME_CEILING_DAYS)) {
        add(["maxLifetimeDays"], "fleet-setting", `maxLifetimeDays ${settings.maxLifetimeDays} is outside 1-${MAX_LIFETIME_CEILING_DAYS}: no agent may live longer than ${MAX_LIFETIME_CEILING_DAYS} days`);
    }
    if (settings.awsAccountId !== undefined && !AWS_ACCOUNT_ID.test(settings.awsAccountId)) {
        add(["awsAccountId"], "fleet-setting", `awsAccountId "${settings.awsAccountId}" is not a 12-digit AWS account ID`);
    }
    if (settings.awsRegion !== undefined && !AWS_REGION.test(settings.awsRegion)) {
        add(["awsRegion"], "fleet-setting", `awsRegion "${settings.awsRegion}" is not an AWS region such as us-east-1`);
    }
    (settings.trustedAccountIds ?? []).forEach((id, i) => {
        if (!AWS_ACCOUNT_ID.test(id)) add(["trustedAccountIds", i], "fleet-setting", `"${id}" is not a 12-digit AWS account ID`);
    });
    if (settings.defaultNamespace !== undefined) {
        violations.push(...namespaceViolations(settings.defaultNamespace, settings, ["spec", "defaultNamespace"]));
    }
    (settings.allowedNamespaces ?? []).forEach((ns, i) => {
        if (!isDns1123Label(ns)) add(["allowedNamespaces", i], "kubernetes-name", `namespace "${ns}" is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)`);
    });
    for (const key of ["oidcProviderArn", "trustAnchorArn", "permissionsBoundaryArn"] as const) {
        if (settings[key] !== undefined) violations.push(...trustSettingViolations(key, settings[key]!, settings, ["spec", key]));
    }
    if (settings.clusterName !== undefined) violations.push(...clusterNameViolations(settings.clusterName, ["spec", "clusterName"]));
    for (const [gateway, arn] of Object.entries(settings.gateways ?? {})) {
        violations.push(...trustSettingViolations("gateway", arn, settings, ["spec", "gateways", gateway]));
    }
    if (settings.separationOfDuties) violations.push(...dutyRuleViolations(settings.separationOfDuties, ["spec", "separationOfDuties"]));
    return violations;
}

/**
 * An ARN setting that reaches a trust policy, a boundary or Cedar: the right service and resource type,
 * no wildcard, and (when the fleet names its account) the fleet's account or one it trusts.
 */
export function trustSettingViolations(kind: keyof typeof SETTING_ARNS, arn: string, settings: FleetSettings, path: FieldPath): Violation[] {
    const grammar = SETTING_ARNS[kind];
    const label = kind === "gateway" ? "gateway ARN" : kind;
    if (hasWildcard(arn)) return [{ path, rule: "trust-setting", message: `${label} "${arn}" holds a wildcard; it must name exactly one resource, e.g. ${grammar.example}` }];
    if (!grammar.pattern.test(arn)) return [{ path, rule: "trust-setting", message: `${label} "${arn}" is not ${grammar.what} ARN; expected the form ${grammar.example}` }];
    const account = accountOfArn(arn);
    if (kind === "permissionsBoundaryArn" && account === "aws") {
        return [{ path, rule: "trust-setting", message: `${label} "${arn}" is an AWS managed policy; a boundary must be the platform team's own policy (AWS managed ones such as AdministratorAccess bound nothing an agent holds)` }];
    }
    const allowed = settings.awsAccountId === undefined ? undefined : [settings.awsAccountId, ...(settings.trustedAccountIds ?? [])];
    if (allowed && account !== "aws" && !allowed.includes(account)) {
        return [{ path, rule: "trust-setting", message: `${label} "${arn}" is in account ${account}, not the fleet's account ${settings.awsAccountId}; list ${account} in the Fleet's trustedAccountIds if that is intended` }];
    }
    return [];
}

/** EKS cluster names as EKS accepts them. */
export function clusterNameViolations(name: string, path: FieldPath): Violation[] {
    return EKS_CLUSTER_NAME.test(name) ? [] : [{ path, rule: "trust-setting", message: `clusterName "${name}" is not an EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)` }];
}

/** A namespace an agent lives in or is granted: a DNS-1123 label, allowed by the fleet, not a system namespace unless listed. */
export function namespaceViolations(namespace: string, settings: FleetSettings, path: FieldPath): Violation[] {
    if (hasWildcard(namespace)) return []; // the wildcard guardrail reports it
    if (!isDns1123Label(namespace)) {
        return [{ path, rule: "kubernetes-name", message: `namespace "${namespace}" is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)` }];
    }
    const allowed = settings.allowedNamespaces;
    if (allowed ? !allowed.includes(namespace) : SYSTEM_NAMESPACES.includes(namespace)) {
        return [{
            path, rule: "kubernetes-namespace",
            message: allowed
                ? `namespace "${namespace}" is not in the fleet's allowedNamespaces (${allowed.join(", ") || "none"}); add it to the Fleet document if agents belong there`
                : `namespace "${namespace}" belongs to the cluster itself (${SYSTEM_NAMESPACES.join(", ")}); agents are placed or granted there only when the Fleet's allowedNamespaces lists it`,
        }];
    }
    return [];
}
