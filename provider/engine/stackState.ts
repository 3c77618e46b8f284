import type { Deployment } from "@pulumi/pulumi/automation";
import type { AgentDeclaration, FleetSettings } from "../declarations/types";
import { TYPE_TOKENS } from "../model/tokens";

/** A resource as a stack's exported state records it (the fields agentid reads). */
export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    parent?: string;
    custom?: boolean;
    provider?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** An Agent component as recorded in a stack, with every resource beneath it. */
export interface AgentInState {
    name: string;
    urn: string;
    expiresAt?: string;
    status?: string;
    source?: { declaration: AgentDeclaration; settings: FleetSettings };
    /** URNs of every resource whose parent chain leads to the agent. */
    descendants: string[];
}

/** Every resource of a stack's state. */
export function resourcesInState(deployment: Deployment): StateResource[] {
    return (deployment.deployment?.resources ?? []) as StateResource[];
}

/** Every Agent component in a stack's state. */
export function agentsInState(deployment: Deployment): AgentInState[] {
    const resources = resourcesInState(deployment);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // Each resource's ancestors are walked once: the agents above it gain it as a descendant.
    const descendantsOf = new Map(resources.filter((r) => r.type === TYPE_TOKENS.agent).map((r) => [r.urn, [] as string[]]));
    for (const resource of resources) {
        for (let parent = resource.parent; parent; parent = byUrn.get(parent)?.parent) descendantsOf.get(parent)?.push(resource.urn);
    }
    return resources.filter((r) => r.type === TYPE_TOKENS.agent).map((agent) => ({
        name: String(agent.outputs?.agentName ?? agent.urn.split("::").pop()),
        urn: agent.urn,
        ...(typeof agent.outputs?.expiresAt === "string" ? { expiresAt: agent.outputs.expiresAt } : {}),
        ...(typeof agent.outputs?.status === "string" ? { status: agent.outputs.status } : {}),
        ...(typeof agent.outputs?.source === "string" ? { source: JSON.parse(agent.outputs.source) as AgentInState["source"] } : {}),
        descendants: descendantsOf.get(agent.urn)!,
    }));
}

/**
 * URNs worth refreshing: every custom resource except those of a Kubernetes provider that renders
 * YAML to a directory. Rendered manifests are never read back (the v4.25.0 provider fails such a
 * read with "unreachable cluster"), so they cannot drift; everything else can.
 */
export function refreshTargets(deployment: Deployment): string[] {
    const unreadable = new Set(unreadableResources(deployment));
    return ((deployment.deployment?.resources ?? []) as StateResource[])
        .filter((r) => r.custom !== false && !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack")
        .filter((r) => !unreadable.has(r.urn))
        .map((r) => r.urn);
}

/** URNs of resources a refresh cannot read: those of a Kubernetes provider that renders YAML to a directory. */
export function unreadableResources(deployment: Deployment): string[] {
    const resources = (deployment.deployment?.resources ?? []) as StateResource[];
    const renderProviders = new Set(resources
        .filter((r) => r.type === "pulumi:providers:kubernetes" && r.inputs?.renderYamlToDirectory)
        .map((r) => `${r.urn}::${r.id ?? ""}`));
    return resources.filter((r) => r.provider && renderProviders.has(r.provider)).map((r) => r.urn);
}
