import { isExpired } from "../declarations/clock";
import type { AgentView } from "./accessView";
import { errorsNote, ReviewedAgent } from "./reviewedAgent";
import { AWS_SESSION_SECONDS } from "../model/settings";



/** One agent's result for one check; `agent` is null when an invalid declaration has no readable name. */
export interface AgentCheck { agent: string | null; status: "pass" | "fail"; evidence: string; valid?: false }

/** Evidence that an agent's access was removed: an offboarding record `agentid reap --record` wrote. */
export interface OffboardingEvidence {
    agent: string;
    /** The expiry the reap enforced: evidence only for the agent with that expiry, not a later one of the same name. */
    expiresAt: string;
    reapedAt: string;
    /** What the record says was removed, by which update, in one sentence. */
    text: string;
    file: string;
}

/** A control: its checks over every agent; it passes when every agent passes. */
export interface ControlResult {
    id: string;
    title: string;
    status: "pass" | "fail";
    evidence: string[];
    agents: AgentCheck[];
    /** Offboarding records cited (controls that evidence offboarding, when `--records` is given), declared agents or not. */
    records?: OffboardingEvidence[];
}

type Check = (view: AgentView, fleet: readonly AgentView[], now: Date, records: readonly OffboardingEvidence[]) => AgentCheck;

const pass = (agent: string, evidence: string): AgentCheck => ({ agent, status: "pass", evidence });
const fail = (agent: string, evidence: string): AgentCheck => ({ agent, status: "fail", evidence });

/** The checks agentid can evidence from declarations; frameworks map controls onto them. */
export const CHECKS: Record<string, { describe: string; check: Check }> = {
    ownership: {
        describe: "accountable owner: team and a reachable contact",
        check: (v) => (v.owner.team && v.owner.contact.includes("@") ? pass(v.name, `owned by ${v.owner.team} <${v.owner.contact}>${v.owner.escalation ? `, escalation ${v.owner.escalation}` : ""}`) : fail(v.name, "no owner contact")),
    },
    offboarding: {
        describe: "enforced expiry: plan-time removal, IAM DateLessThan aws:CurrentTime, SPIRE expires_at, agentid reap",
        check: (v, _f, now, records) => {
            if (!v.expires) return fail(v.name, "no valid expiresAt");
            const where = ["plan (onExpiry: " + v.onExpiry + ")", ...(v.identities.aws ? ["IAM trust DateLessThan"] : []), ...(v.identities.spire ? ["SPIRE expires_at"] : [])];
            if (!isExpired(v.expires, now)) return pass(v.name, `expires ${v.expiresAt}, enforced by ${where.join(", ")}`);
            // Evidence counts for this agent with this expiry only (a re-declared agent of the same name is another).
            const removal = records.filter((r) => r.agent === v.name && new Date(r.expiresAt).getTime() === v.expires!.getTime());
            return removal.length > 0
                ? pass(v.name, `expired at ${v.expiresAt}; access removed: ${removal.map((r) => r.text).join("; ")}`)
                : fail(v.name, `expired at ${v.expiresAt} and still declared: run agentid reap${records.length > 0 ? " --record (no offboarding record names it)" : ""}`);
        },
    },
    leastPrivilege: {
        describe: "least privilege: catalog-generated grants, no wildcards, real IAM actions, proven by IAM simulation in tests",
        check: (v) => {
            const atoms = v.grants.flatMap((g) => g.atoms);
            const high = atoms.filter((a) => a.risk === "high");
            const invalid = v.grants.length !== v.expansions.length;
            if (invalid) return fail(v.name, "a grant is not expandable by the catalog (invalid declaration)");
            return high.length > 0
                ? fail(v.name, `${high.length} high-risk permission(s): ${high.map((a) => a.text).join("; ")}`)
                : pass(v.name, `${atoms.length} scoped permission(s), none high-risk`);
        },
    },
    shortLivedCredentials: {
        describe: "no static secrets: federated trust only, sessions ≤ 1h, SVIDs ≤ 1h",
        check: (v) => {
            const session = v.identities.aws?.maxSessionDuration ?? 0;
            const svid = v.identities.spire?.x509SvidTtl ?? 0;
            if (session > AWS_SESSION_SECONDS.max || svid > AWS_SESSION_SECONDS.max) return fail(v.name, `session ${session}s / SVID ${svid}s exceeds one hour`);
            return pass(v.name, `no access keys; ${v.identities.aws ? `AWS sessions ≤ ${session}s via ${v.identities.aws.trust}` : "no AWS credentials"}${v.identities.spire ? `; SVID ${svid}s` : ""}`);
        },
    },
    workloadIdentity: {
        describe: "a cryptographic workload identity per agent, trust pinned to one subject",
        check: (v, fleet) => {
            const shared = fleet.filter((o) => o !== v && o.identities.spiffeId === v.identities.spiffeId);
            if (shared.length > 0) return fail(v.name, `SPIFFE ID shared with ${shared.map((o) => o.name).join(", ")}`);
            const kinds = [v.identities.aws && `IAM role ${v.identities.aws.roleName} (${v.identities.aws.trust})`, v.identities.kubernetes && `service account ${v.identities.kubernetes}`, v.identities.spire && "SPIRE entry"].filter(Boolean);
            return kinds.length > 0 ? pass(v.name, `${v.identities.spiffeId}: ${kinds.join(", ")}`) : fail(v.name, "no workload identity declared");
        },
    },
    approvedWrites: {
        describe: "write-level access approved, approval pinned to the grants digest",
        check: (v) => {
            const writes = v.grants.flatMap((g) => g.atoms).filter((a) => a.write);
            if (writes.length === 0) return pass(v.name, "read-only");
            if (!v.approval) return fail(v.name, `${writes.length} write permission(s) without approval`);
            return v.approval.grantsDigest
                ? pass(v.name, `approved in ${v.approval.ticket}, pinned to ${v.approval.grantsDigest.slice(0, 19)}…`)
                : fail(v.name, `approved in ${v.approval.ticket} but not pinned to a grants digest (agentid digest)`);
        },
    },
    recertification: {
        describe: "a recertification date before expiry",
        check: (v, _f, now) => {
            if (!v.reviewBy) return fail(v.name, "no reviewBy date");
            return new Date(v.reviewBy).getTime() < now.getTime() ? fail(v.name, `review overdue since ${v.reviewBy}`) : pass(v.name, `review due ${v.reviewBy}`);
        },
    },
    toolScoping: {
        describe: "tools and SaaS scopes granted explicitly (Cedar permits per tool, vendor-validated scopes)",
        check: (v) => {
            const tools = v.grants.filter((g) => g.reach === "tools" || g.reach === "saas");
            const admin = tools.flatMap((g) => g.atoms).filter((a) => a.risk === "high");
            if (admin.length > 0) return fail(v.name, `admin-level SaaS scope(s): ${admin.map((a) => a.text).join("; ")}`);
            return pass(v.name, tools.length ? `${tools.flatMap((g) => g.atoms).length} explicit tool/scope grant(s)` : "no tools or SaaS access");
        },
    },
};

