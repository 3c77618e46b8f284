import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { vendorIdOf } from "../connectors/oauthScopes";
import { buildAgentArtefacts, AgentArtefacts } from "../model/documents";
import { buildServiceAccount } from "../platforms/kubernetes/manifests";
import { buildSpireEntry } from "../platforms/spire/entry";
import { SpireEntry } from "../platforms/spire/spireEntry";
import { formatInstant, resolveNow } from "../declarations/clock";
import { formatPath } from "../declarations/diagnostics";
import { checkAgent } from "../guardrails/agentRules";
import { programIdentities } from "../guardrails/identities";
import { GRANTS_POLICY_NAME, oauthProviderNameOf, policyEngineNameOf, workloadIdentityNameOf } from "../model/names";
import { checkSettings, resolveSettings, ResolvedSettings } from "../guardrails/fleetSettings";
import { resolveAgent, ResolvedAgent } from "../model/resolvedAgent";
import { structuralDeclaration } from "../model/deferredInputs";
import type { Access, AgentDeclaration, AwsTrustMode, FleetSettings, OnExpiry } from "../declarations/types";

/** The agent's accountable owner. */
export interface OwnerArgs {
    /** The owning team. */
    team: pulumi.Input<string>;
    /** A reachable team e-mail address. */
    contact: pulumi.Input<string>;
    /** Where incidents go, e.g. `pagerduty:support-platform`. */
    escalation?: pulumi.Input<string>;
}

/** The security approval that write-level grants require. */
export interface ApprovalArgs {
    /** The ticket recording the approval. */
    ticket: pulumi.Input<string>;
    /** Who approved (e-mail addresses). */
    approvers: pulumi.Input<string>[];
    /** `sha256:…` of the canonical grants (`agentid digest`); must match when present. */
    grantsDigest?: pulumi.Input<string>;
}

/** One grant. `connector`, `access` and `namespace` decide which resources exist and are plain. */
export interface GrantArgs {
    /** Catalog connector: aws.s3, aws.dynamodb, aws.sqs, aws.sns, aws.secretsmanager, aws.kms, aws.bedrock, aws.lambda, aws.iam, kubernetes, oauth.<vendor>, tool.<gateway>. */
    connector: string;
    /** read, write or readwrite; each connector maps it to its smallest action set. */
    access?: Access;
    /** Explicit IAM actions (aws.iam). */
    actions?: string[];
    /** ARNs (AWS connectors) or resource kinds (kubernetes); may come from other resources. */
    resources?: pulumi.Input<string>[];
    /** Kubernetes object names the grant is limited to (RBAC resourceNames). */
    resourceNames?: pulumi.Input<string>[];
    /** Kubernetes namespace of the grant (default the fleet's namespace). */
    namespace?: string;
    /** Kubernetes verbs. */
    verbs?: string[];
    /** Kubernetes API groups (default the core group ""). */
    apiGroups?: string[];
    /** OAuth scopes (oauth.<vendor>). */
    scopes?: string[];
    /** Gateway tools as `<target>/<tool>` (tool.<gateway>). */
    tools?: string[];
}

/** The identities the agent gets. Trust mode and names are plain; ARNs may come from other resources. */
export interface IdentityArgs {
    /** SPIFFE ID; default `spiffe://<trustDomain>/agents/<name>`. */
    spiffeId?: string;
    /** Kubernetes service account the agent runs as. */
    kubernetes?: { namespace?: string; serviceAccount?: string; automountToken?: boolean; clusterSpiffeId?: boolean };
    /** IAM role with short-lived credentials. */
    aws?: {
        /** irsa, podIdentity, rolesAnywhere or agentcore. */
        trust: AwsTrustMode;
        /** Roles Anywhere trust anchor (rolesAnywhere). */
        trustAnchorArn?: pulumi.Input<string>;
        /** EKS cluster's IAM OIDC provider (irsa). */
        oidcProviderArn?: pulumi.Input<string>;
        /** EKS cluster name (podIdentity). */
        clusterName?: pulumi.Input<string>;
        /** Session length, 900-3600 seconds (default 3600). */
        maxSessionDuration?: number;
        /** Permissions boundary for the role. */
        permissionsBoundaryArn?: pulumi.Input<string>;
    };
    /** SPIRE registration entry. */
    spire?: { parentId: pulumi.Input<string>; selectors: pulumi.Input<string>[]; x509SvidTtl?: number; jwtSvidTtl?: number; dnsNames?: pulumi.Input<string>[] };
}

