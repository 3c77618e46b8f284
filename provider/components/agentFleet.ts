import * as pulumi from "@pulumi/pulumi";
import { catalog } from "../connectors/catalog";
import { formatDiagnostic } from "../declarations/diagnostics";
import type { AgentDeclaration, FleetSettings } from "../declarations/types";
import { validateDeclarations, ValidationReport } from "../guardrails/validate";
import { programIdentities } from "../guardrails/identities";
import { handedFleet, ValidatedAgent } from "../guardrails/validatedFleet";
import { oauthProviderNameOf, policyEngineNameOf } from "../model/names";
import { knownAgentcoreArns } from "../model/resolvedAgent";
import type { ResolvedSettings } from "../model/settings";
import { agentsOwnSharedResources, isSharded, shardsOf } from "../model/shards";
import { TYPE_TOKENS } from "../model/tokens";
import { terminalText } from "../output/terminal";
import { createOauthProvider, createPolicyEngine, OauthClient } from "../platforms/agentcore/resources";
import { Agent, AgentWiring, FleetMember, PlatformSwitches, platformsOf } from "./agent";
import { AgentDocuments } from "./agentDocuments";
import { unknownArgViolations } from "./componentArgs";
import { AgentidError, invalidAgentError, pinnedClock } from "./programErrors";

export interface AgentFleetArgs {
    /** Declaration files or directories (`*.yaml`, `*.yml`, several documents per file). */
    paths?: string[];
    /** Declarations written in code, validated exactly like files. */
    agents?: AgentDeclaration[];
    /** Fleet guardrails and defaults; a `kind: Fleet` document may tighten them. */
    settings?: FleetSettings;
    /** The clock for expiry (RFC 3339); default AGENTID_NOW, then config `agentid:now`, then the system clock. */
    now?: string;
    /** Platforms to provision (default all). */
    platforms?: PlatformSwitches;
    /**
     * OAuth client credentials: by vendor (`github`) for the fleet-shared credential providers, or by
     * `<agent>/<vendor>` when the fleet sets `oauthClientSharing: perAgent` (one client per agent).
     */
    oauthClients?: Record<string, OauthClient>;
    /** The SPIRE server's admin socket for agents' registration entries. */
    spireSocket?: pulumi.Input<string>;
    /**
     * The stack this program runs in (the root program passes `pulumi.getStack()`). When the fleet is
     * sharded (the `stacks` setting), only this stack's agents are registered, after the whole fleet has
     * been validated as one; a stack that matches no shard stops the program. Ignored when the fleet is
     * not sharded; without it every agent is registered.
     */
    stack?: string;
}

/**
 * A fleet of agents from declarations: validates every file first and stops the program with the
 * whole report when anything is invalid (nothing is registered), then creates one Agent each from
 * its validated declaration, sharing one OAuth2 credential provider per SaaS vendor (unless OAuth
 * clients are per agent) and one policy engine per gateway.
 */
export class AgentFleet extends pulumi.ComponentResource {
    /** Every agent by name. */
    public readonly agents: Record<string, Agent>;
    /** Names of agents that have expired. */
    public readonly expired: pulumi.Output<string[]>;
    /** Owner, expiry and identities per agent. */
    public readonly summary: pulumi.Output<Record<string, { status: string; expiresAt: string; owner: string }>>;

    constructor(name: string, args: AgentFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        const { now, settings, agents } = validFleet(args);
        const members = membersOfStack(agents, settings, args.stack);
        const declarations = members.map((m) => m.declaration);
        const platforms = platformsOf(args.platforms);
        const perAgentClients = settings.oauthClientSharing === "perAgent";
        const ownResources = agentsOwnSharedResources(settings);
        const grants = declarations.flatMap((d) => d.spec.grants);
        if (platforms.aws) requireOauthClients(declarations, perAgentClients, args);
        // Every agent's identities are claimed in the program (all or none) and its documents built before the
        // fleet registers anything: a clash stops the program with nothing registered and nothing claimed, and
        // the builders run before the engine's bookkeeping fills the heap (twice as fast at 1,000 agents, bench/README.md).
        const where = `the AgentFleet "${name}"`;
        const shared = programIdentities.claimAll(declarations.map((decl) => ({ decl, where })), settings);
        const clash = shared.findIndex((violations) => violations.length > 0);
        if (clash >= 0) throw invalidAgentError(declarations[clash].metadata.name, shared[clash]);
        const documents = members.map(({ declaration, grantsDigest }) => new AgentDocuments(declaration, settings, now, {
            validated: true, ...(grantsDigest !== undefined ? { grantsDigest } : {}),
        }));
        super(TYPE_TOKENS.fleet, name, {}, opts);

        const parent = { parent: this };
        const known = knownAgentcoreArns(settings);
        const oauthProviderArns: Record<string, pulumi.Input<string>> = {};
        const policyEngineIds: Record<string, pulumi.Input<string>> = {};
        if (platforms.aws) {
            for (const vendor of ownResources ? [] : catalog.sharedKeys(grants, "oauthClient")) {
                const created = createOauthProvider(`${name}-oauth-${vendor}`, oauthProviderNameOf(vendor), vendor, args.oauthClients![vendor], parent);
                oauthProviderArns[vendor] = known?.oauthProvider(oauthProviderNameOf(vendor)) ?? created;
            }
            for (const gateway of isSharded(settings) ? [] : catalog.sharedKeys(grants, "policyEngine")) {
                policyEngineIds[gateway] = createPolicyEngine(`${name}-engine-${gateway}`, policyEngineNameOf(gateway), `agentid tool policies for gateway ${gateway}`, parent);
            }
        }

        this.agents = {};
        for (const agentDocuments of documents) {
            const agent = agentDocuments.agent.name;
            const wiring: AgentWiring = {
                platforms, oauthProviderArns, policyEngineIds,
                // In a sharded fleet with one client per vendor, each agent's own provider holds the fleet's client.
                ...(perAgentClients ? { oauthClients: agentClients(agent, args) } : ownResources ? { oauthClients: args.oauthClients ?? {} } : {}),
                ...(args.spireSocket !== undefined ? { spireSocket: args.spireSocket } : {}),
            };
            // `pulumi state move` parents a moved agent to the stack; the alias finds it there.
            const moved = isSharded(settings) ? { aliases: [{ parent: pulumi.rootStackResource }] } : {};
            this.agents[agent] = new Agent(agent, new FleetMember(agentDocuments, wiring), { ...parent, ...moved });
        }
        // Plain data from the agents' resolved declarations: no Output per agent is needed for the fleet's view.
        const resolved = documents.map((d) => d.agent);
        const expired = resolved.filter((agent) => agent.status === "expired").map((agent) => agent.name);
        const summary = Object.fromEntries(resolved.map((agent) => [agent.name, {
            status: agent.status, expiresAt: agent.expiresAt, owner: `${agent.owner.team} <${agent.owner.contact}>`,
        }]));
        this.expired = pulumi.output(expired);
        this.summary = pulumi.output(summary);
        this.registerOutputs({ expired, summary });
    }
}

