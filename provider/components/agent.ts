import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AgentDeclaration, AgentSpec, Approval, FleetSettings, Grant, Identity, Owner } from "../declarations/types";
import { settingsSchemaViolations } from "../guardrails/validate";
import { resolveSettings, ResolvedSettings } from "../model/settings";
import { oauthProviderNameOf, policyEngineNameOf, workloadIdentityNameOf } from "../model/names";
import { knownAgentcoreArns } from "../model/resolvedAgent";
import { TYPE_TOKENS } from "../model/tokens";
import { createOauthProvider, createPolicyEngine, createToolPolicies, createWorkloadIdentity, OauthClient } from "../platforms/agentcore/resources";
import { createAgentRole } from "../platforms/aws/resources";
import { createKubernetesObjects } from "../platforms/kubernetes/resources";
import { createSpireEntry } from "../platforms/spire/spireEntry";
import { AgentDocuments, DocumentArns } from "./agentDocuments";
import type { Inputs } from "./inputs";
import { unknownArgViolations } from "./componentArgs";
import { AgentidError, invalidAgentError, programClock } from "./programErrors";

/** The agent's accountable owner; leaves may come from other resources. */
export type OwnerArgs = Inputs<Owner>;
/** The security approval write-level grants require. */
export type ApprovalArgs = Inputs<Approval>;
/** One grant: `connector`, `access`, `actions`, `namespace`, verbs, scopes and tools are plain (they decide which resources exist). */
export type GrantArgs = Inputs<Grant>;
/** The identities the agent gets: trust mode and names plain, ARNs and SPIRE values may come from other resources. */
export type IdentityArgs = Inputs<Identity>;

/** Which platforms to provision; an agent only gets what its identity declares. */
export interface PlatformSwitches {
    /** IAM role, policies, AgentCore resources (default true). */
    aws?: boolean;
    /** ServiceAccount, RBAC, ClusterSPIFFEID (default true). */
    kubernetes?: boolean;
    /** SPIRE registration entries through agentid's provider plugin (default true). */
    spire?: boolean;
}

/** Every platform is on unless switched off. */
export function platformsOf(switches: PlatformSwitches = {}): Required<PlatformSwitches> {
    return { aws: switches.aws ?? true, kubernetes: switches.kubernetes ?? true, spire: switches.spire ?? true };
}

/** How an agent is wired into its program: platforms, shared resources and credentials. */
export interface AgentWiring {
    /** Platforms to provision (default all). */
    platforms?: PlatformSwitches;
    /** Fleet-shared AgentCore OAuth2 credential providers by vendor (ARNs). */
    oauthProviderArns?: Record<string, pulumi.Input<string>>;
    /** OAuth client credentials by vendor, for providers this agent creates itself. */
    oauthClients?: Record<string, OauthClient>;
    /** Fleet-shared AgentCore policy engines by gateway name (IDs); else the agent creates one per gateway. */
    policyEngineIds?: Record<string, pulumi.Input<string>>;
    /** The SPIRE server's admin socket for the agent's registration entry (default /tmp/spire-server/private/api.sock). */
    spireSocket?: pulumi.Input<string>;
}

/** An agent declared in code: the declaration's `spec` (see declarations/types.ts) with Input leaves, and its wiring. */
export interface AgentArgs extends Inputs<AgentSpec>, AgentWiring {
    /** The agent's name (2-40 chars, lowercase DNS-like); defaults to the resource name. */
    agentName?: string;
    /** Labels (string map), as in `metadata.labels`. */
    labels?: Record<string, string>;
    /** Fleet guardrails and defaults (trust domain, lifetime, namespace, account and region, trust anchor, gateways…). */
    settings?: FleetSettings;
    /** The clock for expiry (RFC 3339); default AGENTID_NOW, then config `agentid:now`, then the system clock. */
    now?: string;
}

/**
 * @internal An agent AgentFleet validated with its whole fleet: its documents (with the fleet's settings), built
 * (and its identities claimed) before the fleet registered anything, and the fleet's wiring.
 */
export class FleetMember {
    constructor(readonly documents: AgentDocuments, readonly wiring: AgentWiring) {}
}

/**
 * An AI agent's identity as code: owner, workload identities, least-privilege grants and an enforced
 * expiry. Children are named `<name>-<role>` and parented here; nothing is created once the agent has
 * expired with `onExpiry: delete`. The component checks its args and wires resources; the documents
 * come from pure builders (`agentid show` prints the same) and each platform creates its own resources.
 */