/** Which platforms to provision; an agent only gets what its identity declares. */
export interface PlatformSwitches {
    /** IAM role, policies, AgentCore resources (default true). */
    aws?: boolean;
    /** ServiceAccount, RBAC, ClusterSPIFFEID (default true). */
    kubernetes?: boolean;
    /** SPIRE registration entries through agentid's provider plugin (default true). */
    spire?: boolean;
}

export interface AgentArgs {
    /** The agent's name (2-40 chars, lowercase DNS-like); defaults to the resource name. */
    agentName?: string;
    /** Labels (string map), as in `metadata.labels`. */
    labels?: Record<string, string>;
    /** What the agent does, in one sentence. */
    description: pulumi.Input<string>;
    /** Who owns the agent. */
    owner: OwnerArgs;
    /** When every credential stops: RFC 3339 date-time or a date (midnight UTC). Plain: it decides which resources exist. */
    expiresAt: string;
    /** What expiry does: `delete` (default) removes everything; `disable` keeps identities and removes every grant. */
    onExpiry?: OnExpiry;
    /** Recertification date, not after expiresAt. */
    reviewBy?: string;
    /** Approval for write-level grants. */
    approval?: ApprovalArgs;
    /** The identities the agent gets. */
    identity?: IdentityArgs;
    /** What the agent may do. At least one. */
    grants: GrantArgs[];
    /** Fleet guardrails and defaults (trust domain, lifetime, namespace, trust anchor, gateways…). */
    settings?: FleetSettings;
    /** The clock for expiry (RFC 3339); default config `agentid:now`, then the system clock. */
    now?: string;
    /** Platforms to provision (default all). */
    platforms?: PlatformSwitches;
    /** Fleet-shared AgentCore OAuth2 credential providers by vendor (ARNs). */
    oauthProviderArns?: Record<string, pulumi.Input<string>>;
    /** OAuth client credentials by vendor, for providers this agent creates itself. */
    oauthClients?: Record<string, { clientId: pulumi.Input<string>; clientSecret: pulumi.Input<string> }>;
    /** Fleet-shared AgentCore policy engines by gateway name (IDs); else the agent creates one per gateway. */
    policyEngineIds?: Record<string, pulumi.Input<string>>;
    /** The SPIRE server's admin socket for the agent's registration entry (default /tmp/spire-server/private/api.sock). */
    spireSocket?: pulumi.Input<string>;
}

/** Args whose declaration AgentFleet has already validated (with file positions): not checked again. */
export const prevalidated = new WeakSet<AgentArgs>();

/** A program-stopping error shown without a stack trace: what is wrong and how to fix it. */
export class AgentidError extends pulumi.RunError {}


