/**
 * The agentid-guardrails policies, as plain functions over resources: the same guardrail module as
 * the loader (wildcards, IAM action levels, e-mail, lifetime). `index.ts` wraps them in a
 * CrossGuard PolicyPack; tests call these directly, so no policy server starts under mocha.
 */
import { iamActions } from "../grants/iamActions";
import { addDays, parseInstant } from "../spec/clock";
import { isEmail } from "../spec/names";
import { isScopingForm, wildcardActionProblem, wildcardResourceProblem } from "../spec/wildcards";

/** What a policy sees of one resource. */
export interface ResourceView {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    /** URN of the parent resource, if any. */
    parent?: string;
}

/** Policy configuration (the pack's config schema). */
export interface GuardrailConfig {
    /** Longest allowed agent lifetime in days (default 90). */
    maxLifetimeDays?: number;
    /** The clock for the lifetime check (RFC 3339; default now). */
    now?: string;
}

export interface Guardrail {
    name: string;
    description: string;
    /** Violations (messages) for the whole stack. */
    check(resources: readonly ResourceView[], config: GuardrailConfig): string[];
}

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const AGENT = "agentid:index:Agent";

type Statement = { Sid?: string; Effect?: string; Action?: string | string[]; Resource?: string | string[]; Condition?: Record<string, Record<string, unknown>> };
type PolicyJson = { Statement?: Statement | Statement[] };

