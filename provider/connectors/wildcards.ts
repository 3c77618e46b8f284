/**
 * The wildcard guardrail: one definition used by the loader, the connector catalog, the component
 * and the policy pack. Agents get exact actions on exact resources: `*`, `?` and IAM policy variables
 * (`${aws:UserAgent}` is replaced by whatever the caller sends) are refused in every part of every
 * declared value. The only wildcards in generated documents are the scoping forms a connector emits
 * itself (S3 `prefix/*`, the Secrets Manager `-??????` suffix), never user text.
 */

/** What IAM (and most matchers) read as patterns: `*`, `?`, and `${…}` policy variables. */
const WILDCARD = /[*?]|\$\{/;

/** True when the text holds `*`, `?` or a `${` policy variable anywhere. */
export function hasWildcard(value: string): boolean {
    return WILDCARD.test(value);
}

const ARN_PARTS = ["partition", "service", "region", "account"] as const;

/**
 * The wildcard forms connectors emit themselves — and the only ones a generated document may hold:
 * S3 `…/prefix/*` (every object under a key prefix) and Secrets Manager `…-??????` (the random suffix AWS
 * appends to every secret's ARN). Declarations never pass them through: the connectors generate them.
 */
export const SCOPING_FORMS = [
    { connector: "aws.s3", pattern: /^arn:aws(?:-[a-z]+)*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?:[^*?$/][^*?$]*\/)?\*$/, what: "every object under a key prefix" },
    { connector: "aws.secretsmanager", pattern: /^arn:aws(?:-[a-z]+)*:secretsmanager:[^*?$]+-\?{6}$/, what: "the random suffix AWS appends to a secret's ARN" },
] as const;

/** True for a generated resource in one of the connectors' scoping forms. */
export function isScopingForm(resource: string): boolean {
    return SCOPING_FORMS.some((f) => f.pattern.test(resource));
}

/** The parts of an ARN (or other value) that hold a wildcard, named for messages. */
export function wildcardParts(value: string): string[] {
    if (!value.startsWith("arn:")) return hasWildcard(value) ? ["value"] : [];
    const fields = value.split(":");
    const parts: string[] = [];
    fields.slice(1, 5).forEach((field, i) => { if (hasWildcard(field)) parts.push(ARN_PARTS[i]); });
    if (hasWildcard(fields.slice(5).join(":"))) parts.push("resource id");
    return parts;
}

/** Why an action is refused, or undefined when it is an explicit action. */
export function wildcardActionProblem(action: string): string | undefined {
    if (action.trim() === "*") return `"*" grants every action of every service; list the exact actions`;
    if (/^(iam|sts):/i.test(action) && hasWildcard(action)) return `"${action}" grants IAM/STS administration; agents may not hold it`;
    if (/^[^:]+:\*$/.test(action)) return `"${action}" grants every action of the service; list the exact actions, e.g. ${action.split(":")[0]}:Get…`;
    if (hasWildcard(action)) return `"${action}" is a pattern; list the exact actions it should cover`;
    return undefined;
}

/** Why a resource is refused, or undefined when it names something specific. */
export function wildcardResourceProblem(resource: string): string | undefined {
    if (resource.trim() === "*") return `"*" as a resource means everything; name the exact resources`;
    if (resource.includes("${")) return `"${resource}" holds an IAM policy variable: AWS fills it from the request (the caller chooses its User-Agent, for one), so it matches whatever the caller names — name the exact resource`;
    const parts = wildcardParts(resource);
    if (parts.length === 0) return undefined;
    if (parts[0] === "value") return `"${resource}" is a pattern ("*" or "?"); name the exact value`;
    return `"${resource}" has a wildcard in its ${parts.join(", ")}; "*" and "?" match other resources too — name the exact resource`;
}
