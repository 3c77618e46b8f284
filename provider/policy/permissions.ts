/**
 * Every way an IAM role gets permissions in a stack — inline policies on the role, RolePolicy,
 * RolePolicyAttachment, managedPolicyArns, Policy + PolicyAttachment, RolePolicyAttachmentsExclusive —
 * resolved to documents where the stack holds them, and judged by the same rules as declarations
 * (wildcards: spec/wildcards; forbidden actions: grants/forbiddenActions).
 */
import { forbiddenAction } from "../connectors/forbiddenActions";
import { isScopedOauthTokenStatement } from "../connectors/saas";
import { parseInstant } from "../declarations/clock";
import { isScopingForm, wildcardActionProblem, wildcardResourceProblem } from "../connectors/wildcards";
import { EXPIRY_CONDITION } from "../model/trustModes";
import { conditionValue, IamStatement, isAllow, isUnknown, labelOf, listOf, PolicyDocumentView, readPolicyDocument, ResourceView, statementLabel, TYPES } from "./resourceView";
import { StackView } from "./stackView";

/** One source of permissions on a role: where it comes from and its document (or why it cannot be read). */
export interface PermissionSource {
    /** The resource that puts the permissions on the role (reported on). */
    holder: ResourceView;
    /** How the holder grants them, for messages, e.g. `inline policy "grants"`. */
    via: string;
    document: PolicyDocumentView | { kind: "unreviewable"; reason: string };
}

/** Every permission source of `role` in the stack. */
export function permissionSourcesOf(role: ResourceView, stack: StackView): PermissionSource[] {
    const out: PermissionSource[] = [];
    const inline = role.props.inlinePolicies;
    // A role that sets no inline policies or managed ARNs shows both as unknown until AWS reports them; only a
    // value computed from other resources (a property dependency) is the program's own unknown policy.
    if (isUnknown(inline)) {
        if (stack.hasDependencies(role, "inlinePolicies")) out.push({ holder: role, via: "inlinePolicies", document: { kind: "unknown" } });
    } else if (Array.isArray(inline)) {
        inline.forEach((p, i) => {
            const entry = p as { name?: unknown; policy?: unknown } | undefined;
            const name = typeof entry?.name === "string" ? entry.name : `#${i + 1}`;
            out.push({ holder: role, via: `inline policy "${name}"`, document: isUnknown(p) ? { kind: "unknown" } : readPolicyDocument(entry?.policy) });
        });
    }
    const managed = role.props.managedPolicyArns;
    if (isUnknown(managed)) {
        if (stack.hasDependencies(role, "managedPolicyArns")) out.push(...managedPolicy(stack, role, "managedPolicyArns", managed, "managedPolicyArns"));
    } else {
        for (const arn of Array.isArray(managed) ? managed : []) out.push(...managedPolicy(stack, role, "managedPolicyArns", arn, "managedPolicyArns"));
    }
    for (const rp of stack.ofType(TYPES.rolePolicy).filter((p) => stack.refersToRole(p, "role", p.props.role, role))) {
        out.push({ holder: rp, via: "its policy", document: readPolicyDocument(rp.props.policy) });
    }
    for (const a of stack.ofType(TYPES.rolePolicyAttachment).filter((x) => stack.refersToRole(x, "role", x.props.role, role))) {
        out.push(...managedPolicy(stack, a, "policyArn", a.props.policyArn, "policyArn"));
    }
    for (const a of stack.ofType(TYPES.policyAttachment)) {
        const roles = a.props.roles;
        const attached = isUnknown(roles) ? stack.refersToRole(a, "roles", roles, role) : Array.isArray(roles) && roles.some((r) => stack.refersToRole(a, "roles", r, role));
        if (attached) out.push(...managedPolicy(stack, a, "policyArn", a.props.policyArn, "policyArn"));
    }
    for (const a of stack.ofType(TYPES.rolePolicyAttachmentsExclusive).filter((x) => stack.refersToRole(x, "roleName", x.props.roleName, role))) {
        const arns = a.props.policyArns;
        if (isUnknown(arns)) out.push(...managedPolicy(stack, a, "policyArns", arns, "policyArns"));
        else for (const arn of Array.isArray(arns) ? arns : []) out.push(...managedPolicy(stack, a, "policyArns", arn, "policyArns"));
    }
    return out;
}

