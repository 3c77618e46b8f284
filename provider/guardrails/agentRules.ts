/**
 * The guardrails of an agent declaration: one module, called by the loader (`agentid validate`),
 * the Agent/AgentFleet components and the policy pack. Each rule has a stable id.
 */
import { catalog } from "../connectors/catalog";
import { addDays, formatInstant, parseInstant } from "../declarations/clock";
import type { FieldPath, Violation } from "../declarations/diagnostics";
import { grantsDigest } from "../declarations/digest";
import { isAgentName, isDns1123Subdomain, isEmail, isSpireReservedId, isSpireServerId } from "../declarations/names";
import { defaultSpiffeIdOf, kubernetesIdentityOf, placeholderContext } from "../model/resolvedAgent";
import { clusterNameViolations, namespaceViolations, trustSettingViolations } from "./fleetSettings";
import { MAX_LIFETIME_CEILING_DAYS, ResolvedSettings } from "../model/settings";
import type { ExpansionContext } from "../connectors/contract";
import type { AgentDeclaration, FleetSettings } from "../declarations/types";
import { hasWildcard } from "../connectors/wildcards";
import { TRUST_MODES } from "../model/trustModes";
import { isSharded, shardKeyOf, shardLabelOf, stackNameOf } from "../model/shards";

/** Every rule id this module (and the schema mapping) can report, for docs and tests. */
export const RULES = [
    "yaml-syntax", "required-field", "unknown-field", "invalid-type", "invalid-value", "duplicate-name",
    "name-format", "contact-email", "date-invalid", "expiry-too-far", "review-after-expiry",
    "wildcard-resource", "wildcard-action", "iam-sensitive-action", "permissions-management", "escalation-action",
    "action-resource-mismatch", "unknown-action", "unknown-connector",
    "connector-field", "resource-format", "kubernetes-verb", "kubernetes-name", "kubernetes-namespace", "oauth-scope",
    "approval-required", "grants-digest-mismatch", "spiffe-trust-domain", "spiffe-id", "identity-shared", "spire-selectors",
    "spire-entry", "expiry-unenforced", "trust-setting", "tag-value", "fleet-setting", "missing-setting", "missing-identity", "fleet-duplicate",
    "approver-is-owner", "file-unusable", "stack-shard", "separation-of-duties",
] as const;

/** IAM tag values (owner team and contact land in tags): at most 256 letters, digits, spaces and `_.:/=+-@`. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * All violations of one agent declaration that passed the schema. Paths are from the document root.
 * `now` decides the lifetime rule; an agent that has already expired is valid (it is reported expired).
 * Rules that compare agents with each other (one identity, one agent) are in ./identities.ts.
 */