/**
 * An AI agent's identity as code: owner, workload identities, least-privilege grants and an
 * enforced expiry. Children are named `<name>-<role>` and parented here; nothing is created once
 * the agent has expired with `onExpiry: delete`.
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

    constructor(name: string, args: AgentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentid:index:Agent", name, {}, opts);
        const agentName = args.agentName ?? name;
        const settings = resolveSettings(args.settings);
        const now = agentClock(args.now);
        const declaration = declarationOf(agentName, args);

        // Structure (which resources exist) is read from plain fields, so previews show everything;
        // values known only after apply get syntactically valid stand-ins for this pass.
        const structural = structuralDeclaration(declaration);
        if (structural.complete && !prevalidated.has(args)) throwIfInvalid(structural.declaration, settings, now);
        // One identity, one agent across the whole program, fleets and standalone agents alike.
        if (structural.complete) throwIfShared(structural.declaration, settings, name);
        const structuralAgent = resolveAgent(structural.declaration, settings, now);
        const shape = buildAgentArtefacts(structuralAgent, settings);

        // With every input known the structural agent is the real one: resources get plain values.
        // Otherwise the same builders run once the inputs resolve, and the guardrails with them.
        const known = structural.complete;
        let realOutput: pulumi.Output<ResolvedAgent> | undefined;
        const real = () => (realOutput ??= known ? pulumi.output(structuralAgent) : pulumi.output(declaration as unknown as pulumi.Input<AgentDeclaration>).apply((decl) => {
            throwIfInvalid(decl, settings, now);
            return resolveAgent(decl, settings, now);
        }));
        const fromAgent = <T>(pick: (a: ResolvedAgent) => T): pulumi.Input<T> => (known ? pick(structuralAgent) : real().apply(pick));

        this.currentStatus = shape.status;

        const platforms = { aws: args.platforms?.aws ?? true, kubernetes: args.platforms?.kubernetes ?? true, spire: args.platforms?.spire ?? true };
        const parent = { parent: this };
        if (shape.effect === "deleted") {
            pulumi.log.warn(`agent ${agentName} expired at ${shape.expiresAt} (onExpiry: delete): its identities and grants are removed`, this);
        } else if (shape.effect === "disabled") {
            pulumi.log.warn(`agent ${agentName} expired at ${shape.expiresAt} (onExpiry: disable): identities kept, every grant removed`, this);
        }

        let roleArn: pulumi.Output<string> | undefined;
        if (shape.aws && platforms.aws) {
            const created = this.createAws(name, agentName, args, shape, known, real, fromAgent, settings, parent);
            this.role = created.role;
            roleArn = created.role.arn;
        }
        if (shape.kubernetes && platforms.kubernetes) {
            this.serviceAccount = this.createKubernetes(name, shape, known ? structuralAgent : undefined, real, roleArn, settings, parent);
        }
        const entry = shape.spire && platforms.spire ? new SpireEntry(`${name}-spire`, {
            spiffeId: fromAgent((a) => a.spiffeId),
            parentId: fromAgent((a) => a.spire!.parentId),
            selectors: fromAgent((a) => buildSpireEntry(a).selectors),
            x509SvidTtl: shape.spire.entry.x509SvidTtl,
            jwtSvidTtl: shape.spire.entry.jwtSvidTtl,
            expiresAt: formatInstant(new Date(shape.spire.entry.expiresAt * 1000)),
            dnsNames: fromAgent((a) => a.spire!.dnsNames),
            hint: agentName,
            ...(args.spireSocket !== undefined ? { socketPath: args.spireSocket } : {}),
        }, parent) : undefined;
        const sa = shape.kubernetes && platforms.kubernetes ? (shape.kubernetes.manifests[0] as { metadata: { name: string; namespace: string } }).metadata : undefined;

        // Known values go to the engine as plain data: each Output costs a tracked promise, which at
        // fleet scale is most of the component's overhead (bench/README.md).
        Object.assign(this.outputValues, {
            agentName, status: shape.status, expiresAt: shape.expiresAt,
            spiffeId: fromAgent((a) => a.spiffeId), grantsDigest: fromAgent((a) => a.grantsDigest),
            kubernetesServiceAccount: sa ? `${sa.namespace}/${sa.name}` : undefined,
            awsRoleArn: roleArn, spireEntryId: entry?.entryId,
            // One JSON string, not a nested object: the engine serialises every nested value separately.
            source: known
                ? JSON.stringify({ declaration: structural.declaration, settings })
                : pulumi.output(declaration as unknown as pulumi.Input<AgentDeclaration>).apply((decl) => JSON.stringify({ declaration: decl, settings })),
        });
        this.registerOutputs(this.outputValues);
    }

    private createAws(name: string, agentName: string, args: AgentArgs, shape: AgentArtefacts, known: boolean, real: () => pulumi.Output<ResolvedAgent>,
        fromAgent: <T>(pick: (a: ResolvedAgent) => T) => pulumi.Input<T>, settings: ResolvedSettings, parent: pulumi.CustomResourceOptions): { role: aws.iam.Role } {
        const awsShape = shape.aws!;
        const workloadIdentityArn = awsShape.workloadIdentity
            ? new aws.bedrock.AgentcoreWorkloadIdentity(`${name}-workload-identity`, { name: workloadIdentityNameOf(agentName) }, parent).workloadIdentityArn
            : pulumi.output(undefined);
        const providerArns: Record<string, pulumi.Input<string>> = {};
        for (const vendor of awsShape.oauthProviders) {
            providerArns[vendor] = args.oauthProviderArns?.[vendor] ?? oauthProvider(`${name}-oauth-${vendor}`, oauthProviderNameOf(vendor, agentName), vendor, args, parent).credentialProviderArn;
        }
        // The same pure builders as `agentid show`, fed with the ARNs of the resources above. When nothing
        // depends on such ARNs and every input is known, the structural artefacts are the documents.
        const dynamic = !known || awsShape.workloadIdentity || awsShape.oauthProviders.length > 0;
        const documents = dynamic ? pulumi.all([real(), workloadIdentityArn, pulumi.output(providerArns)]).apply(([agent, wi, arns]) =>
            buildAgentArtefacts(agent, settings, {
                ...(wi ? { workloadIdentityArn: wi } : {}),
                oauthProviderArn: (vendor) => (arns as Record<string, string>)[vendor],
            })) : undefined;
        const fromDocuments = <T>(pick: (d: AgentArtefacts) => T): pulumi.Input<T> => (documents ? documents.apply(pick) : pick(shape));
        const role = new aws.iam.Role(`${name}-role`, {
            name: awsShape.roleName,
            path: awsShape.path,
            description: fromAgent((a) => `agentid agent ${a.name}: ${a.description}`.slice(0, 1000)),
            assumeRolePolicy: fromDocuments((d) => JSON.stringify(d.aws!.trustPolicy)),
            maxSessionDuration: awsShape.maxSessionDuration,
            permissionsBoundary: fromAgent((a) => a.aws?.permissionsBoundaryArn),
            tags: fromDocuments((d) => d.aws!.tags),
        }, parent);
        const policy = awsShape.permissionPolicy
            ? new aws.iam.RolePolicy(`${name}-grants`, {
                role: role.name,
                name: GRANTS_POLICY_NAME,
                policy: fromDocuments((d) => JSON.stringify(d.aws!.permissionPolicy)),
            }, parent)
            : undefined;
        // Exclusive management: anything attached out of band is drift the next update removes.
        new aws.iam.RolePoliciesExclusive(`${name}-policies-exclusive`, { roleName: role.name, policyNames: policy ? [policy.name] : [] }, parent);
        new aws.iam.RolePolicyAttachmentsExclusive(`${name}-attachments-exclusive`, { roleName: role.name, policyArns: [] }, parent);
        if (shape.effect === "active" && (args.identity?.aws?.trust === "podIdentity")) {
            const sa = (shape.kubernetes?.manifests[0] as { metadata: { name: string; namespace: string } } | undefined)?.metadata;
            new aws.eks.PodIdentityAssociation(`${name}-pod-identity`, {
                clusterName: fromAgent((a) => a.aws!.clusterName!),
                namespace: sa?.namespace ?? settings.defaultNamespace,
                serviceAccount: sa?.name ?? agentName,
                roleArn: role.arn,
            }, parent);
        }
        const engines = new Map<string, pulumi.Input<string>>();
        for (const cedar of shape.cedar ?? []) {
            let engine = args.policyEngineIds?.[cedar.gateway] ?? engines.get(cedar.gateway);
            if (engine === undefined) {
                engine = new aws.bedrock.AgentcorePolicyEngine(`${name}-engine-${cedar.gateway}`, {
                    name: policyEngineNameOf(cedar.gateway, agentName),
                    description: `agentid tool policies of agent ${agentName} on gateway ${cedar.gateway}`,
                }, parent).policyEngineId;
                engines.set(cedar.gateway, engine);
            }
            // The policy's own name is unique per agent, gateway and tool (crm/a-b and crm-a/b included).
            new aws.bedrock.AgentcorePolicy(`${name}-tool-${cedar.name}`, {
                policyEngineId: engine,
                name: cedar.name,
                description: `${agentName} may call ${cedar.tool} on ${cedar.gateway}`,
                definition: { cedar: { statement: fromDocuments((d) => d.cedar!.find((c) => c.name === cedar.name)!.statement) } },
            }, parent);
        }
        return { role };
    }

    private createKubernetes(name: string, shape: AgentArtefacts, knownAgent: ResolvedAgent | undefined, real: () => pulumi.Output<ResolvedAgent>, roleArn: pulumi.Output<string> | undefined,
        settings: ResolvedSettings, parent: pulumi.CustomResourceOptions): k8s.core.v1.ServiceAccount {
        const [saShape, ...others] = shape.kubernetes!.manifests as KubernetesManifest[];
        const known = knownAgent !== undefined;
        const manifests = known ? undefined : real().apply((agent) => buildAgentArtefacts(agent, settings).kubernetes!.manifests as KubernetesManifest[]);
        const irsaArn = shape.aws?.trustPolicy.Statement.some((s) => s.Sid === "AgentTrustIrsa") ? roleArn : undefined;
        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: {
                name: saShape.metadata.name,
                namespace: saShape.metadata.namespace,
                labels: saShape.metadata.labels,
                annotations: known
                    ? (irsaArn
                        ? irsaArn.apply((arn) => buildServiceAccount(knownAgent, arn).metadata.annotations)
                        : (saShape as unknown as { metadata: { annotations: Record<string, string> } }).metadata.annotations)
                    : pulumi.all([real(), irsaArn]).apply(([agent, arn]) => buildServiceAccount(agent, arn).metadata.annotations),
            },
            automountServiceAccountToken: (saShape as unknown as { automountServiceAccountToken: boolean }).automountServiceAccountToken,
        }, parent);
        others.forEach((manifest, i) => {
            const metadata = { name: manifest.metadata.name, namespace: manifest.metadata.namespace, labels: manifest.metadata.labels };
            const fromReal = <T>(pick: (m: KubernetesManifest & Record<string, unknown>) => T): pulumi.Input<T> =>
                manifests ? manifests.apply((all) => pick(all[i + 1] as KubernetesManifest & Record<string, unknown>)) : pick(manifest as KubernetesManifest & Record<string, unknown>);
            const ns = manifest.metadata.namespace;
            switch (manifest.kind) {
                case "Role":
                    new k8s.rbac.v1.Role(`${name}-rbac-${ns}`, { metadata, rules: fromReal((m) => m.rules as k8s.types.input.rbac.v1.PolicyRule[]) }, parent);
                    break;
                case "RoleBinding":
                    new k8s.rbac.v1.RoleBinding(`${name}-rbac-binding-${ns}`, {
                        metadata,
                        roleRef: fromReal((m) => m.roleRef as k8s.types.input.rbac.v1.RoleRef),
                        subjects: fromReal((m) => m.subjects as k8s.types.input.rbac.v1.Subject[]),
                    }, { ...parent, dependsOn: [serviceAccount] });
                    break;
                case "ClusterSPIFFEID":
                    new k8s.apiextensions.CustomResource(`${name}-spiffe`, {
                        apiVersion: manifest.apiVersion, kind: manifest.kind, metadata, spec: fromReal((m) => m.spec),
                    }, parent);
                    break;
            }
        });
        return serviceAccount;
    }
}

interface KubernetesManifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels: Record<string, string> };
}

/** The clock: explicit arg, then AGENTID_NOW, then config `agentid:now`, then the system clock. */
export function agentClock(explicit?: string): Date {
    // AGENTID_NOW wins over the stack's config so that `agentid reap --now` can move the clock.
    const text = explicit ?? process.env.AGENTID_NOW ?? new pulumi.Config("agentid").get("now");
    try {
        return resolveNow(text);
    } catch (error) {
        throw new AgentidError(`agentid:now: ${(error as Error).message}`);
    }
}