function parsePolicy(value: unknown): Statement[] {
    const doc = (typeof value === "string" ? JSON.parse(value) : value) as PolicyJson | undefined;
    if (!doc?.Statement) return [];
    return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const tagsOf = (r: ResourceView) => (r.props.tags ?? {}) as Record<string, string>;
const isAgentRole = (r: ResourceView) => r.type === ROLE && (tagsOf(r)["agentid:name"] !== undefined || /^agent-/.test(String(r.props.name ?? "")));
const roleLabel = (r: ResourceView) => `role ${String(r.props.name ?? r.name)}`;

/** Every agent (role or service account) has an owner and an expiry within the allowed lifetime. */
export const ownerAndExpiry: Guardrail = {
    name: "agent-owner-and-expiry",
    description: "Every agent identity carries an owner team, a reachable contact and an expiry within the allowed lifetime.",
    check(resources, config) {
        const now = config.now ? parseInstant(config.now)! : new Date();
        const latest = addDays(now, config.maxLifetimeDays ?? 90);
        const out: string[] = [];
        for (const r of resources) {
            let owner: { team?: string; contact?: string; expires?: string } | undefined;
            if (isAgentRole(r)) {
                const t = tagsOf(r);
                owner = { team: t["agentid:owner-team"], contact: t["agentid:owner-contact"], expires: t["agentid:expires-at"] };
            } else if (r.type === SERVICE_ACCOUNT) {
                const a = ((r.props.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {});
                if (a["agentid.dev/expires-at"] === undefined && a["agentid.dev/owner-team"] === undefined) continue;
                owner = { team: a["agentid.dev/owner-team"], contact: a["agentid.dev/owner-contact"], expires: a["agentid.dev/expires-at"] };
            }
            if (!owner) continue;
            const label = r.type === ROLE ? roleLabel(r) : `service account ${r.name}`;
            if (!owner.team) out.push(`${label} has no owner team (tag agentid:owner-team)`);
            if (!owner.contact || !isEmail(owner.contact)) out.push(`${label} has no owner contact e-mail (tag agentid:owner-contact)`);
            const expires = owner.expires ? parseInstant(owner.expires) : undefined;
            if (!expires) out.push(`${label} has no expiry (tag agentid:expires-at)`);
            else if (expires.getTime() > latest.getTime()) out.push(`${label} expires ${owner.expires}, more than ${config.maxLifetimeDays ?? 90} days from now`);
        }
        return out;
    },
};

/** No policy on an agent role holds wildcards or IAM/STS write actions. */
export const leastPrivilege: Guardrail = {
    name: "agent-least-privilege",
    description: "Policies of agent roles allow no wildcard actions or resources and no IAM/STS write actions.",
    check(resources) {
        const agentRoles = new Set(resources.filter(isAgentRole).map((r) => String(r.props.name)));
        const out: string[] = [];
        for (const r of resources.filter((x) => x.type === ROLE_POLICY && agentRoles.has(String(x.props.role)))) {
            for (const s of parsePolicy(r.props.policy).filter((x) => x.Effect === "Allow")) {
                for (const action of list(s.Action)) {
                    const problem = wildcardActionProblem(action);
                    if (problem) out.push(`policy ${r.name} on role ${String(r.props.role)}: ${problem}`);
                    else if (iamActions.isIdentityWrite(action)) {
                        out.push(`policy ${r.name} on role ${String(r.props.role)}: ${action} is an IAM/STS write action`);
                    }
                }
                for (const resource of list(s.Resource)) {
                    const problem = isScopingForm(resource) ? undefined : wildcardResourceProblem(resource);
                    if (problem) out.push(`policy ${r.name} on role ${String(r.props.role)}: ${problem}`);
                }
            }
        }
        return out;
    },
};

/** Agent roles' trust pins one subject and the expiry; sessions last at most an hour. */
export const pinnedTrust: Guardrail = {
    name: "agent-trust-pinned",
    description: "Agent roles trust exactly one workload subject, until the agent's expiry, for sessions of at most one hour.",
    check(resources) {
        const out: string[] = [];
        for (const r of resources.filter(isAgentRole)) {
            const duration = Number(r.props.maxSessionDuration ?? 3600);
            if (duration > 3600) out.push(`${roleLabel(r)} allows sessions of ${duration}s; agents get at most 3600s`);
            const statements = parsePolicy(r.props.assumeRolePolicy).filter((s) => s.Effect === "Allow");
            if (statements.length === 0) out.push(`${roleLabel(r)} has no trust statement`);
            for (const s of statements) {
                const c = s.Condition ?? {};
                const statement = `${roleLabel(r)}: trust statement${s.Sid ? ` ${s.Sid}` : ""}`;
                if (!c.DateLessThan?.["aws:CurrentTime"]) out.push(`${statement} has no DateLessThan aws:CurrentTime expiry condition`);
                const pins = Object.entries({ ...c.StringEquals, ...c.ArnEquals }).filter(([key, value]) =>
                    /:sub$|x509SAN\/URI$|kubernetes-service-account$|aws:SourceArn$/.test(key) && typeof value === "string" && !value.includes("*"));
                if (pins.length === 0) out.push(`${statement} does not pin one subject (sub, SPIFFE URI SAN, service account or source ARN)`);
            }
        }
        return out;
    },
};

/** Static credentials anywhere in the stack. */
export const noStaticCredentials: Guardrail = {
    name: "no-static-credentials",
    description: "No IAM access keys, console passwords or long-lived Kubernetes service-account token Secrets anywhere in the stack.",
    check(resources) {
        const out: string[] = [];
        for (const r of resources) {
            if (r.type === "aws:iam/accessKey:AccessKey") out.push(`${r.name}: aws.iam.AccessKey is a static credential; use a workload identity`);
            if (r.type === "aws:iam/userLoginProfile:UserLoginProfile") out.push(`${r.name}: aws.iam.UserLoginProfile is a static console password`);
            if (r.type === "kubernetes:core/v1:Secret" && r.props.type === "kubernetes.io/service-account-token") {
                out.push(`${r.name}: a kubernetes.io/service-account-token Secret is a long-lived token; use projected tokens or SPIFFE`);
            }
        }
        return out;
    },
};

/** Roles that look like agents but are not managed by an Agent component. */
export const noShadowAgents: Guardrail = {
    name: "no-shadow-agents",
    description: "Every IAM role tagged or named as an agent is declared through an agentid Agent.",
    check(resources) {
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const underAgent = (r: ResourceView) => {
            for (let p = r.parent; p; p = byUrn.get(p)?.parent) if (byUrn.get(p)?.type === AGENT || p.includes(`$${AGENT}::`) || p.split("::")[2]?.endsWith(AGENT)) return true;
            return false;
        };
        return resources.filter((r) => isAgentRole(r) && !underAgent(r)).map((r) => `${roleLabel(r)} is tagged or named as an agent but is not managed by an agentid Agent (shadow agent)`);
    },
};

/** Write-level grants need an approval whose digest matches the grants. */
export const approvedWrites: Guardrail = {
    name: "agent-write-approved",
    description: "Agent roles with write-level permissions carry an approval whose digest matches their grants.",
    check(resources) {
        const policiesByRole = new Map<string, Statement[]>();
        for (const r of resources.filter((x) => x.type === ROLE_POLICY)) {
            policiesByRole.set(String(r.props.role), [...(policiesByRole.get(String(r.props.role)) ?? []), ...parsePolicy(r.props.policy)]);
        }
        const out: string[] = [];
        for (const role of resources.filter(isAgentRole)) {
            const writes = (policiesByRole.get(String(role.props.name)) ?? []).filter((s) => s.Effect === "Allow")
                .flatMap((s) => list(s.Action)).filter((a) => iamActions.isWrite(a));
            if (writes.length === 0) continue;
            const t = tagsOf(role);
            if (!t["agentid:approval"]) out.push(`${roleLabel(role)} holds write actions (${writes.join(", ")}) without an approval (tag agentid:approval)`);
            else if (t["agentid:approved-digest"] && t["agentid:approved-digest"] !== t["agentid:grants-digest"]) {
                out.push(`${roleLabel(role)}: approval ${t["agentid:approval"]} was for ${t["agentid:approved-digest"]}, the grants are now ${t["agentid:grants-digest"]}`);
            }
        }
        return out;
    },
};

export const GUARDRAILS: Guardrail[] = [ownerAndExpiry, leastPrivilege, pinnedTrust, noStaticCredentials, noShadowAgents, approvedWrites];