export function checkAgent(decl: AgentDeclaration, settings: ResolvedSettings, now: Date, known?: KnownFacts): Violation[] {
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
    for (const field of ["team", "contact"] as const) {
        if (!TAG_VALUE.test(spec.owner[field])) {
            add(["spec", "owner", field], "tag-value", `owner ${field} "${spec.owner[field]}" cannot be an AWS tag value (at most 256 letters, digits, spaces and _ . : / = + - @); the role carries it as a tag`);
        }
    }

    const expiresAt = parseInstant(spec.expiresAt);
    if (!expiresAt) {
        add(["spec", "expiresAt"], "date-invalid", `expiresAt "${spec.expiresAt}" is not a real date; write an RFC 3339 date-time (2027-02-28T00:00:00Z) or a date (2027-02-28)`);
    } else {
        const latest = addDays(now, settings.maxLifetimeDays);
        // The hard ceiling counts from the real clock too: an injected "now" in the future cannot stretch it.
        const ceiling = addDays(new Date(Math.min(now.getTime(), Date.now())), MAX_LIFETIME_CEILING_DAYS);
        if (expiresAt.getTime() > latest.getTime()) {
            add(["spec", "expiresAt"], "expiry-too-far", `expiresAt ${formatInstant(expiresAt)} is more than ${settings.maxLifetimeDays} days after now (${formatInstant(now)}); set it on or before ${formatInstant(latest)}`);
        } else if (expiresAt.getTime() > ceiling.getTime()) {
            add(["spec", "expiresAt"], "expiry-too-far", `expiresAt ${formatInstant(expiresAt)} is more than ${MAX_LIFETIME_CEILING_DAYS} days after today (${formatInstant(new Date())}), the ceiling no clock setting moves; set it on or before ${formatInstant(ceiling)}`);
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
    checkGrantPlacement(decl, settings, add);
    checkShard(decl, settings, add);

    const validGrants: number[] = [];
    spec.grants.forEach((grant, i) => {
        const before = violations.length;
        for (const v of catalog.validate(grant)) add(["spec", "grants", i, ...v.path], v.rule, v.message);
        if (violations.length === before) validGrants.push(i);
    });

    if (validGrants.length === spec.grants.length) {
        const expansions = catalog.expand(spec.grants, { ...placeholderContext(name, settings), ...(known?.sharedOauthScopes ? { sharedOauthScopes: known.sharedOauthScopes } : {}) });
        if (!spec.approval) {
            for (const e of expansions.filter((x) => x.needsApproval)) {
                const beyond = e.oauth ? e.oauth.effectiveScopes.filter((s) => !e.oauth!.scopes.includes(s)) : [];
                const why = beyond.length > 0 ? ` — its OAuth client, shared with ${e.oauth!.sharedWith.join(", ")}, also serves ${beyond.join(", ")} (or set the Fleet's oauthClientSharing: perAgent)` : "";
                add(["spec", "grants", e.index], "approval-required", `grant ${e.index} (${e.connector}, ${e.access}, risk ${e.risk}) needs spec.approval with a ticket and approvers before it can be applied${why}`);
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
        const digest = known?.grantsDigest ?? grantsDigest(spec.grants);
        if (spec.approval.grantsDigest !== digest) {
            add(["spec", "approval", "grantsDigest"], "grants-digest-mismatch", `grantsDigest does not match spec.grants (now ${digest}); the grants changed after approval — get them re-approved, then paste the output of \`agentid digest --agent ${name}\``);
        }
    }
    return violations;
}

/** What the caller already knows of the agent: its fleet's shared OAuth scopes, and its grants' digest when computed from these grants. */
export interface KnownFacts extends Pick<ExpansionContext, "sharedOauthScopes"> {
    grantsDigest?: string;
}

type Add = (path: FieldPath, rule: string, message: string) => void;

/** In a fleet sharded by a label, every agent carries a value for it: otherwise no stack would hold it. */
function checkShard(decl: AgentDeclaration, settings: ResolvedSettings, add: Add): void {
    const label = isSharded(settings) ? shardLabelOf(settings.stacks) : undefined;
    if (label === undefined || decl.metadata.labels?.[label]?.trim()) return;
    const at = decl.metadata.labels ? ["metadata", "labels"] : ["metadata"];
    add(at, "stack-shard", `the fleet is split into stacks by label "${label}" (spec.stacks.by), but agent ${decl.metadata.name} has no value for it; add metadata.labels.${label} so it belongs to a stack`);
}

/**
 * One stack, one label value: for each agent (same order as given), a violation when its value gives the
 * stack name of another value already seen (a readable value can spell another's hashed name), which
 * would put it silently into that stack. `where(i)` names agent i's declaration, e.g. `agents/b.yaml:5`.
 */
export function stackNameClashViolations(decls: readonly AgentDeclaration[], settings: ResolvedSettings, where: (index: number) => string): Violation[][] {
    if (!isSharded(settings)) return decls.map(() => []);
    const label = shardLabelOf(settings.stacks);
    const what = label === undefined ? "team" : `label ${label}`;
    const path: FieldPath = label === undefined ? ["spec", "owner", "team"] : ["metadata", "labels", label];
    const firstByStack = new Map<string, { key: string; index: number }>();
    return decls.map((decl, i) => {
        const key = shardKeyOf(decl, settings.stacks);
        if (!key?.trim()) return [];
        const stack = stackNameOf(key, settings.stacks);
        const first = firstByStack.get(stack);
        if (first === undefined) firstByStack.set(stack, { key, index: i });
        if (first === undefined || first.key === key) return [];
        const other = decls[first.index].metadata.name;
        return [{ path, rule: "stack-shard", message: `${what} "${key}" gives stack ${stack}, which agent "${other}" (${label === undefined ? "team" : "label"} "${first.key}", ${where(first.index)}) already has; a stack holds the agents of one value — change one of the two values` }];
    });
}

/** The SPIFFE ID, Kubernetes names, AWS trust settings and SPIRE entry of one agent. */
function checkIdentity(decl: AgentDeclaration, settings: ResolvedSettings, add: Add): void {
    const identity = decl.spec.identity ?? {};
    const name = decl.metadata.name;
    const domain = settings.trustDomain;
    const inDomain = (id: string) => id.startsWith(`spiffe://${domain}/`) || id === `spiffe://${domain}`;
    const spiffeId = identity.spiffeId ?? defaultSpiffeIdOf(name, domain);
    if (identity.spiffeId !== undefined) {
        const path = ["spec", "identity", "spiffeId"];
        const reserved = /^spiffe:\/\/[^/]+\/agents\/([^/]+)$/.exec(identity.spiffeId)?.[1];
        if (!inDomain(identity.spiffeId)) {
            add(path, "spiffe-trust-domain", `SPIFFE ID ${identity.spiffeId} is outside the fleet's trust domain "${domain}"; use ${defaultSpiffeIdOf(name, domain)}`);
        } else if (identity.spiffeId === `spiffe://${domain}`) {
            add(path, "spiffe-id", `spiffe://${domain} is the trust domain itself, not a workload's ID; use ${defaultSpiffeIdOf(name, domain)}`);
        } else if (isSpireReservedId(identity.spiffeId)) {
            add(path, "spiffe-id", `${identity.spiffeId} is under /spire/, where SPIRE servers and node agents have their own IDs (whoever holds a node's SVID would become this agent); use ${defaultSpiffeIdOf(name, domain)}`);
        } else if (reserved !== undefined && reserved !== name) {
            add(path, "identity-shared", `${identity.spiffeId} is the default SPIFFE ID of an agent named "${reserved}"; IDs under /agents/ are reserved for their agents — use ${defaultSpiffeIdOf(name, domain)} or a path outside /agents/`);
        }
    }

    const k8s = identity.kubernetes;
    if (k8s?.namespace !== undefined) {
        for (const v of namespaceViolations(k8s.namespace, settings, ["spec", "identity", "kubernetes", "namespace"])) add(v.path, v.rule, v.message);
    }
    if (k8s?.serviceAccount !== undefined && !hasWildcard(k8s.serviceAccount) && !isDns1123Subdomain(k8s.serviceAccount)) {
        add(["spec", "identity", "kubernetes", "serviceAccount"], "kubernetes-name", `service account "${k8s.serviceAccount}" is not a Kubernetes name (DNS-1123: lowercase letters, digits, '-' and '.', no ':' or spaces); it becomes the IRSA subject and the manifest's name`);
    } else if (k8s?.serviceAccount !== undefined && hasWildcard(k8s.serviceAccount)) {
        add(["spec", "identity", "kubernetes", "serviceAccount"], "wildcard-resource", `service account "${k8s.serviceAccount}" is a pattern; name exactly one service account`);
    }

    if (k8s?.clusterSpiffeId && !settings.allowClusterSpiffeIds) {
        add(["spec", "identity", "kubernetes", "clusterSpiffeId"], "expiry-unenforced", "a ClusterSPIFFEID has no expiry: the agent's pods would keep receiving its SVID after expiresAt until a pipeline runs; use identity.spire (its entry expires on its own), or accept that with the Fleet's allowClusterSpiffeIds: true and a nightly agentid reap");
    }

    const aws = identity.aws;
    if (aws) {
        const at = (field: string) => ["spec", "identity", "aws", field];
        for (const key of ["oidcProviderArn", "trustAnchorArn", "permissionsBoundaryArn"] as const) {
            if (aws[key] !== undefined) for (const v of trustSettingViolations(key, aws[key]!, settings, at(key))) add(v.path, v.rule, v.message);
        }
        if (aws.permissionsBoundaryArn !== undefined && settings.permissionsBoundaryArn !== undefined && aws.permissionsBoundaryArn !== settings.permissionsBoundaryArn) {
            add(at("permissionsBoundaryArn"), "trust-setting", `the fleet bounds every agent with ${settings.permissionsBoundaryArn}; an agent may not replace it with ${aws.permissionsBoundaryArn} — remove identity.aws.permissionsBoundaryArn`);
        }
        if (aws.clusterName !== undefined) for (const v of clusterNameViolations(aws.clusterName, at("clusterName"))) add(v.path, v.rule, v.message);
        // What the trust mode pins, and whether the agent may set it itself or only the fleet.
        for (const { setting: key, what, perAgent } of TRUST_MODES[aws.trust].needs) {
            const own = perAgent ? aws[key as "trustAnchorArn" | "oidcProviderArn" | "clusterName"] : undefined;
            if (own === undefined && settings[key] === undefined) {
                add(["spec", "identity", "aws"], "missing-setting", `trust ${aws.trust} needs ${what}: set ${perAgent ? `identity.aws.${key} or ` : ""}the fleet's ${key}`);
            }
        }
    }

    const spire = identity.spire;
    if (spire) {
        const at = (...field: (string | number)[]) => ["spec", "identity", "spire", ...field];
        if (!inDomain(spire.parentId)) {
            add(at("parentId"), "spiffe-trust-domain", `parent ID ${spire.parentId} is outside the fleet's trust domain "${domain}"`);
        } else if (spire.parentId === spiffeId) {
            add(at("parentId"), "spire-entry", `parent ID ${spire.parentId} is the agent's own SPIFFE ID; the parent is the node or SPIRE agent the workload runs under`);
        } else if (isSpireServerId(spire.parentId)) {
            add(at("parentId"), "spire-entry", `parent ID ${spire.parentId} is the SPIRE server's own ID, which makes the entry a node entry: every node its selectors match would hold the agent's SVID; the parent is the node or node alias the workload runs under`);
        }
        for (const key of ["x509SvidTtl", "jwtSvidTtl"] as const) {
            if (spire[key] !== undefined && spire[key]! > settings[key]) {
                add(at(key), "spire-entry", `${key} ${spire[key]} s is longer than the fleet allows (${settings[key]} s); agents' SVIDs are short-lived — shorten it or raise the Fleet's ${key}`);
            }
        }
        (spire.dnsNames ?? []).forEach((dns, i) => {
            const outsideAscii = /[^\x00-\x7f]/u.exec(dns);
            if (outsideAscii) {
                const codePoint = `U+${outsideAscii[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
                add(at("dnsNames", i), "spire-entry", `"${dns}" has a character outside ASCII (${codePoint} at ${outsideAscii.index}); a DNS name on an SVID is ASCII — write an internationalised name in its xn-- (punycode) form`);
            }
            else if (hasWildcard(dns)) add(at("dnsNames", i), "spire-entry", `DNS name "${dns}" is a wildcard; an agent's SVID names exact hosts`);
            else if (!isDns1123Subdomain(dns.toLowerCase())) add(at("dnsNames", i), "spire-entry", `"${dns}" is not a DNS name`);
        });
        checkSelectors(decl, settings, spire.selectors, at("selectors"), add);
    }
}

/**
 * SPIRE issues the agent's SVID to workloads matching every selector. Kubernetes selectors must pin one
 * namespace and one service account — the agent's own when it has a Kubernetes identity — so no other
 * workload (or a whole namespace) receives the agent's identity.
 */
function checkSelectors(decl: AgentDeclaration, settings: ResolvedSettings, selectors: readonly string[], path: FieldPath, add: Add): void {
    const values = (prefix: string) => selectors.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
    const namespaces = values("k8s:ns:");
    const accounts = values("k8s:sa:");
    const own = kubernetesIdentityOf(decl, settings);
    if (own) {
        if (namespaces.length !== 1 || namespaces[0] !== own.namespace || accounts.length !== 1 || accounts[0] !== own.serviceAccount) {
            add(path, "spire-selectors", `SPIRE selectors must pin the agent's own service account: exactly k8s:ns:${own.namespace} and k8s:sa:${own.serviceAccount} (found ${[...namespaces.map((n) => `k8s:ns:${n}`), ...accounts.map((a) => `k8s:sa:${a}`)].join(", ") || "neither"})`);
        }
    } else if (selectors.some((s) => s.startsWith("k8s:")) && (namespaces.length !== 1 || accounts.length !== 1)) {
        add(path, "spire-selectors", "Kubernetes selectors must pin one namespace and one service account (k8s:ns:<namespace> and k8s:sa:<name>); anything less gives the agent's SVID to other workloads");
    }
}

/** Where grants land: gateways the fleet knows, namespaces it allows, and an identity for AWS-enforced grants. */
function checkGrantPlacement(decl: AgentDeclaration, settings: ResolvedSettings, add: Add): void {
    const identity = decl.spec.identity ?? {};
    // The fleet's default namespace is checked once, with the fleet's settings.
    for (const [i, grant] of decl.spec.grants.entries()) {
        const connector = catalog.find(grant.connector);
        for (const v of connector?.requiredSettings?.(grant, settings) ?? []) add(["spec", "grants", i, ...v.path], v.rule, v.message);
        if (connector?.platform === "kubernetes" && grant.namespace !== undefined) {
            for (const v of namespaceViolations(grant.namespace, settings, ["spec", "grants", i, "namespace"])) {
                if (v.rule === "kubernetes-namespace") add(v.path, v.rule, v.message); // the name's format is the connector's check
            }
        }
    }
    const needsRole = decl.spec.grants.some((g) => catalog.find(g.connector)?.platform === "aws");
    if (needsRole && !identity.aws) {
        add(["spec", "identity"].slice(0, decl.spec.identity ? 2 : 1), "missing-identity", `AWS, SaaS and gateway-tool grants are enforced on the agent's IAM role: declare identity.aws.trust (irsa, podIdentity, rolesAnywhere or agentcore)`);
    }
}
