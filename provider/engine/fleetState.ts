import type { Deployment } from "@pulumi/pulumi/automation";
import type { AgentDeclaration, FleetSettings } from "../declarations/types";
import { TYPE_TOKENS } from "../model/tokens";

interface StateResource {
    urn: string;
    type: string;
    parent?: string;
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

/** Every Agent component in a stack's state. */
export function agentsInState(deployment: Deployment): AgentInState[] {
    const resources = (deployment.deployment?.resources ?? []) as StateResource[];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const isUnder = (resource: StateResource, ancestor: string): boolean => {
        let parent = resource.parent;
        while (parent) {
            if (parent === ancestor) return true;
            parent = byUrn.get(parent)?.parent;
        }
        return false;
    };
    return resources.filter((r) => r.type === TYPE_TOKENS.agent).map((agent) => ({
        name: String(agent.outputs?.agentName ?? agent.urn.split("::").pop()),
        urn: agent.urn,
        ...(typeof agent.outputs?.expiresAt === "string" ? { expiresAt: agent.outputs.expiresAt } : {}),
        ...(typeof agent.outputs?.status === "string" ? { status: agent.outputs.status } : {}),
        ...(typeof agent.outputs?.source === "string" ? { source: JSON.parse(agent.outputs.source) as AgentInState["source"] } : {}),
        descendants: resources.filter((r) => isUnder(r, agent.urn)).map((r) => r.urn),
    }));
}