export class Agent extends pulumi.ComponentResource {
    /** The agent's name. */
    get agentName(): pulumi.Output<string> { return this.output("agentName"); }
    /** `active`, or `expired` once expiresAt has passed. */
    get status(): pulumi.Output<"active" | "expired"> { return this.output("status"); }
    /** Canonical expiry, e.g. 2027-02-28T00:00:00Z. */
    get expiresAt(): pulumi.Output<string> { return this.output("expiresAt"); }
    /** The agent's SPIFFE ID. */
    get spiffeId(): pulumi.Output<string> { return this.output("spiffeId"); }
    /** ARN of the agent's IAM role (undefined without an AWS identity). */
    get awsRoleArn(): pulumi.Output<string | undefined> { return this.output("awsRoleArn"); }
    /** `namespace/name` of the agent's service account (undefined without a Kubernetes identity). */
    get kubernetesServiceAccount(): pulumi.Output<string | undefined> { return this.output("kubernetesServiceAccount"); }
    /** `sha256:…` of the canonical grants. */
    get grantsDigest(): pulumi.Output<string> { return this.output("grantsDigest"); }
    /** ID of the agent's SPIRE registration entry (undefined without a SPIRE identity). */
    get spireEntryId(): pulumi.Output<string | undefined> { return this.output("spireEntryId"); }
    /** The declaration and fleet settings this agent was built from: `agentid plan` diffs access against it. */
    get source(): pulumi.Output<{ declaration: AgentDeclaration; settings: FleetSettings }> {
        return this.output<string>("source").apply((text) => JSON.parse(text) as { declaration: AgentDeclaration; settings: FleetSettings });
    }
    /** The IAM role, when created. */
    public readonly role?: aws.iam.Role;
    /** The service account, when created. */
    public readonly serviceAccount?: k8s.core.v1.ServiceAccount;
    /** `active` or `expired`, as plain data (for the fleet and for programs that branch on it). */
    public readonly currentStatus: "active" | "expired";

    // Outputs are made on first read: at fleet scale every Output costs a tracked promise.
    private readonly outputValues: Record<string, pulumi.Input<unknown>> = {};
    private readonly outputCache = new Map<string, pulumi.Output<never>>();
    private output<T>(key: string): pulumi.Output<T> {
        if (!this.outputCache.has(key)) this.outputCache.set(key, pulumi.output(this.outputValues[key]) as pulumi.Output<never>);
        return this.outputCache.get(key) as unknown as pulumi.Output<T>;
    }

    constructor(name: string, args: AgentArgs | FleetMember, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.agent, name, {}, opts);
        const member = args instanceof FleetMember ? args : undefined;
        const own = member ? undefined : (args as AgentArgs);
        const agentName = member?.documents.agent.name ?? own!.agentName ?? name;
        if (own) {
            const problems = [...unknownArgViolations(TYPE_TOKENS.agent, own), ...settingsSchemaViolations(own.settings)];
            if (problems.length > 0) throw invalidAgentError(String(agentName), problems);
        }
        const settings = member?.documents.settings ?? resolveSettings(own!.settings);
        const wiring: AgentWiring = member?.wiring ?? own!;
        const documents = member?.documents ?? new AgentDocuments(declarationOf(agentName, own!), settings, programClock(own!.now), {
            validated: false, where: `the Agent component "${name}"`,
        });
        const structure = documents.structure;
        this.currentStatus = structure.status;
        if (structure.effect !== "active") {
            pulumi.log.warn(structure.effect === "deleted"
                ? `agent ${agentName} expired at ${structure.expiresAt} (onExpiry: delete): its identities and grants are removed`
                : `agent ${agentName} expired at ${structure.expiresAt} (onExpiry: disable): identities kept, every grant removed`, this);
        }

        const platforms = platformsOf(wiring.platforms);
        const parent = { parent: this };
        let roleArn: pulumi.Input<string> | undefined;
        if (structure.aws && platforms.aws) {
            const arns = this.createAgentcoreIdentity(name, agentName, structure.aws, settings, wiring, parent);
            const withArns = documents.with(arns);
            this.role = createAgentRole(name, structure, withArns, parent);
            // The ARN from the role's name when its account is known now (a preview shows it); else the created role's.
            roleArn = documents.knownRoleArn() ?? this.role.arn;
            this.createToolPolicies(name, agentName, structure.cedar ?? [], withArns, wiring, parent);
        }
        if (structure.kubernetes && platforms.kubernetes) {
            this.serviceAccount = createKubernetesObjects(name, structure, documents.with(roleArn !== undefined ? { roleArn } : {}), parent);
        }
        const entry = structure.spire && platforms.spire ? createSpireEntry(name, structure, documents.with(), wiring.spireSocket, parent) : undefined;
        const serviceAccount = structure.kubernetes && platforms.kubernetes ? structure.kubernetes.manifests[0].metadata : undefined;

