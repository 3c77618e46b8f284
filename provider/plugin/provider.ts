import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { checkEntryInputs, diffEntry, EntryInputs, SPIRE_ENTRY_TYPE, SpireEntryOperations } from "../platforms/spire/entryProvider";

/** The package version the plugin reports. */
export const PROVIDER_VERSION = "0.1.0";

/**
 * agentid's provider plugin (`pulumi-resource-agentid`): serves the native `agentid:spire:Entry`.
 * Calls for any other type are refused with the list of what it serves.
 */
export class AgentidProvider implements provider.Provider {
    readonly version = PROVIDER_VERSION;

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
        if (type !== SPIRE_ENTRY_TYPE) throw new Error(`pulumi-resource-agentid serves ${SPIRE_ENTRY_TYPE}; it does not manage ${type}`);
    }
}