/**
 * The whole fleet, valid as one, and the clock it was validated at: handed over by the `--all` run this
 * program is part of when that run's verdict holds for these files and this clock (the fleet is then not
 * validated once per shard), else validated here. Stops the program with the whole report when anything
 * is invalid (nothing is registered).
 */
function validFleet(args: AgentFleetArgs): { now: Date; settings: ResolvedSettings; agents: ValidatedAgent[] } {
    const unknown = unknownArgViolations(TYPE_TOKENS.fleet, args);
    if (unknown.length > 0) throw new AgentidError(`the AgentFleet's args are invalid:\n${unknown.map((v) => `  ${terminalText(v.message)} (${v.rule})`).join("\n")}`);
    const pinned = pinnedClock(args.now);
    const handed = (args.agents ?? []).length === 0 && args.settings === undefined ? handedFleet(args.paths ?? [], pinned) : undefined;
    if (handed && "fleet" in handed) return handed.fleet;
    if (handed) pulumi.log.info(`the fleet validated by this agentid run is not used (${handed.refused}): validating it here`);
    const now = pinned ?? new Date();
    const report = validateDeclarations(args.paths ?? [], {
        now, settings: args.settings,
        objects: (args.agents ?? []).map((value, i) => ({ label: `<AgentFleet agents[${i}]>`, value })),
    });
    if (!report.valid) throw new AgentidError(renderReport(report));
    return { now, settings: report.settings, agents: report.declarations };
}

/** The agents this program registers: a sharded fleet's agents of `stack`, or every agent. */
function membersOfStack(declarations: ValidatedAgent[], settings: FleetSettings, stack: string | undefined): ValidatedAgent[] {
    if (!isSharded(settings) || stack === undefined) return declarations;
    const shards = shardsOf(declarations.map((d) => d.declaration), settings.stacks);
    const shard = shards.find((s) => s.name === stack);
    if (!shard) {
        throw new AgentidError(`stack "${terminalText(stack)}" matches no shard of this fleet (spec.stacks.by: ${settings.stacks.by}); its stacks are ${shards.map((s) => s.name).join(", ") || "none"}. ` +
            "Select one of them (agentid stacks PATH lists each with its agents); a stack whose agents have all moved or gone keeps nothing agentid declares — remove it with pulumi destroy.");
    }
    return declarations.filter((d) => shard.agents.includes(d.declaration.metadata.name));
}

/** The client credentials the fleet needs: one per vendor, or one per agent and vendor (`<agent>/<vendor>`). */
function requireOauthClients(declarations: readonly AgentDeclaration[], perAgent: boolean, args: AgentFleetArgs): void {
    const keys = [...new Set(declarations.flatMap((d) => catalog.sharedKeys(d.spec.grants, "oauthClient").map((vendor) => (perAgent ? `${d.metadata.name}/${vendor}` : vendor))))].sort();
    const missing = keys.filter((k) => !args.oauthClients || !Object.hasOwn(args.oauthClients, k));
    if (missing.length > 0) {
        throw new AgentidError(`agents use SaaS connectors but the fleet has no client credentials for ${missing.join(", ")}: set AgentFleet oauthClients.<${missing[0].includes("/") ? "agent>/<vendor" : "vendor"}> (clientId, clientSecret) — in the root program, config agentid:oauthClients (secret)`);
    }
}

/** One agent's own clients, by vendor, from `<agent>/<vendor>` keys. */
function agentClients(agent: string, args: AgentFleetArgs): Record<string, OauthClient> {
    return Object.fromEntries(Object.entries(args.oauthClients ?? {})
        .filter(([key]) => key.startsWith(`${agent}/`))
        .map(([key, client]) => [key.slice(agent.length + 1), client]));
}

/** The validation report as the program's error: every problem, file:line:col first. */
export function renderReport(report: ValidationReport): string {
    const lines = [
        ...report.missing.map((p) => `${terminalText(p)}: error: no such file or directory`),
        ...report.unreadable.map((u) => `${terminalText(u.file)}: error: ${u.reason}`),
        ...report.errors.map(formatDiagnostic),
    ];
    return `agentid: ${lines.length} problem${lines.length === 1 ? "" : "s"} in the agent declarations; nothing was changed:\n${lines.map((l) => `  ${l}`).join("\n")}`;
}
