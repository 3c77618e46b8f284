/**
 * What an identity may do, one permission at a time, whatever the document it comes from: IAM statements
 * (an agent's generated policy or a stack's policies), RBAC rules, OAuth scopes an agent can obtain and
 * gateway tools. `who-can` and the separation-of-duties rules read these; the policy pack builds the same
 * permissions from a stack's resources. One reading of the documents, so every question gets one answer.
 */
import type { GrantExpansion, RbacRule } from "../connectors/contract";
import { iamActions } from "../connectors/iamData";
import { isReadVerb, serviceAccountsActedAs } from "../connectors/kubernetes";
import { scopesOf } from "../connectors/oauthScopes";
import { hasWildcard } from "../connectors/wildcards";
import type { Access } from "../declarations/types";

/** Read (IAM Read and List, get/list/watch, read scopes) or write (everything that changes something). */
export type PermissionLevel = "read" | "write";

interface PermissionBase {
    level: PermissionLevel;
    /** The grant of `spec.grants` it comes from (declarations); absent for a stack's resources. */
    grant?: number;
    /** The stack resource that grants it, as messages name it (stacks). */
    source?: string;
    /** Held through another permission, not named by any rule: why (a pod the holder may create mounts it). */
    indirect?: string;
}

/** One IAM action on one Resource pattern of a statement. */
export interface AwsPermission extends PermissionBase {
    kind: "aws";
    /** `Allow` or `Deny`. */
    effect: "Allow" | "Deny";
    /** As written (canonical spelling when IAM knows it); may be a pattern in a stack. */
    action: string;
    /** The IAM service prefix, lower case (`s3`). */
    service: string;
    /** The statement's Resource entry: an ARN, a connector's scoping form, or a pattern in a stack. */
    resource: string;
    /** The statement's conditions, as written. */
    condition?: Record<string, Record<string, string | string[]>>;
}

/** One verb on one resource kind in one namespace (an RBAC rule, possibly limited to object names). */
export interface KubernetesPermission extends PermissionBase {
    kind: "kubernetes";
    namespace: string;
    apiGroups: string[];
    /** `configmaps`, or a subresource such as `pods/log`. */
    resource: string;
    resourceNames?: string[];
    verb: string;
}

/** One OAuth scope of a SaaS vendor the identity can obtain. */
export interface SaasPermission extends PermissionBase {
    kind: "saas";
    vendor: string;
    /** Undefined: any scope the vendor's client serves (a stack does not say which). */
    scope?: string;
    /** Agents sharing the OAuth client that declare the scope when this agent does not. */
    through?: string[];
}

/** One tool behind an AgentCore gateway. */
export interface ToolPermission extends PermissionBase {
    kind: "tool";
    /** The gateway's name, or `*`: every gateway (a stack's Cedar permit naming none). */
    gateway: string;
    /** `<target>/<tool>`, or `*`: every tool of the gateway (a stack's Cedar permit naming no tool). */
    tool: string;
}

export type Permission = AwsPermission | KubernetesPermission | SaasPermission | ToolPermission;

/** An IAM statement as generated or as a stack holds it (fields loosely typed). */
export interface StatementLike {
    Effect?: unknown;
    Action?: unknown;
    Resource?: unknown;
    Condition?: unknown;
}

/** The level of an IAM action: Read and List read; any other (and an unknown or pattern action) writes. */
export function iamActionLevels(action: string): PermissionLevel[] {
    if (hasWildcard(action)) return ["read", "write"];
    return iamActions.isWrite(action) ? ["write"] : ["read"];
}

