/**
 * The reverse index: which agents can reach a resource, and with which actions. Each agent is read from
 * the documents it would get (`buildAgentArtefacts`: its IAM policy, RBAC roles, effective OAuth scopes,
 * Cedar permits), so an expired agent reaches nothing and a shared OAuth client's scopes count.
 */
import { ANY_ARN } from "../connectors/arnGrammar";
import { globMatches, resourceMatches, resourceReachesArnPrefix, resourcesOverlap } from "../connectors/arnMatching";
import { secretArnsNamed } from "../connectors/aws";
import { scopesOf, OAUTH_SCOPES } from "../connectors/oauthScopes";
import { serviceAccountsActedAs } from "../connectors/kubernetes";
import { isDns1123Label, isDns1123Subdomain } from "../declarations/names";
import { sharedOauthScopesOf } from "../model/oauthSharing";
import { AwsPermission, awsPermissionsOf, KubernetesPermission, mountedPermissionsOf, rbacPermissionsOf, saasPermissionsOf, StatementLike } from "../model/permissions";
import { resolveAgent, workloadServiceAccountOf } from "../model/resolvedAgent";
import { EXPIRY_CONDITION } from "../model/trustModes";
import type { ResolvedSettings } from "../model/settings";
import type { AgentDeclaration } from "../declarations/types";
import { AgentArtefacts, buildAgentArtefacts } from "../platforms/documents";

/** What `who-can` is asked about. */
export type ReachQuery =
    /** An ARN, or with a trailing `*` every ARN under a prefix. */
    | { kind: "aws"; arn: string; prefix: boolean }
    /** `k8s:<namespace>/<resource>[.<group>][/<name>[/<subresource>]]`, the API's own path form. */
    | { kind: "kubernetes"; namespace: string; resource: string; group?: string; name?: string; subresource?: string }
    | { kind: "saas"; vendor: string; scope?: string }
    | { kind: "tool"; gateway: string; target?: string; tool?: string };

/** The resource forms `who-can` accepts, for `--help` and errors. */
export const QUERY_FORMS = "an AWS ARN (a trailing * asks about everything under a prefix), k8s:<namespace>/<resource>[.<group>][/<name>[/<subresource>]], oauth:<vendor>[:<scope>] or tool:<gateway>[/<target>[/<tool>]]";

