import { runSimulation } from "@cloud-copilot/iam-simulate";
import { stringify } from "yaml";
import { cli, NOW, writeFixtures } from "./fixtures";

/**
 * Helpers for the attack suites: declarations written as an attacker would, run through the public
 * path (the CLI), and an independent judge (the IAM simulator) for what a policy really allows.
 */

export const ACCOUNT = "123456789012";
export const ANCHOR = `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-a`;

/** The Fleet document every attack runs under unless it brings its own. */
export const FLEET = {
    apiVersion: "agentid/v1", kind: "Fleet", metadata: { name: "attack-fleet" },
    spec: {
        trustDomain: "example.org", trustAnchorArn: ANCHOR, awsAccountId: ACCOUNT, awsRegion: "us-east-1", clusterName: "prod",
        oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA`,
        gateways: { helpdesk: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/helpdesk-1` },
    },
};

/** An agent declaration; `spec` fields replace the defaults (a read-only rolesAnywhere agent). */
export function agentDoc(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
        spec: {
            description: "An agent under attack", owner: { team: "red-team", contact: "red@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
            identity: { aws: { trust: "rolesAnywhere" } },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }],
            ...spec,
        },
    };
}

/** Writes the documents (plus the attack Fleet unless `fleet` is false) into a fresh folder. */
export function fleetDir(docs: Record<string, unknown>[], fleet: Record<string, unknown> | false = FLEET): string {
    const all = fleet ? [fleet, ...docs] : docs;
    return writeFixtures({ "fleet.yaml": all.map((d) => stringify(d)).join("---\n") });
}

export interface Verdict {
    code: number;
    rules: string[];
    errors: { agent?: string; path: string; rule: string; message: string }[];
}

/** `agentid validate --json` on the documents: the exit code and every rule reported. */
export async function validate(docs: Record<string, unknown>[], fleet: Record<string, unknown> | false = FLEET): Promise<Verdict> {
    const result = await cli("validate", fleetDir(docs, fleet), "--now", NOW, "--json");
    const report = JSON.parse(result.stdout) as { errors: Verdict["errors"] };
    return { code: result.code, rules: report.errors.map((e) => e.rule), errors: report.errors };
}

/** `agentid show --json` for one agent of the documents. */
export async function show(docs: Record<string, unknown>[], agent: string, now = NOW, fleet: Record<string, unknown> | false = FLEET): Promise<any> {
    const result = await cli("show", fleetDir(docs, fleet), "--agent", agent, "--now", now, "--json");
    if (result.code !== 0) throw new Error(`show failed (${result.code}): ${result.stderr}`);
    return JSON.parse(result.stdout);
}

/** KMS consults the key policy: AWS's default one delegates to IAM policies. */
const DEFAULT_KEY_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

/** What the independent simulator says an identity policy allows an agent's session to do. */
export async function simulate(policy: unknown, action: string, resource: string, context: Record<string, string> = {}): Promise<"Allowed" | "Denied"> {
    const verdict = await simulateRequest(policy, action, resource, context);
    if (verdict === "Inapplicable") throw new Error(`simulation error for ${action} on ${resource}: the action does not apply to this resource type`);
    return verdict;
}

/** As `simulate`, but an action that applies to none of the resource's types is "Inapplicable": no request names both. */
export async function simulateRequest(policy: unknown, action: string, resource: string, context: Record<string, string> = {}): Promise<"Allowed" | "Denied" | "Inapplicable"> {
    const result = await runSimulation({
        request: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/agent-attacker/session`, action,
            resource: { resource, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": "2027-01-01T00:00:00Z", ...context },
        },
        identityPolicies: [{ name: "policy", policy }], serviceControlPolicies: [], resourceControlPolicies: [],
        ...(action.startsWith("kms:") ? { resourcePolicy: DEFAULT_KEY_POLICY } : {}),
    }, {});
    if (result.resultType === "error" && JSON.stringify(result.errors) === JSON.stringify({ message: "no.resource.types" })) return "Inapplicable";
    if (result.resultType === "error") throw new Error(`simulation error for ${action} on ${resource}: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

/** The statement a grant would have become had it been passed through unchanged: the attacker's intent. */
export function naivePolicy(actions: string[], resources: string[]): unknown {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: resources }] };
}

/** What a trust policy lets a principal do, judged by the simulator. */
export async function simulateTrust(trustPolicy: unknown, principal: string, action: string, context: Record<string, string>): Promise<"Allowed" | "Denied"> {
    const result = await runSimulation({
        request: { principal, action, resource: { resource: `arn:aws:iam::${ACCOUNT}:role/agents/agent-x`, accountId: ACCOUNT }, contextVariables: context },
        identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: trustPolicy,
    }, {});
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}