/** Every action × resource of IAM statements with `Action` and `Resource` lists (NotAction/NotResource are not permissions here). */
export function awsPermissionsOf(statements: readonly StatementLike[], grantOf: (statement: StatementLike) => number | undefined = () => undefined): AwsPermission[] {
    const out: AwsPermission[] = [];
    for (const s of statements) {
        const effect = s.Effect === "Deny" ? "Deny" : "Allow";
        const condition = s.Condition !== null && typeof s.Condition === "object" && !Array.isArray(s.Condition)
            ? s.Condition as AwsPermission["condition"] : undefined;
        const grant = grantOf(s);
        for (const written of listOf(s.Action)) {
            const action = iamActions.canonical(written) ?? written;
            const service = action === "*" ? "*" : action.split(":")[0].toLowerCase();
            for (const level of iamActionLevels(action)) {
                for (const resource of listOf(s.Resource)) {
                    out.push({ kind: "aws", effect, action, service, resource, level, ...(condition ? { condition } : {}), ...(grant !== undefined ? { grant } : {}) });
                }
            }
        }
    }
    return out;
}

/** Every verb × resource of RBAC rules bound in one namespace. */
export function rbacPermissionsOf(namespace: string, rules: readonly RbacRule[], grant?: number): KubernetesPermission[] {
    return rules.flatMap((rule) => rule.verbs.flatMap((verb) => rule.resources.map((resource): KubernetesPermission => ({
        kind: "kubernetes", namespace, apiGroups: [...rule.apiGroups], resource, verb,
        level: isReadVerb(verb) ? "read" : "write",
        ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
        ...(grant !== undefined ? { grant } : {}),
    }))));
}

/** Every secret and config map of the namespace, read: what a pod the rules let their holder create can mount. */
export function mountedPermissionsOf(namespace: string, rules: readonly RbacRule[], grant?: number): KubernetesPermission[] {
    const mounting = rules.map((rule) => serviceAccountsActedAs(rule)).find((a) => a?.mountsAny);
    if (!mounting) return [];
    return ["secrets", "configmaps"].map((resource): KubernetesPermission => ({
        kind: "kubernetes", namespace, apiGroups: [""], resource, verb: "get", level: "read", indirect: mounting.reason,
        ...(grant !== undefined ? { grant } : {}),
    }));
}

/** The effective scopes of an OAuth grant: each at its vendor's level (admin scopes write), noting those obtained through a shared client. */
export function saasPermissionsOf(oauth: NonNullable<GrantExpansion["oauth"]>, grant?: number): SaasPermission[] {
    const levels = scopesOf(oauth.vendor) ?? {};
    return oauth.effectiveScopes.map((scope): SaasPermission => ({
        kind: "saas", vendor: oauth.vendor, scope, level: levels[scope] === "read" ? "read" : "write",
        ...(oauth.scopes.includes(scope) ? {} : { through: [...oauth.sharedWith] }),
        ...(grant !== undefined ? { grant } : {}),
    }));
}

/** Tools of a gateway at the grant's access level (readwrite is both). */
export function toolPermissionsOf(gateway: string, tools: readonly string[], access: Access, grant?: number): ToolPermission[] {
    const levels: PermissionLevel[] = access === "readwrite" ? ["read", "write"] : [access];
    return tools.flatMap((tool) => levels.map((level): ToolPermission => ({ kind: "tool", gateway, tool, level, ...(grant !== undefined ? { grant } : {}) })));
}

/** The permissions of an active agent's expanded grants, each carrying its grant's index. */
export function permissionsOfExpansions(expansions: readonly GrantExpansion[]): Permission[] {
    return expansions.flatMap((e): Permission[] => [
        ...awsPermissionsOf(e.statements, () => e.index),
        ...(e.rbac ? [...rbacPermissionsOf(e.rbac.namespace, e.rbac.rules, e.index), ...mountedPermissionsOf(e.rbac.namespace, e.rbac.rules, e.index)] : []),
        ...(e.oauth ? saasPermissionsOf(e.oauth, e.index) : []),
        ...(e.tools ? toolPermissionsOf(e.tools.gateway, e.tools.tools, e.access, e.index) : []),
    ]);
}

function listOf(value: unknown): string[] {
    if (typeof value === "string") return [value];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
