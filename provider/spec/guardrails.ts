/**
 * The guardrails of an agent declaration: one module, called by the loader (`agentid validate`),
 * the Agent/AgentFleet components and the policy pack. Each rule has a stable id.
 */
import { catalog } from "../grants/catalog";
import type { ExpansionContext } from "../grants/types";
import { addDays, formatInstant, parseInstant } from "./clock";
import type { FieldPath, Violation } from "./diagnostics";
import { grantsDigest } from "./digest";
import { isAgentName, isEmail } from "./names";
import type { AgentDeclaration, FleetSettings, Grant } from "./types";
import { wildcardActionProblem, wildcardResourceProblem } from "./wildcards";

/** Fleet settings with every default filled in. */
export type ResolvedSettings = Required<Pick<FleetSettings, "trustDomain" | "maxLifetimeDays" | "defaultNamespace" | "x509SvidTtl" | "jwtSvidTtl">> & FleetSettings;

export const DEFAULT_SETTINGS: ResolvedSettings = {
    trustDomain: "example.org",
    maxLifetimeDays: 90,
    defaultNamespace: "agents",
    x509SvidTtl: 900,
    jwtSvidTtl: 300,
};

/** Fills in defaults; explicit `undefined` keeps the default. */
export function resolveSettings(settings: FleetSettings = {}): ResolvedSettings {
    const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    return { ...DEFAULT_SETTINGS, ...defined };
}

/** Every rule id this module (and the schema mapping) can report, for docs and tests. */
export const RULES = [
    "yaml-syntax", "required-field", "unknown-field", "invalid-type", "invalid-value", "duplicate-name",
    "name-format", "contact-email", "date-invalid", "expiry-too-far", "review-after-expiry",
    "wildcard-resource", "wildcard-action", "iam-sensitive-action", "unknown-action", "unknown-connector",
    "connector-field", "resource-format", "kubernetes-verb", "kubernetes-name", "oauth-scope",
    "approval-required", "grants-digest-mismatch", "spiffe-trust-domain", "missing-setting", "missing-identity", "fleet-duplicate",
    "approver-is-owner", "file-unusable",
] as const;

/** Placeholder ARNs for resources that exist only after an update; enough to decide validity. */
export function placeholderContext(agent: string, settings: ResolvedSettings): ExpansionContext {
    return {
        agent,
        defaultNamespace: settings.defaultNamespace,
        oauthProviderArn: (vendor) => `arn:aws:bedrock-agentcore:\${region}:\${account}:token-vault/default/oauth2credentialprovider/agentid-${vendor}`,
        workloadIdentityArn: `arn:aws:bedrock-agentcore:\${region}:\${account}:workload-identity-directory/default/workload-identity/${agent}`,
    };
}

/**
 * All violations of one agent declaration that passed the schema. Paths are from the document root.
 * `now` decides the lifetime rule; an agent that has already expired is valid (it is reported expired).
 */
export function checkAgent(decl: AgentDeclaration, settings: ResolvedSettings, now: Date): Violation[] {
    const violations: Violation[] = [];
    const add = (path: FieldPath, rule: string, message: string) => violations.push({ path, rule, message });
    const { name } = decl.metadata;
    const spec = decl.spec;

    // Names are at most 40 characters, so the role name `agent-<name>` always fits IAM's 64.
    if (!isAgentName(name)) {
        add(["metadata", "name"], "name-format", `agent name "${name}" must be 2-40 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-'`);
    }
    if (!isEmail(spec.owner.contact)) {
        add(["spec", "owner", "contact"], "contact-email", `owner contact "${spec.owner.contact}" is not an e-mail address; give a reachable team address such as team@example.com`);
    }

    const expiresAt = parseInstant(spec.expiresAt);
    if (!expiresAt) {
        add(["spec", "expiresAt"], "date-invalid", `expiresAt "${spec.expiresAt}" is not a real date; write an RFC 3339 date-time (2027-02-28T00:00:00Z) or a date (2027-02-28)`);
    } else {
        const latest = addDays(now, settings.maxLifetimeDays);
        if (expiresAt.getTime() > latest.getTime()) {
            add(["spec", "expiresAt"], "expiry-too-far", `expiresAt ${formatInstant(expiresAt)} is more than ${settings.maxLifetimeDays} days after now (${formatInstant(now)}); set it on or before ${formatInstant(latest)}`);
        }
    }
    if (spec.reviewBy !== undefined) {
        const reviewBy = parseInstant(spec.reviewBy);
        if (!reviewBy) {
            add(["spec", "reviewBy"], "date-invalid", `reviewBy "${spec.reviewBy}" is not a real date; write a date such as 2027-01-31`);
        } else if (expiresAt && reviewBy.getTime() > expiresAt.getTime()) {
            add(["spec", "reviewBy"], "review-after-expiry", `reviewBy ${spec.reviewBy} is after expiresAt ${spec.expiresAt}; review before the agent expires`);
        }
    }

    checkIdentity(decl, settings, add);

    const validGrants: number[] = [];
    spec.grants.forEach((grant, i) => {
        const before = violations.length;
        for (const v of [...wildcardViolations(grant), ...catalog.validate(grant)]) {
            add(["spec", "grants", i, ...v.path], v.rule, v.message);
        }
        if (violations.length === before) validGrants.push(i);
    });

    if (validGrants.length === spec.grants.length) {
        const expansions = catalog.expand(spec.grants, placeholderContext(name, settings));
        if (!spec.approval) {
            for (const e of expansions.filter((x) => x.needsApproval)) {
                add(["spec", "grants", e.index], "approval-required", `grant ${e.index} (${e.connector}, ${e.access}, risk ${e.risk}) needs spec.approval with a ticket and approvers before it can be applied`);
            }
        }
    }
    if (settings.independentApproval && spec.approval) {
        spec.approval.approvers.forEach((approver, i) => {
            if (approver.toLowerCase() === spec.owner.contact.toLowerCase()) {
                add(["spec", "approval", "approvers", i], "approver-is-owner", `approver ${approver} is the owner's contact; this fleet requires independent approval — ask someone outside ${spec.owner.team} to approve`);
            }
        });
    }
    if (spec.approval?.grantsDigest !== undefined) {
        const digest = grantsDigest(spec.grants);
        if (spec.approval.grantsDigest !== digest) {
            add(["spec", "approval", "grantsDigest"], "grants-digest-mismatch", `grantsDigest does not match spec.grants (now ${digest}); the grants changed after approval — get them re-approved, then paste the output of \`agentid digest --agent ${name}\``);
        }
    }
    return violations;
}