/** Framework controls, each evidenced by one or more checks: adding a framework is adding an entry here. */
export const CONTROLS = {
    "owasp-nhi": [
        { id: "NHI1", title: "Improper Offboarding", checks: ["offboarding", "ownership"] },
        { id: "NHI2", title: "Secret Leakage", checks: ["shortLivedCredentials"] },
        { id: "NHI3", title: "Vulnerable Third-Party NHI", checks: ["toolScoping"] },
        { id: "NHI4", title: "Insecure Authentication", checks: ["workloadIdentity"] },
        { id: "NHI5", title: "Overprivileged NHI", checks: ["leastPrivilege", "approvedWrites"] },
        { id: "NHI7", title: "Long-Lived Secrets", checks: ["shortLivedCredentials"] },
        { id: "NHI9", title: "NHI Reuse", checks: ["workloadIdentity"] },
    ],
    "owasp-asi": [
        { id: "ASI02", title: "Tool Misuse and Exploitation", checks: ["toolScoping", "approvedWrites"] },
        { id: "ASI03", title: "Identity and Privilege Abuse", checks: ["workloadIdentity", "leastPrivilege", "shortLivedCredentials"] },
        { id: "ASI10", title: "Rogue Agents", checks: ["ownership", "offboarding", "recertification"] },
    ],
    maestro: [
        { id: "L4", title: "Deployment and Infrastructure", checks: ["workloadIdentity", "shortLivedCredentials"] },
        { id: "L6", title: "Security and Compliance", checks: ["leastPrivilege", "approvedWrites", "offboarding"] },
        { id: "L7", title: "Agent Ecosystem", checks: ["ownership", "toolScoping"] },
    ],
    "nist-ai-rmf": [
        { id: "GOVERN", title: "Accountability, approvals and recertification", checks: ["ownership", "approvedWrites", "recertification"] },
        { id: "MAP", title: "Inventory of agents, identities and reach", checks: ["workloadIdentity"] },
        { id: "MEASURE", title: "Privilege measured and proven minimal", checks: ["leastPrivilege", "toolScoping"] },
        { id: "MANAGE", title: "Access removed on expiry, credentials short-lived", checks: ["offboarding", "shortLivedCredentials"] },
    ],
} satisfies Record<string, { id: string; title: string; checks: (keyof typeof CHECKS)[] }[]>;

/** A compliance framework `agentid report` evidences. */
export type Framework = keyof typeof CONTROLS;
export const FRAMEWORKS = Object.keys(CONTROLS) as Framework[];

/**
 * Every control over every agent found. An invalid agent fails every control: its declaration cannot
 * be applied as written, so nothing in it is evidence.
 */
export function complianceReport(framework: Framework, agents: readonly ReviewedAgent[], now: Date, records?: readonly OffboardingEvidence[]): { framework: Framework; controls: ControlResult[] } {
    const views = agents.flatMap((a) => (a.view ? [a.view] : []));
    return {
        framework,
        controls: CONTROLS[framework].map((control) => {
            const perAgent = agents.map((agent): AgentCheck => {
                if (agent.errors.length > 0) {
                    const name = agent.view?.name ?? agent.summary.name ?? null;
                    return { agent: name, status: "fail", valid: false, evidence: `invalid declaration at ${agent.file}:${agent.line} (${errorsNote(agent.errors)}); fix it (agentid validate)` };
                }
                const mine = control.checks.map((check) => CHECKS[check].check(agent.view!, views, now, records ?? []));
                const failed = mine.filter((a) => a.status === "fail");
                // One result per agent: failing if any of the control's checks fails.
                return failed.length > 0 ? fail(agent.view!.name, failed.map((f) => f.evidence).join("; ")) : pass(agent.view!.name, mine.map((m) => m.evidence).join("; "));
            });
            return {
                id: control.id, title: control.title,
                status: perAgent.every((a) => a.status === "pass") ? "pass" : "fail",
                evidence: control.checks.map((name) => CHECKS[name].describe),
                agents: perAgent,
                ...(records && (control.checks as string[]).includes("offboarding") ? { records: [...records] } : {}),
            };
        }),
    };
}
