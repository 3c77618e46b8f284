import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Agent, AgentArgs, AgentidError, agentClock, PlatformSwitches, prevalidated } from "./agent";
import { vendorIdOf } from "../connectors/oauthScopes";
import { oauthProviderNameOf, policyEngineNameOf } from "../model/names";
import { formatInstant, parseInstant } from "../declarations/clock";
import { formatDiagnostic } from "../declarations/diagnostics";
import { terminalText } from "../output/terminal";
import { validateDeclarations, ValidationReport } from "../declarations/validate";
import { stringify } from "yaml";
import type { AgentDeclaration, FleetSettings } from "../declarations/types";

export interface AgentFleetArgs {
    /** Declaration files or directories (`*.yaml`, `*.yml`, several documents per file). */
    paths?: string[];
    /** Declarations written in code, validated exactly like files. */
    agents?: AgentDeclaration[];
    /** Fleet guardrails and defaults; a `kind: Fleet` document may tighten them. */
    settings?: FleetSettings;
    /** The clock for expiry (RFC 3339); default config `agentid:now`, then the system clock. */
    now?: string;
    /** Platforms to provision (default all). */
    platforms?: PlatformSwitches;
    /**
     * OAuth client credentials: by vendor (`github`) for the fleet-shared credential providers, or by
     * `<agent>/<vendor>` when the fleet sets `oauthClientSharing: perAgent` (one client per agent).
     */
    oauthClients?: Record<string, { clientId: pulumi.Input<string>; clientSecret: pulumi.Input<string> }>;
    /** The SPIRE server's admin socket for agents' registration entries. */
    spireSocket?: pulumi.Input<string>;
}

/** One row of `AgentFleet.agents`. */
export interface FleetMember {
    status: pulumi.Output<"active" | "expired">;
    expiresAt: pulumi.Output<string>;
    spiffeId: pulumi.Output<string>;
    awsRoleArn: pulumi.Output<string | undefined>;
    kubernetesServiceAccount: pulumi.Output<string | undefined>;
}

/**
 * A fleet of agents from declarations: validates every file first and stops the program with the
 * whole report when anything is invalid (nothing is registered), then creates one Agent each,
 * sharing one OAuth2 credential provider per SaaS vendor and one policy engine per gateway.
 */
export class AgentFleet extends pulumi.ComponentResource {
    /** Every agent by name. */
    public readonly agents: Record<string, Agent>;
    /** Names of agents that have expired. */
    public readonly expired: pulumi.Output<string[]>;
    /** Owner, expiry and identities per agent. */
    public readonly summary: pulumi.Output<Record<string, { status: string; expiresAt: string; owner: string }>>;

    constructor(name: string, args: AgentFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        const now = agentClock(args.now);
        const report = loadFleetReport(args, now);
        if (!report.valid) throw new AgentidError(renderReport(report));
        const declarations = report.declarations.map((d) => d.declaration);
        const platforms = { aws: args.platforms?.aws ?? true, kubernetes: args.platforms?.kubernetes ?? true, spire: args.platforms?.spire ?? true };
        const settings = report.settings;
        const perAgentClients = settings.oauthClientSharing === "perAgent";
        const usage = sharedUsage(declarations);
        if (platforms.aws) requireOauthClients(oauthClientKeys(declarations, perAgentClients), args);
        super("agentid:index:AgentFleet", name, {}, opts);

        const shared = platforms.aws
            ? this.sharedAwsResources(name, { vendors: perAgentClients ? [] : usage.vendors, gateways: usage.gateways }, args)
            : { oauthProviderArns: {}, policyEngineIds: {} };

        this.agents = {};
        for (const decl of declarations) {
            const { metadata, spec } = decl;
            const agentArgs: AgentArgs = {
                agentName: metadata.name,
                ...(metadata.labels ? { labels: metadata.labels } : {}),
                description: spec.description,
                owner: spec.owner,
                expiresAt: spec.expiresAt,
                ...(spec.onExpiry ? { onExpiry: spec.onExpiry } : {}),
                ...(spec.reviewBy ? { reviewBy: spec.reviewBy } : {}),
                ...(spec.approval ? { approval: spec.approval } : {}),
                ...(spec.identity ? { identity: spec.identity } : {}),
                grants: spec.grants,
                settings,
                now: formatInstant(now),
                platforms,
                oauthProviderArns: shared.oauthProviderArns,
                ...(perAgentClients ? { oauthClients: agentClients(metadata.name, args) } : {}),
                policyEngineIds: shared.policyEngineIds,
                ...(args.spireSocket !== undefined ? { spireSocket: args.spireSocket } : {}),
            };
            prevalidated.add(agentArgs);
            this.agents[metadata.name] = new Agent(metadata.name, agentArgs, { parent: this });
        }
        // Plain data from the agents' known status: no Output per agent is needed for the fleet's view.
        const expired = declarations.filter((d) => this.agents[d.metadata.name].currentStatus === "expired").map((d) => d.metadata.name);
        const summary = Object.fromEntries(declarations.map((d) => [d.metadata.name, {
            status: this.agents[d.metadata.name].currentStatus,
            expiresAt: formatInstant(parseInstant(d.spec.expiresAt)!),
            owner: `${d.spec.owner.team} <${d.spec.owner.contact}>`,
        }]));
        this.expired = pulumi.output(expired);
        this.summary = pulumi.output(summary);
        this.registerOutputs({ expired, summary });
    }