/** A managed policy ARN resolved to the stack's `aws.iam.Policy`, or why it cannot be reviewed. */
function managedPolicy(stack: StackView, holder: ResourceView, property: string, arn: unknown, field: string): PermissionSource[] {
    if (isUnknown(arn)) {
        const policies = stack.dependenciesOf(holder, property).filter((d) => d.type === TYPES.policy);
        if (policies.length > 0) return policies.map((p) => ({ holder, via: `${field} ${labelOf(p)}`, document: readPolicyDocument(p.props.policy) }));
        return [{ holder, via: field, document: { kind: "unknown" } }];
    }
    if (typeof arn !== "string") return [{ holder, via: field, document: { kind: "invalid", reason: `${JSON.stringify(arn)} is not a policy ARN` } }];
    const policy = stack.ofType(TYPES.policy).find((p) => p.props.arn === arn || policyArnNames(arn, p));
    if (policy) return [{ holder, via: `${field} ${labelOf(policy)}`, document: readPolicyDocument(policy.props.policy) }];
    if (/^arn:[^:]+:iam::aws:policy\//.test(arn)) {
        return [{ holder, via: `${field} ${arn}`, document: { kind: "unreviewable", reason: "is an AWS managed policy: AWS writes and changes it, mostly for every resource (\"*\"), outside any review of this stack — grant the exact actions on exact resources in an inline policy instead" } }];
    }
    return [{ holder, via: `${field} ${arn}`, document: { kind: "unreviewable", reason: "is a managed policy this stack does not define, so the pack cannot review what it grants — define it here as an aws.iam.Policy or grant inline" } }];
}

/** Whether a policy ARN names the stack's policy `p` (by path and name, before AWS reports its ARN). */
function policyArnNames(arn: string, p: ResourceView): boolean {
    const m = /^arn:[^:]+:iam::\d{12}:policy(\/(?:.*\/)?)([^/]+)$/.exec(arn);
    const path = typeof p.props.path === "string" ? p.props.path : "/";
    return m !== null && p.props.name === m[2] && path === m[1];
}

/**
 * Problems with one source's document on an agent role. `deferUnknown`: values an agentid Agent computes
 * from its own resources are checked once known (at update), not at preview.
 */
export function sourceProblems(source: PermissionSource, expiresTag: string | undefined, deferUnknown: boolean): string[] {
    const doc = source.document;
    switch (doc.kind) {
        case "absent":
            return [];
        case "unknown":
            return deferUnknown ? [] : [`${source.via} is not known at preview (it is computed from other resources' outputs), so nobody can review what it grants an agent — write it from known values`];
        case "invalid":
            return [`${source.via} cannot be read: ${doc.reason}`];
        case "unreviewable":
            return [`${source.via} ${doc.reason}`];
        case "known":
            return doc.statements.flatMap((s, i) => statementProblems(s, expiresTag).map((p) => `${source.via}, ${statementLabel(s, i)}: ${p}`));
    }
}

/** Why an Allow statement gives an agent more than exact actions on exact resources until its expiry. */
export function statementProblems(s: IamStatement, expiresTag: string | undefined): string[] {
    if (!isAllow(s)) return [];
    const out: string[] = [];
    if (s.NotAction !== undefined) out.push(`NotAction allows every action except ${JSON.stringify(s.NotAction)}; list the exact actions in Action`);
    if (s.NotResource !== undefined) out.push(`NotResource allows every resource except ${JSON.stringify(s.NotResource)}; name the exact resources in Resource`);
    for (const action of listOf(s.Action)) {
        const wildcard = wildcardActionProblem(action);
        const forbidden = wildcard === undefined && !isScopedOauthTokenStatement(listOf(s.Action), listOf(s.Resource)) ? forbiddenAction(action) : undefined;
        if (wildcard) out.push(wildcard);
        else if (forbidden) out.push(`${action} ${forbidden.reason}; agents may not hold it (${forbidden.rule})`);
    }
    for (const resource of listOf(s.Resource)) {
        const problem = isScopingForm(resource) ? undefined : wildcardResourceProblem(resource);
        if (problem) out.push(problem);
    }
    const { operator, key } = EXPIRY_CONDITION;
    const ends = listOf(conditionValue(s, operator, key));
    const endsAt = ends.length === 1 ? parseInstant(ends[0]) : undefined;
    const tagged = expiresTag === undefined ? undefined : parseInstant(expiresTag);
    if (!endsAt) {
        out.push(`has no ${operator} ${key} condition, so a session issued before the agent's expiry keeps these permissions after it; add ${operator} {"${key}": "${expiresTag ?? "<the agent's expiry>"}"}`);
    } else if (tagged && endsAt.getTime() > tagged.getTime()) {
        out.push(`lasts until ${ends[0]}, after the role's agentid:expires-at ${expiresTag}; end it at the agent's expiry`);
    }
    return out;
}

/** The actions an agent role is allowed, from every known document. */
export function allowedActions(sources: readonly PermissionSource[]): string[] {
    return sources.flatMap((s) => (s.document.kind === "known" ? s.document.statements.filter(isAllow).flatMap((st) => listOf(st.Action)) : []));
}