function checkIdentity(decl: AgentDeclaration, settings: ResolvedSettings, add: (path: FieldPath, rule: string, message: string) => void): void {
    const identity = decl.spec.identity ?? {};
    const domain = settings.trustDomain;
    const inDomain = (id: string) => id.startsWith(`spiffe://${domain}/`) || id === `spiffe://${domain}`;
    if (identity.spiffeId !== undefined && !inDomain(identity.spiffeId)) {
        add(["spec", "identity", "spiffeId"], "spiffe-trust-domain", `SPIFFE ID ${identity.spiffeId} is outside the fleet's trust domain "${domain}"; use spiffe://${domain}/agents/${decl.metadata.name}`);
    }
    if (identity.spire && !inDomain(identity.spire.parentId)) {
        add(["spec", "identity", "spire", "parentId"], "spiffe-trust-domain", `parent ID ${identity.spire.parentId} is outside the fleet's trust domain "${domain}"`);
    }
    for (const [i, grant] of decl.spec.grants.entries()) {
        const gateway = grant.connector.startsWith("tool.") ? grant.connector.slice("tool.".length) : undefined;
        if (gateway && !settings.gateways?.[gateway]) {
            add(["spec", "grants", i, "connector"], "missing-setting", `gateway "${gateway}" has no ARN: add it to the fleet's gateways (kind: Fleet spec.gateways.${gateway}: arn:aws:bedrock-agentcore:…:gateway/…)`);
        }
    }
    const needsRole = decl.spec.grants.some((g) => g.connector.startsWith("aws.") || g.connector.startsWith("oauth."));
    if (needsRole && !identity.aws) {
        add(["spec", "identity"].slice(0, decl.spec.identity ? 2 : 1), "missing-identity", `AWS and SaaS grants live on the agent's IAM role: declare identity.aws.trust (irsa, podIdentity, rolesAnywhere or agentcore)`);
    }
    const aws = identity.aws;
    if (aws) {
        const needs: Record<string, [keyof FleetSettings, string] | undefined> = {
            rolesAnywhere: ["trustAnchorArn", "a Roles Anywhere trust anchor ARN"],
            irsa: ["oidcProviderArn", "the EKS cluster's IAM OIDC provider ARN"],
            podIdentity: ["clusterName", "the EKS cluster name"],
            agentcore: undefined,
        };
        const need = needs[aws.trust];
        if (need && aws[need[0] as keyof typeof aws] === undefined && settings[need[0]] === undefined) {
            add(["spec", "identity", "aws"], "missing-setting", `trust ${aws.trust} needs ${need[1]}: set identity.aws.${need[0]} or the fleet's ${need[0]}`);
        }
    }
}

/** The wildcard guardrail for AWS grants' explicit actions and resources. */
function wildcardViolations(grant: Grant): Violation[] {
    if (!grant.connector.startsWith("aws.")) return []; // kubernetes and tools check their own fields
    const violations: Violation[] = [];
    (grant.actions ?? []).forEach((action, i) => {
        const problem = wildcardActionProblem(action);
        if (problem) violations.push({ path: ["actions", i], rule: "wildcard-action", message: problem });
    });
    (grant.resources ?? []).forEach((resource, i) => {
        const problem = wildcardResourceProblem(resource);
        if (problem) violations.push({ path: ["resources", i], rule: "wildcard-resource", message: problem });
    });
    return violations;
}
