import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { Agent, AgentArgs } from "../components/agent";
import { AgentFleet, AgentFleetArgs } from "../components/agentFleet";
import { checkEntryInputs, diffEntry, EntryInputs, SpireEntryOperations } from "../platforms/spire/entryProvider";
import { TYPE_TOKENS } from "../model/tokens";

/** The package version the plugin reports. */
export const PROVIDER_VERSION = "0.1.0";

/** The package schema (schema/schema.json, generated from the components' args by `npm run schema`). */
export const SCHEMA_PATH = path.resolve(__dirname, "..", "..", "..", "schema", "schema.json");

/**
 * agentid's provider plugin (`pulumi-resource-agentid`): serves the native `agentid:spire:Entry`
 * and, for Pulumi YAML, Python, Go and .NET programs, the Agent and AgentFleet components.
 */
export class AgentidProvider implements provider.Provider {
    readonly version = PROVIDER_VERSION;

    async getSchema(): Promise<string> {
        return fs.readFileSync(SCHEMA_PATH, "utf8");
    }

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        if (type === TYPE_TOKENS.agent) {
            const agent = new Agent(name, inputs as unknown as AgentArgs, options);
            return {
                urn: agent.urn,
                state: {
                    agentName: agent.agentName, status: agent.status, expiresAt: agent.expiresAt, spiffeId: agent.spiffeId,
                    awsRoleArn: agent.awsRoleArn, kubernetesServiceAccount: agent.kubernetesServiceAccount,
                    grantsDigest: agent.grantsDigest, spireEntryId: agent.spireEntryId,
                },
            };
        }
        if (type === TYPE_TOKENS.fleet) {
            const fleet = new AgentFleet(name, inputs as unknown as AgentFleetArgs, options);
            return { urn: fleet.urn, state: { expired: fleet.expired, summary: fleet.summary } };
        }
        throw new Error(`pulumi-resource-agentid has no component ${type}; it serves agentid:index:Agent and agentid:index:AgentFleet`);
    }

    constructor(private readonly spire = new SpireEntryOperations()) {}

    async check(urn: string, _olds: unknown, news: Record<string, unknown>): Promise<provider.CheckResult> {
        this.expectEntry(urn);
        return checkEntryInputs(news);
    }

    async diff(_id: string, urn: string, olds: Partial<EntryInputs>, news: EntryInputs): Promise<provider.DiffResult> {
        this.expectEntry(urn);
        return diffEntry(olds, news);
    }

    async create(urn: string, inputs: EntryInputs): Promise<provider.CreateResult> {
        this.expectEntry(urn);
        return this.spire.create(inputs);
    }

    async read(id: string, urn: string, props?: Partial<EntryInputs>): Promise<provider.ReadResult> {
        this.expectEntry(urn);
        return this.spire.read(id, props ?? {});
    }

    async update(id: string, urn: string, _olds: unknown, news: EntryInputs): Promise<provider.UpdateResult> {
        this.expectEntry(urn);
        return this.spire.update(id, news);
    }

    async delete(id: string, urn: string, props: Partial<EntryInputs>): Promise<void> {
        this.expectEntry(urn);
        await this.spire.delete(id, props);
    }

    private expectEntry(urn: pulumi.URN | string): void {
        const type = urn.split("::")[2]?.split("$").pop();
        if (type !== TYPE_TOKENS.spireEntry) throw new Error(`pulumi-resource-agentid serves ${TYPE_TOKENS.spireEntry}; it does not manage ${type}`);
    }
}
