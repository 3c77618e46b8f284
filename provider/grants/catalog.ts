import type { Grant } from "../spec/types";
import type { Violation } from "../spec/diagnostics";
import { awsConnectors } from "./awsConnectors";
import { kubernetesConnector } from "./kubernetesConnector";
import { oauthConnector, toolConnector } from "./saasConnectors";
import type { Connector, ExpansionContext, GrantExpansion } from "./types";

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

    /** Connector-specific violations; paths relative to the grant. */
    validate(grant: Grant): Violation[] {
        const connector = this.find(grant.connector);
        if (!connector) {
            return [{ path: ["connector"], rule: "unknown-connector", message: `unknown connector "${grant.connector}"; known connectors: ${this.names().join(", ")}` }];
        }
        return connector.validate(grant);
    }

    /** Expands valid grants in declared order. */
    expand(grants: readonly Grant[], context: ExpansionContext): GrantExpansion[] {
        return grants.map((grant, index) => this.find(grant.connector)!.expand(grant, index, context));
    }
}

/** The catalog every part of agentid uses. */
export const catalog = new ConnectorCatalog([...awsConnectors(), kubernetesConnector(), oauthConnector(), toolConnector()]);