    /** One OAuth2 credential provider per vendor and one policy engine per gateway, shared by all agents. */
    private sharedAwsResources(name: string, { vendors, gateways }: SharedUsage, args: AgentFleetArgs) {
        const oauthProviderArns: Record<string, pulumi.Input<string>> = {};
        for (const vendor of vendors) {
            const client = args.oauthClients![vendor];
            oauthProviderArns[vendor] = new aws.bedrock.AgentcoreOauth2CredentialProvider(`${name}-oauth-${vendor}`, {
                name: oauthProviderNameOf(vendor),
                credentialProviderVendor: vendorIdOf(vendor)!,
                oauth2ProviderConfig: { [`${vendor}Oauth2ProviderConfig`]: { clientId: client.clientId, clientSecret: client.clientSecret } },
            }, { parent: this }).credentialProviderArn;
        }
        const policyEngineIds: Record<string, pulumi.Input<string>> = {};
        for (const gateway of gateways) {
            policyEngineIds[gateway] = new aws.bedrock.AgentcorePolicyEngine(`${name}-engine-${gateway}`, {
                name: policyEngineNameOf(gateway),
                description: `agentid tool policies for gateway ${gateway}`,
            }, { parent: this }).policyEngineId;
        }
        return { oauthProviderArns, policyEngineIds };
    }
}

interface SharedUsage {
    /** SaaS vendors used through oauth.<vendor> grants of active agents. */
    vendors: string[];
    /** Gateways used through tool.<gateway> grants. */
    gateways: string[];
}

function sharedUsage(declarations: AgentDeclaration[]): SharedUsage {
    const grants = declarations.flatMap((d) => d.spec.grants);
    const suffixes = (prefix: string) => [...new Set(grants.filter((g) => g.connector.startsWith(prefix)).map((g) => g.connector.slice(prefix.length)))].sort();
    return { vendors: suffixes("oauth."), gateways: suffixes("tool.") };
}

/** The client credentials the fleet needs: one per vendor, or one per agent and vendor (`<agent>/<vendor>`). */
function oauthClientKeys(declarations: AgentDeclaration[], perAgent: boolean): string[] {
    const keys = declarations.flatMap((d) => d.spec.grants.filter((g) => g.connector.startsWith("oauth."))
        .map((g) => { const vendor = g.connector.slice("oauth.".length); return perAgent ? `${d.metadata.name}/${vendor}` : vendor; }));
    return [...new Set(keys)].sort();
}

function requireOauthClients(keys: string[], args: AgentFleetArgs): void {
    const missing = keys.filter((k) => !args.oauthClients || !Object.hasOwn(args.oauthClients, k));
    if (missing.length > 0) {
        throw new AgentidError(`agents use SaaS connectors but the fleet has no client credentials for ${missing.join(", ")}: set AgentFleet oauthClients.<${missing[0].includes("/") ? "agent>/<vendor" : "vendor"}> (clientId, clientSecret) — in the root program, config agentid:oauthClients (secret)`);
    }
}

/** One agent's own clients, by vendor, from `<agent>/<vendor>` keys. */
function agentClients(agent: string, args: AgentFleetArgs): AgentArgs["oauthClients"] {
    return Object.fromEntries(Object.entries(args.oauthClients ?? {})
        .filter(([key]) => key.startsWith(`${agent}/`))
        .map(([key, client]) => [key.slice(agent.length + 1), client]));
}

/** Validates files and in-code declarations as one set (names unique across both). */
export function loadFleetReport(args: AgentFleetArgs, now: Date): ValidationReport {
    const sources = (args.agents ?? []).map((agent, i) => ({ file: `<AgentFleet agents[${i}]>`, text: stringify(agent) }));
    return validateDeclarations(args.paths ?? [], { now, settings: args.settings, sources });
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