        // Known values go to the engine as plain data: each Output costs a tracked promise, which at
        // fleet scale is most of the component's overhead (bench/README.md).
        Object.assign(this.outputValues, {
            agentName, status: structure.status, expiresAt: structure.expiresAt,
            spiffeId: documents.agentValue((a) => a.spiffeId), grantsDigest: documents.agentValue((a) => a.grantsDigest),
            kubernetesServiceAccount: serviceAccount && "namespace" in serviceAccount ? `${serviceAccount.namespace}/${serviceAccount.name}` : undefined,
            awsRoleArn: this.role?.arn, spireEntryId: entry?.entryId,
            // One JSON string, not a nested object: the engine serialises every nested value separately.
            source: documents.source(),
        });
        this.registerOutputs(this.outputValues);
    }

    /**
     * The workload identity and the agent's own OAuth providers, and the ARNs its documents use: computed
     * from names when the fleet names its account and region (so a preview shows the whole documents),
     * the resources' outputs otherwise.
     */
    private createAgentcoreIdentity(name: string, agentName: string, shape: NonNullable<AgentDocuments["structure"]["aws"]>, settings: ResolvedSettings,
        wiring: AgentWiring, parent: pulumi.CustomResourceOptions): DocumentArns {
        const known = knownAgentcoreArns(settings);
        const arns: DocumentArns = { oauthProviderArns: {} };
        if (shape.workloadIdentity) {
            const identityName = workloadIdentityNameOf(agentName);
            const created = createWorkloadIdentity(`${name}-workload-identity`, identityName, parent);
            arns.workloadIdentityArn = known?.workloadIdentity(identityName) ?? created;
        }
        for (const vendor of shape.oauthProviders) {
            const shared = wiring.oauthProviderArns?.[vendor];
            if (shared !== undefined) {
                arns.oauthProviderArns![vendor] = shared;
                continue;
            }
            const client = wiring.oauthClients?.[vendor];
            if (!client) {
                throw new AgentidError(`agent ${agentName}: oauth.${vendor} needs client credentials: pass oauthClients.${vendor} (clientId, clientSecret as secrets) or a fleet-shared oauthProviderArns.${vendor}`);
            }
            const providerName = oauthProviderNameOf(vendor, agentName);
            const created = createOauthProvider(`${name}-oauth-${vendor}`, providerName, vendor, client, parent);
            arns.oauthProviderArns![vendor] = known?.oauthProvider(providerName) ?? created;
        }
        return arns;
    }

    /** One Cedar policy per tool, in the fleet's engine for its gateway or one of the agent's own. */
    private createToolPolicies(name: string, agentName: string, policies: NonNullable<AgentDocuments["structure"]["cedar"]>, documents: ReturnType<AgentDocuments["with"]>,
        wiring: AgentWiring, parent: pulumi.CustomResourceOptions): void {
        const engines = new Map<string, pulumi.Input<string>>();
        const engineOf = (gateway: string) => {
            let engine = wiring.policyEngineIds?.[gateway] ?? engines.get(gateway);
            if (engine === undefined) {
                engine = createPolicyEngine(`${name}-engine-${gateway}`, policyEngineNameOf(gateway, agentName), `agentid tool policies of agent ${agentName} on gateway ${gateway}`, parent);
                engines.set(gateway, engine);
            }
            return engine;
        };
        createToolPolicies(name, agentName, policies, (policy) => documents.value((d) => d.cedar!.find((c) => c.name === policy.name)!.statement), engineOf, parent);
    }
}

/** The declaration an Agent's args describe: the spec fields as given (Input leaves), under the agent's name and labels. */
function declarationOf(agentName: string, args: AgentArgs): Inputs<AgentDeclaration> {
    const spec: Inputs<AgentSpec> = {
        description: args.description, owner: args.owner, expiresAt: args.expiresAt, grants: args.grants,
        ...(args.onExpiry ? { onExpiry: args.onExpiry } : {}),
        ...(args.reviewBy ? { reviewBy: args.reviewBy } : {}),
        ...(args.approval ? { approval: args.approval } : {}),
        ...(args.identity ? { identity: args.identity } : {}),
    };
    return { apiVersion: "agentid/v1", kind: "Agent", metadata: { name: agentName, ...(args.labels ? { labels: args.labels } : {}) }, spec };
}
