/**
 * The wildcard guardrail: one definition used by the loader, the connector catalog, the
 * component and the policy pack. Agents get exact actions on exact resources.
 */

/** `*` alone, or an ARN whose resource part is only `*` (every resource of a service). */
export function isWildcardResource(resource: string): boolean {
    const value = resource.trim();
    return value === "*" || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(value);
}

/** `*`, a service-wide action (`s3:*`) or any pattern (`s3:Get*`): explicit actions only. */
export function isWildcardAction(action: string): boolean {
    return /[*?]/.test(action);
}

/** Either kind of wildcard, for fields that hold both. */
export function isWildcard(value: string): boolean {
    return isWildcardResource(value) || value.trim() === "*" || /^[^:]+:\*$/.test(value.trim());
}

/** Why an action is refused, or undefined when it is an explicit action. */
export function wildcardActionProblem(action: string): string | undefined {
    if (action.trim() === "*") return `"*" grants every action of every service; list the exact actions`;
    if (/^(iam|sts):/i.test(action) && isWildcardAction(action)) return `"${action}" grants IAM/STS administration; agents may not hold it`;
    if (/^[^:]+:\*$/.test(action)) return `"${action}" grants every action of the service; list the exact actions, e.g. ${action.split(":")[0]}:Get…`;
    if (isWildcardAction(action)) return `"${action}" is a pattern; list the exact actions it should cover`;
    return undefined;
}

/** Why a resource is refused, or undefined when it names something specific. */
export function wildcardResourceProblem(resource: string): string | undefined {
    if (resource.trim() === "*") return `"*" as a resource means everything; name the exact resources`;
    if (isWildcardResource(resource)) return `"${resource}" covers every resource of the service; name the exact resources`;
    return undefined;
}