/** Parses RESOURCE; throws an Error saying what is wrong and the forms there are. */
export function parseReachQuery(text: string): ReachQuery {
    const bad = (why: string) => new Error(`${JSON.stringify(text)} ${why}; give ${QUERY_FORMS}`);
    if (text.startsWith("arn:")) {
        const prefix = text.endsWith("*");
        const body = prefix ? text.slice(0, -1) : text;
        if (/[*?]|\$\{/.test(body)) throw bad("holds a wildcard other than one trailing *");
        if (!ANY_ARN.test(prefix ? `${body}x` : body) && !(prefix && body.split(":").length < 6)) throw bad("is not an ARN");
        return { kind: "aws", arn: body, prefix };
    }
    if (text.startsWith("k8s:")) {
        const parts = text.slice(4).split("/");
        if (parts.length < 2 || parts.length > 4) throw bad("is not a Kubernetes path");
        const [namespace, qualified, name, subresource] = parts;
        const dot = qualified.indexOf(".");
        const resource = dot < 0 ? qualified : qualified.slice(0, dot);
        const group = dot < 0 ? undefined : qualified.slice(dot + 1);
        if (!isDns1123Label(namespace)) throw bad(`names namespace "${namespace}", which is not a DNS-1123 label`);
        if (!/^[a-z][a-z0-9-]*$/.test(resource)) throw bad(`names resource "${resource}"; use the plural lowercase name, e.g. configmaps`);
        if (group !== undefined && !isDns1123Subdomain(group)) throw bad(`names API group "${group}", which is not a DNS subdomain`);
        if (name !== undefined && !isDns1123Subdomain(name)) throw bad(`names object "${name}", which is not a Kubernetes object name`);
        if (subresource !== undefined && !/^[a-z]+$/.test(subresource)) throw bad(`names subresource "${subresource}"`);
        return { kind: "kubernetes", namespace, resource, ...(group !== undefined ? { group } : {}), ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
    }
    if (text.startsWith("oauth:")) {
        const rest = text.slice(6);
        const colon = rest.indexOf(":");
        const vendor = colon < 0 ? rest : rest.slice(0, colon);
        const scope = colon < 0 ? undefined : rest.slice(colon + 1);
        const known = scopesOf(vendor);
        if (!known) throw bad(`names vendor "${vendor}"; known vendors: ${Object.keys(OAUTH_SCOPES).join(", ")}`);
        if (scope !== undefined && !Object.hasOwn(known, scope)) throw bad(`names scope "${scope}", which ${vendor} does not have; its scopes: ${Object.keys(known).join(", ")}`);
        return { kind: "saas", vendor, ...(scope !== undefined ? { scope } : {}) };
    }
    if (text.startsWith("tool:")) {
        const parts = text.slice(5).split("/");
        if (parts.length > 3 || parts.some((p) => p === "")) throw bad("is not a gateway tool");
        const [gateway, target, tool] = parts;
        if (!isDns1123Label(gateway)) throw bad(`names gateway "${gateway}", which is not a DNS-1123 label`);
        return { kind: "tool", gateway, ...(target !== undefined ? { target } : {}), ...(tool !== undefined ? { tool } : {}) };
    }
    throw bad("is not a resource agentid knows");
}

/** One way an agent reaches the resource: the document entry, the actions it allows there, and its limits. */
export interface ReachPath {
    /** The grant of `spec.grants` (IAM statements, OAuth grants); absent where documents merge grants (RBAC roles, Cedar). */
    grant?: number;
    /** The document entry: `statement Grant0S3Objects`, `Role support/agent-support-triage`, `Cedar policy …`. */
    via: string;
    /** The resource as the entry names it (an ARN pattern, a resource kind, a scope, a tool). */
    on: string;
    actions: string[];
    /** Limits the entry sets beyond the resource: `s3:prefix StringLike inbound/*`, object names. */
    conditions?: string[];
    /** OAuth scopes obtained through a client shared with these agents. */
    through?: string[];
}

/** One agent that can reach the resource. */
export interface ReachingAgent {
    name: string;
    owner: { team: string; contact: string };
    /** Every credential path ends then. */
    expiresAt: string;
    actions: string[];
    paths: ReachPath[];
}

/**
 * The valid agents that reach `query` with at least one action (matching `action`, when given), sorted by
 * name. `agents` are declarations that passed every guardrail; the fleet's OAuth sharing is computed from
 * them all (an expired agent shares nothing). An agent whose RBAC rules let it act as another agent's
 * service account (running pods as it, connecting to its pods, minting its tokens) reaches whatever that
 * agent reaches, through as many such steps as there are: those paths say so in `via` and `conditions`.
 */
export function whoCan(query: ReachQuery, agents: readonly AgentDeclaration[], settings: ResolvedSettings, now: Date, action?: string): ReachingAgent[] {
    const shared = sharedOauthScopesOf(agents, settings, now);
    const built = agents.map((decl) => buildAgentArtefacts(resolveAgent(decl, settings, now), settings, { sharedOauthScopes: shared(decl.metadata.name) }));
    const own = built.map((artefacts) => [...reachPaths(query, artefacts), ...mountPaths(query, artefacts)]);
    const accounts = agents.map((decl) => workloadServiceAccountOf(decl, settings));
    const steps = built.map((artefacts, i) => serviceAccountSteps(artefacts, i, built, accounts));
    const out: ReachingAgent[] = [];
    built.forEach((artefacts, i) => {
        const paths = [...own[i], ...indirectPaths(i, own, steps, built)]
            .map((p) => ({ ...p, actions: p.actions.filter((a) => action === undefined || actionMatches(query, action, a)) }))
            .filter((p) => p.actions.length > 0);
        if (paths.length === 0) return;
        out.push({
            name: artefacts.name, owner: { team: artefacts.owner.team, contact: artefacts.owner.contact }, expiresAt: artefacts.expiresAt,
            actions: [...new Set(paths.flatMap((p) => p.actions))].sort(), paths,
        });
    });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One step from an agent to another agent's service account: the Role that allows it and why. */
interface ServiceAccountStep {
    to: number;
    text: string;
}

/**
 * The other agents whose service accounts an active agent's Roles let it act as: each agent's workload
 * service account (`accounts`, same order as `built`), its own or the one its SPIRE selectors pin.
 */
function serviceAccountSteps(artefacts: AgentArtefacts, self: number, built: readonly AgentArtefacts[], accounts: readonly ({ namespace: string; serviceAccount: string } | undefined)[]): ServiceAccountStep[] {
    if (artefacts.effect !== "active") return [];
    const steps: ServiceAccountStep[] = [];
    for (const role of rolesOf(artefacts)) {
        for (const rule of role.rules) {
            const actedAs = serviceAccountsActedAs(rule);
            if (!actedAs) continue;
            built.forEach((other, to) => {
                const account = accounts[to];
                if (to === self || !account || account.namespace !== role.metadata.namespace) return;
                if (actedAs.names && !actedAs.names.includes(account.serviceAccount)) return;
                if (steps.some((s) => s.to === to)) return;
                steps.push({ to, text: `Role ${role.metadata.namespace}/${role.metadata.name}: ${actedAs.reason}, so it acts as ${other.name} (service account ${account.namespace}/${account.serviceAccount})` });
            });
        }
    }
    return steps;
}

/** What the agents an agent can act as reach, breadth first (the shortest chain of steps), each agent once. */
function indirectPaths(from: number, own: readonly ReachPath[][], steps: readonly ServiceAccountStep[][], built: readonly AgentArtefacts[]): ReachPath[] {
    const chains = new Map<number, ServiceAccountStep[]>([[from, []]]);
    const queue = [from];
    const paths: ReachPath[] = [];
    while (queue.length > 0) {
        const at = queue.shift()!;
        for (const step of steps[at]) {
            if (chains.has(step.to)) continue;
            const chain = [...chains.get(at)!, step];
            chains.set(step.to, chain);
            queue.push(step.to);
            const names = chain.map((s) => built[s.to].name).join(" → ");
            for (const p of own[step.to]) {
                const { grant: _theirs, ...rest } = p;
                paths.push({ ...rest, via: `as ${names}: ${p.via}`, conditions: [...chain.map((s) => `indirectly: ${s.text}`), ...(p.conditions ?? [])] });
            }
        }
    }
    return paths;
}

/** Secrets and config maps a pod the agent may create can mount: read, though no rule names them. */
function mountPaths(query: ReachQuery, artefacts: AgentArtefacts): ReachPath[] {
    if (artefacts.effect !== "active" || query.kind !== "kubernetes") return [];
    return rolesOf(artefacts).flatMap((role) => mountedPermissionsOf(role.metadata.namespace, role.rules).filter((p) => kubernetesReaches(p, query))
        .map((p): ReachPath => ({ via: `Role ${role.metadata.namespace}/${role.metadata.name}`, on: p.resource, actions: [p.verb], conditions: [`indirectly: ${p.indirect}`] })));
}

function rolesOf(artefacts: AgentArtefacts) {
    return (artefacts.kubernetes?.manifests ?? []).filter((m): m is Extract<typeof m, { kind: "Role" }> => m.kind === "Role");
}

/** `--action`: an IAM action (IAM's case-insensitive matching, `*`/`?` allowed), or exactly a verb, scope or tool. */
function actionMatches(query: ReachQuery, wanted: string, action: string): boolean {
    if (query.kind === "aws") return globMatches(wanted, action, true);
    if (query.kind === "kubernetes") return action.split(" ")[0] === wanted;
    return action === wanted;
}

/** How an active agent's documents reach the resource; nothing for an expired one (deleted, or denied everything). */
function reachPaths(query: ReachQuery, artefacts: AgentArtefacts): ReachPath[] {
    if (artefacts.effect !== "active") return [];
    switch (query.kind) {
        case "aws":
            return awsPaths(query, artefacts);
        case "kubernetes":
            return kubernetesPaths(query, artefacts);
        case "saas":
            return artefacts.aws ? saasPaths(query, artefacts) : [];
        case "tool":
            return (artefacts.cedar ?? []).filter((c) => c.gateway === query.gateway && (query.target === undefined || c.tool.split("/")[0] === query.target)
                && (query.tool === undefined || c.tool.split("/")[1] === query.tool))
                .map((c): ReachPath => ({ via: `Cedar policy ${c.name}`, on: `gateway ${c.gateway}`, actions: [c.tool] }));
    }
}

/** The agent's effective scopes of the vendor: declared ones, and those its shared OAuth client serves co-users. */
function saasPaths(query: Extract<ReachQuery, { kind: "saas" }>, artefacts: AgentArtefacts): ReachPath[] {
    const paths = new Map<string, ReachPath>();
    for (const p of artefacts.grants.flatMap((g) => (g.oauth ? saasPermissionsOf(g.oauth, g.index) : []))) {
        if (p.vendor !== query.vendor || (query.scope !== undefined && p.scope !== query.scope)) continue;
        const key = `${p.grant}|${p.through ? "shared" : "own"}`;
        const path = paths.get(key) ?? { grant: p.grant, via: `oauth.${p.vendor}`, on: `the ${p.vendor} OAuth client`, actions: [], ...(p.through ? { through: p.through } : {}) };
        path.actions.push(p.scope!);
        paths.set(key, path);
    }
    return [...paths.values()];
}

/**
 * IAM's decision for each action of the agent's policy on the ARN: allowed by an Allow statement whose
 * Resource matches, unless a Deny statement matches too. Conditions other than the expiry (which holds
 * while the agent is active) are reported, not assumed: S3 listing holds only under its s3:prefix. A
 * secret's ARN without AWS's 6-character suffix is read as the secret of that name (grants name it so).
 */
function awsPaths(query: Extract<ReachQuery, { kind: "aws" }>, artefacts: AgentArtefacts): ReachPath[] {
    const statements = (artefacts.aws?.permissionPolicy?.Statement ?? []) as (StatementLike & { Sid?: string })[];
    // A secret asked about by its name (as grants name it) is the secret whose ARN adds AWS's suffix.
    const secret = query.prefix ? undefined : secretArnsNamed(query.arn);
    const byName = (p: AwsPermission) => secret !== undefined && !resourceMatches(p.resource, query.arn) && resourcesOverlap(p.resource, secret.pattern);
    const reaches = (p: AwsPermission) => (query.prefix ? resourceReachesArnPrefix(p.resource, query.arn) : resourceMatches(p.resource, query.arn) || byName(p));
    const denies = awsPermissionsOf(statements).filter((p) => p.effect === "Deny" && reaches(p));
    const denied = (action: string) => denies.some((d) => globMatches(d.action, action, true));
    const paths: ReachPath[] = [];
    for (const statement of statements) {
        const grant = grantOfSid(statement.Sid);
        const byResource = new Map<string, ReachPath>();
        for (const p of awsPermissionsOf([statement])) {
            if (p.effect !== "Allow" || !reaches(p) || denied(p.action)) continue;
            const conditions = [...conditionTexts(p), ...(secret?.isSuffixed && byName(p) ? [`only if ${query.arn.split(":").slice(6).join(":")} is the secret's whole name, without AWS's suffix`] : [])];
            const path = byResource.get(p.resource) ?? {
                ...(grant !== undefined ? { grant } : {}), via: `statement ${statement.Sid ?? "(no Sid)"}`, on: p.resource, actions: [],
                ...(conditions.length > 0 ? { conditions } : {}),
            };
            if (!path.actions.includes(p.action)) path.actions.push(p.action);
            byResource.set(p.resource, path);
        }
        paths.push(...byResource.values());
    }
    return paths;
}

/** Statement ids are `Grant<index>…` (the connectors' `sid`): the grant a statement comes from. */
function grantOfSid(sid: unknown): number | undefined {
    const m = typeof sid === "string" ? /^Grant(\d+)/.exec(sid) : null;
    return m ? Number(m[1]) : undefined;
}

function conditionTexts(p: AwsPermission): string[] {
    return Object.entries(p.condition ?? {}).flatMap(([operator, block]) => Object.entries(block)
        .filter(([key]) => !(operator === EXPIRY_CONDITION.operator && key === EXPIRY_CONDITION.key))
        .map(([key, value]) => `${key} ${operator} ${(Array.isArray(value) ? value : [value]).join(" | ")}`));
}

/** RBAC rules of the agent's Roles that reach the resource (its subresources too, unless the query names one). */
function kubernetesPaths(query: Extract<ReachQuery, { kind: "kubernetes" }>, artefacts: AgentArtefacts): ReachPath[] {
    const paths: ReachPath[] = [];
    for (const role of rolesOf(artefacts)) {
        const matching = rbacPermissionsOf(role.metadata.namespace, role.rules).filter((p) => kubernetesReaches(p, query));
        const byResource = new Map<string, ReachPath>();
        for (const p of matching) {
            const key = `${p.resource}|${(p.resourceNames ?? []).join(",")}`;
            const path = byResource.get(key) ?? {
                via: `Role ${role.metadata.namespace}/${role.metadata.name}`, on: p.resource, actions: [],
                ...(p.resourceNames && query.name === undefined ? { conditions: [`only objects named ${p.resourceNames.join(", ")}`] } : {}),
            };
            const base = query.subresource === undefined ? query.resource : `${query.resource}/${query.subresource}`;
            const label = p.resource === base ? p.verb : `${p.verb} ${p.resource}`;
            if (!path.actions.includes(label)) path.actions.push(label);
            byResource.set(key, path);
        }
        paths.push(...byResource.values());
    }
    return paths;
}

function kubernetesReaches(p: KubernetesPermission, q: Extract<ReachQuery, { kind: "kubernetes" }>): boolean {
    const [resource, subresource] = p.resource.split("/");
    if (p.namespace !== q.namespace || resource !== q.resource) return false;
    if (q.group !== undefined && !p.apiGroups.includes(q.group)) return false;
    if (q.subresource !== undefined && subresource !== q.subresource) return false;
    return q.name === undefined || p.resourceNames === undefined || p.resourceNames.includes(q.name);
}
