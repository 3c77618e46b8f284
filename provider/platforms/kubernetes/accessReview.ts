import { AccessCheck, AccessMatrix, describeResource } from "./accessMatrix";
import type { KubernetesApi } from "./apiClient";

/** The authorizer's answer to one row of the matrix. */
export interface AccessAnswer extends AccessCheck {
    allowed: boolean;
    /** The authorizer's reason, e.g. the RoleBinding that allows it (empty when denied without one). */
    reason: string;
    /** Whether the answer is the expected one. */
    agrees: boolean;
}

/** What the API server allows an agent's service account, row by row. */
export interface AccessReview {
    agent: string;
    server: string;
    user: string;
    effect: string;
    answers: AccessAnswer[];
    /** Rows where the API server's answer differs from the declaration. */
    disagreements: number;
}

interface SubjectAccessReviewStatus { status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string } }

/**
 * Asks the API server's authorizer every question of the matrix with SubjectAccessReviews, as the
 * agent's service account. The caller's credentials need `create subjectaccessreviews`.
 */
export async function reviewAccess(api: KubernetesApi, matrix: AccessMatrix): Promise<AccessReview> {
    const answers: AccessAnswer[] = new Array(matrix.checks.length);
    let next = 0;
    const worker = async () => {
        while (next < matrix.checks.length) {
            const i = next++;
            answers[i] = await askAuthorizer(api, matrix, matrix.checks[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(8, matrix.checks.length) }, worker));
    return {
        agent: matrix.agent, server: api.target.server, user: matrix.subject.user, effect: matrix.effect,
        answers, disagreements: answers.filter((a) => !a.agrees).length,
    };
}

async function askAuthorizer(api: KubernetesApi, matrix: AccessMatrix, check: AccessCheck): Promise<AccessAnswer> {
    const review = await api.request<SubjectAccessReviewStatus>("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
            user: matrix.subject.user,
            groups: matrix.subject.groups,
            resourceAttributes: {
                verb: check.verb, group: check.group, resource: check.resource,
                ...(check.subresource ? { subresource: check.subresource } : {}),
                ...(check.namespace ? { namespace: check.namespace } : {}),
            },
        },
    });
    if (review.status?.evaluationError) throw new Error(`the API server could not evaluate ${check.verb} ${describeResource(check)}: ${review.status.evaluationError}`);
    const allowed = review.status?.allowed === true;
    return { ...check, allowed, reason: review.status?.reason ?? "", agrees: allowed === (check.expected === "allow") };
}

/** A table a person reads: expected, answer, verb, resource, namespace, why; disagreements marked. */
export function renderAccessReview(review: AccessReview): string {
    const rows = review.answers.map((a) => [
        a.agrees ? " " : "✗", a.expected, a.allowed ? "allow" : "deny", a.verb, describeResource(a), a.namespace ?? "(cluster)", a.why,
    ]);
    const header = [" ", "expected", "answer", "verb", "resource", "namespace", "why"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
    return [
        `what the API server allows ${review.user} (${review.server}, agent ${review.agent}, ${review.effect}):`,
        `  ${line(header)}`,
        ...rows.map((r) => `  ${line(r)}`),
        review.disagreements === 0
            ? `  ${review.answers.length} checks: the authorizer agrees with the declaration`
            : `  ${review.disagreements} of ${review.answers.length} checks disagree with the declaration (marked ✗)`,
    ].join("\n") + "\n";
}
