import type { Grant } from "../declarations/types";
import type { FieldPath, Violation } from "../declarations/diagnostics";
import { hasWildcard, wildcardActionProblem, wildcardResourceProblem } from "./wildcards";
import { awsConnectors } from "./aws";
import { kubernetesConnector } from "./kubernetes";
import { oauthConnector, toolConnector } from "./saas";
import type { Connector, ExpansionContext, GrantExpansion, SharedResource } from "./contract";

/**
 * Every connector agentid knows, each mapping a declared grant to the smallest permission set
 * that does the job. Exact names (`aws.s3`) and families (`oauth.<vendor>`, `tool.<gateway>`).
 */
export class ConnectorCatalog {
    private readonly exact = new Map<string, Connector>();
    private readonly families: Connector[] = [];

    constructor(connectors: Connector[]) {
        for (const connector of connectors) {
            if (connector.name.endsWith(".")) this.families.push(connector);
            else this.exact.set(connector.name, connector);
        }
    }

    /** Connector names for messages and `--help`: `aws.s3, …, oauth.<vendor>, tool.<gateway>`. */
    names(): string[] {
        return [...this.exact.keys(), "oauth.<vendor>", "tool.<gateway>"];
    }

    /** Every connector with its one-line summary. */
    list(): Connector[] {
        return [...this.exact.values(), ...this.families];
    }

    find(name: string): Connector | undefined {
        return this.exact.get(name) ?? this.families.find((f) => name.startsWith(f.name) && name.length > f.name.length);
    }

    /** The wildcard guardrail, then the connector's own checks; paths relative to the grant. */
    validate(grant: Grant): Violation[] {
        const connector = this.find(grant.connector);
        if (!connector) {
            return [{ path: ["connector"], rule: "unknown-connector", message: `unknown connector "${grant.connector}"; known connectors: ${this.names().join(", ")}` }];
        }
        return [...wildcardViolations(grant, connector), ...connector.validate(grant)];
    }

    /** The fleet-shared resources (OAuth clients, policy engines) the grants use, each once. */
    sharedResources(grants: readonly Grant[]): SharedResource[] {
        const seen = new Map<string, SharedResource>();
        for (const grant of grants) {
            const shared = this.find(grant.connector)?.sharedResource?.(grant);
            if (shared) seen.set(`${shared.kind}|${shared.key}`, shared);
        }
        return [...seen.values()];
    }

    /** The keys of one kind of shared resource the grants use, sorted. */
    sharedKeys(grants: readonly Grant[], kind: SharedResource["kind"]): string[] {
        return this.sharedResources(grants).filter((s) => s.kind === kind).map((s) => s.key).sort();
    }

    /** Whether any grant fetches tokens for the agent's AgentCore workload identity. */
    needsWorkloadIdentity(grants: readonly Grant[]): boolean {
        return grants.some((g) => this.find(g.connector)?.needsWorkloadIdentity === true);
    }

    /** Expands valid grants in declared order. */
    expand(grants: readonly Grant[], context: ExpansionContext): GrantExpansion[] {
        return grants.map((grant, index) => this.find(grant.connector)!.expand(grant, index, context));
    }
}

/** What a grant's list fields hold: things it may do, or things it reaches. */
const ACTION_FIELDS = ["actions", "verbs", "tools", "scopes"] as const;
const RESOURCE_FIELDS = ["resources", "resourceNames", "apiGroups"] as const;

/**
 * `*` and `?` in any field of any connector, in any part of an ARN, are refused: a grant reaches exactly
 * what it names. The one exception is a connector's documented scoping form (S3's trailing `/*`).
 * Connector checks skip values reported here, so each problem is reported once.
 */
function wildcardViolations(grant: Grant, connector: Connector): Violation[] {
    const violations: Violation[] = [];
    const report = (path: FieldPath, rule: string, problem: string | undefined) => { if (problem) violations.push({ path, rule, message: problem }); };
    for (const field of ACTION_FIELDS) {
        (grant[field] ?? []).forEach((value, i) => report([field, i], "wildcard-action", field === "actions"
            ? wildcardActionProblem(value)
            : hasWildcard(value) ? `"${value}" is a pattern; list the exact ${field} the agent needs` : undefined));
    }
    for (const field of RESOURCE_FIELDS) {
        (grant[field] ?? []).forEach((value, i) => {
            const declared = field === "resources" && connector.withoutScopingForm ? connector.withoutScopingForm(value) : value;
            report([field, i], "wildcard-resource", wildcardResourceProblem(declared));
        });
    }
    if (grant.namespace !== undefined) report(["namespace"], "wildcard-resource", wildcardResourceProblem(grant.namespace));
    return violations;
}

/** The catalog every part of agentid uses. */
export const catalog = new ConnectorCatalog([...awsConnectors(), kubernetesConnector(), oauthConnector(), toolConnector()]);
