/**
 * A stack indexed for the guardrails: resources by URN and type, which resources sit under an agentid
 * Agent, and which resource a property refers to (by value, or by the engine's property dependencies
 * when the value is not known yet).
 */
import { isUnknown, ResourceView, TYPES } from "./resourceView";

export class StackView {
    private readonly byUrn: Map<string, ResourceView>;
    private readonly byType = new Map<string, ResourceView[]>();

    constructor(readonly resources: readonly ResourceView[]) {
        this.byUrn = new Map(resources.map((r) => [r.urn, r]));
        for (const r of resources) this.byType.set(r.type, [...(this.byType.get(r.type) ?? []), r]);
    }

    get(urn: string): ResourceView | undefined {
        return this.byUrn.get(urn);
    }

    ofType(type: string): ResourceView[] {
        return this.byType.get(type) ?? [];
    }

    /**
     * True when an agentid Agent component is an ancestor: its documents come from a declaration that
     * passed the same guardrails, so values it computes from its own resources may be unknown at preview.
     */
    underAgent(r: ResourceView): boolean {
        return this.agentOf(r) !== undefined;
    }

    /** The URN of the agentid Agent component `r` sits under, if any. */
    agentOf(r: ResourceView): string | undefined {
        for (let urn = r.parent; urn !== undefined; urn = this.byUrn.get(urn)?.parent) {
            if (this.byUrn.get(urn)?.type === TYPES.agent || typeFromUrn(urn) === TYPES.agent) return urn;
            if (!this.byUrn.has(urn)) return undefined;
        }
        return undefined;
    }

    /** Whether the engine reports a property of `r` as computed from other resources (in the stack or not). */
    hasDependencies(r: ResourceView, property: string): boolean {
        return (r.propertyDependencies?.[property] ?? []).length > 0;
    }

    /** The resources of this stack a property of `r` was computed from. */
    dependenciesOf(r: ResourceView, property: string): ResourceView[] {
        return (r.propertyDependencies?.[property] ?? []).map((urn) => this.byUrn.get(urn)).filter((d): d is ResourceView => d !== undefined);
    }

    /**
     * Whether property `property` of `holder` (value `value`, or one element of it) names the IAM role
     * `role`: its name or ARN, or — when the value is not known yet — a value computed from the role.
     */
    refersToRole(holder: ResourceView, property: string, value: unknown, role: ResourceView): boolean {
        if (isUnknown(value)) return (holder.propertyDependencies?.[property] ?? []).includes(role.urn);
        if (typeof value !== "string") return false;
        const name = role.props.name;
        if (typeof role.props.arn === "string" && value === role.props.arn) return true;
        if (typeof name !== "string") return (holder.propertyDependencies?.[property] ?? []).includes(role.urn);
        if (value === name) return true;
        const path = typeof role.props.path === "string" ? role.props.path : "/";
        return /^arn:[^:]+:iam::\d{12}:role\//.test(value) && value.endsWith(`:role${path}${name}`);
    }
}

/** The resource type at the end of a URN (`urn:pulumi:stack::project::parent$type::name`). */
function typeFromUrn(urn: string): string | undefined {
    const qualified = urn.split("::")[2];
    return qualified?.split("$").pop();
}