/** The guardrails, as one readable error naming the agent, each field and the fix. */
export function throwIfInvalid(decl: AgentDeclaration, settings: ResolvedSettings, now: Date): void {
    const violations = [...checkSettings(settings), ...checkAgent(decl, settings, now)];
    if (violations.length === 0) return;
    const lines = violations.map((v) => `  ${formatPath(v.path)}: ${v.message} (${v.rule})`);
    throw new AgentidError(`agent ${decl.metadata.name} is invalid:\n${lines.join("\n")}`);
}

function throwIfShared(decl: AgentDeclaration, settings: ResolvedSettings, resourceName: string): void {
    const shared = programIdentities.add(decl, settings, `the Agent component "${resourceName}"`);
    if (shared.length === 0) return;
    const lines = shared.map((v) => `  ${formatPath(v.path)}: ${v.message} (${v.rule})`);
    throw new AgentidError(`agent ${decl.metadata.name} is invalid:\n${lines.join("\n")}`);
}

/** The declaration (with Input leaves) that the args describe. */
function declarationOf(agentName: string, args: AgentArgs): AgentDeclaration {
    const spec: Record<string, unknown> = {
        description: args.description, owner: args.owner, expiresAt: args.expiresAt, grants: args.grants,
        ...(args.onExpiry ? { onExpiry: args.onExpiry } : {}),
        ...(args.reviewBy ? { reviewBy: args.reviewBy } : {}),
        ...(args.approval ? { approval: args.approval } : {}),
        ...(args.identity ? { identity: args.identity } : {}),
    };
    return {
        apiVersion: "agentid/v1", kind: "Agent",
        metadata: { name: agentName, ...(args.labels ? { labels: args.labels } : {}) },
        spec,
    } as unknown as AgentDeclaration;
}

function oauthProvider(resourceName: string, providerName: string, vendor: string, args: AgentArgs, parent: pulumi.CustomResourceOptions) {
    const client = args.oauthClients?.[vendor];
    if (!client) {
        throw new AgentidError(`agent ${args.agentName ?? resourceName}: oauth.${vendor} needs client credentials: pass oauthClients.${vendor} (clientId, clientSecret as secrets) or a fleet-shared oauthProviderArns.${vendor}`);
    }
    const configKey = `${vendor}Oauth2ProviderConfig`;
    return new aws.bedrock.AgentcoreOauth2CredentialProvider(resourceName, {
        name: providerName,
        credentialProviderVendor: vendorIdOf(vendor)!,
        oauth2ProviderConfig: { [configKey]: { clientId: client.clientId, clientSecret: client.clientSecret } },
    }, parent);
}
