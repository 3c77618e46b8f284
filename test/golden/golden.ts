/**
 * Golden tables: what each connector grants for a representative grant, and what each trust mode trusts,
 * checked in as Markdown under test/golden/ so that widening a connector is a diff a reviewer must approve.
 *
 *   npm run golden               exits 1 and names the tables that differ from the catalog's output
 *   npm run golden -- --write    rewrites them (then review `git diff test/golden`)
 *
 * This module renders the tables from agentid's builders and parses them back into the documents they
 * describe; test/unit/golden.test.ts compares the two exactly, and the exhaustive simulation takes its
 * expected allowed sets from the parsed tables, never from the catalog.
 */
import * as fs from "fs";
import * as path from "path";
import { buildCedarPolicies, CedarPolicy } from "../../provider/platforms/agentcore/cedar";
import { catalog } from "../../provider/connectors/catalog";
import { OAUTH_SCOPES } from "../../provider/connectors/oauthScopes";
import type { ExpansionContext, GrantExpansion, PolicyStatement } from "../../provider/connectors/contract";
import { buildPermissionPolicy, buildTrustPolicy, PolicyDocument, TrustStatement } from "../../provider/platforms/aws/iamDocuments";
import { resolveAgent } from "../../provider/model/resolvedAgent";
import { resolveSettings } from "../../provider/model/settings";
import type { AgentDeclaration, AwsTrustMode, Grant } from "../../provider/declarations/types";

export const GOLDEN_DIR = path.resolve(__dirname, "..", "..", "..", "test", "golden");

export const ACCOUNT = "123456789012";
export const AGENT = "golden-agent";
export const EXPIRES_AT = "2027-01-15T00:00:00Z";
export const NOW = "2026-12-01T00:00:00Z";
export const GATEWAY_ARN = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/helpdesk-1`;

/** The ARNs that exist only once AgentCore resources do, as the component would pass them. */
export const CONTEXT: ExpansionContext = {
    agent: AGENT, defaultNamespace: "agents",
    oauthProviderArn: (vendor) => `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-${vendor}`,
    workloadIdentityArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/agent-${AGENT}`,
};

/** The fleet settings every trust mode is rendered with. */
export const TRUST_SETTINGS = {
    trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-a`,
    oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA`,
    clusterName: "prod", awsAccountId: ACCOUNT, awsRegion: "us-east-1",
};

/** One representative grant of a connector, named by its label in the tables. */
export interface Representative {
    connector: string;
    label: string;
    grant: Grant;
}

const rep = (label: string, grant: Grant): Representative => ({ connector: grant.connector, label, grant });
const bucket = "arn:aws:s3:::tickets";
const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`;
const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:payment-events`;
const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:ops-pages`;
const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/stripe-readonly-AbCdEf`;
const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const model = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0";
const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:refund-issuer`;
const levels = (connector: string, resources: string[]) => (["read", "write", "readwrite"] as const).map((access) => rep(access, { connector, access, resources }));

/** Grants that become IAM statements: every AWS connector at every access level, plus the special shapes. */
export const PERMISSION_GRANTS: Representative[] = [
    ...levels("aws.s3", [`${bucket}/inbound/*`]),
    rep("read whole bucket", { connector: "aws.s3", access: "read", resources: [bucket] }),
    rep("read prefixes in two buckets", { connector: "aws.s3", access: "read", resources: [`${bucket}/inbound`, `${bucket}/outbound/*`, "arn:aws:s3:::archive/2026/"] }),
    ...levels("aws.dynamodb", [table]),
    rep("read table and index", { connector: "aws.dynamodb", access: "read", resources: [table, `${table}/index/by-date`] }),
    ...levels("aws.sqs", [queue]),
    ...levels("aws.sns", [topic]),
    ...levels("aws.secretsmanager", [secret]),
    rep("read by name without suffix", { connector: "aws.secretsmanager", access: "read", resources: [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/stripe`] }),
    ...levels("aws.kms", [key]),
    rep("read", { connector: "aws.bedrock", access: "read", resources: [model] }),
    ...levels("aws.lambda", [fn]),
    rep("explicit reads", { connector: "aws.iam", actions: ["s3:GetObject", "S3:getobjecttagging"], resources: [`${bucket}/reports/q1.csv`] }),
    rep("explicit write", { connector: "aws.iam", actions: ["dynamodb:PutItem"], resources: [table] }),
    rep("read scope", { connector: "oauth.github", scopes: ["read:org"] }),
    rep("read and write scopes", { connector: "oauth.github", scopes: ["read:org", "repo"] }),
];

/** Grants that become RBAC rules. */
export const KUBERNETES_GRANTS: Representative[] = [
    ...(["read", "write", "readwrite"] as const).map((access) => rep(access, { connector: "kubernetes", namespace: "support", access, resources: ["configmaps"] })),
    rep("named secrets in the default namespace", { connector: "kubernetes", resources: ["secrets"], resourceNames: ["app-credentials"], verbs: ["get"] }),
    rep("all secrets", { connector: "kubernetes", namespace: "support", resources: ["secrets"], verbs: ["get", "list"] }),
    rep("patch deployments", { connector: "kubernetes", namespace: "support", apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] }),
    rep("delete pods", { connector: "kubernetes", namespace: "support", resources: ["pods"], verbs: ["delete"] }),
];

/** Grants that become Cedar policies. */
export const TOOL_GRANTS: Representative[] = [
    rep("read", { connector: "tool.helpdesk", tools: ["crm/lookupCustomer", "kb/searchArticles"] }),
    rep("write", { connector: "tool.helpdesk", access: "write", tools: ["billing/issueRefund"] }),
];

export const TRUST_MODES: AwsTrustMode[] = ["irsa", "podIdentity", "rolesAnywhere", "agentcore"];

export function expand(r: Representative): GrantExpansion {
    return catalog.expand([r.grant], CONTEXT)[0];
}

export function permissionPolicyOf(r: Representative): PolicyDocument {
    return buildPermissionPolicy([expand(r)], EXPIRES_AT)!;
}

export function trustPolicyOf(mode: AwsTrustMode): PolicyDocument {
    const decl: AgentDeclaration = {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: AGENT },
        spec: { description: "golden", owner: { team: "t", contact: "t@example.com" }, expiresAt: EXPIRES_AT, identity: { aws: { trust: mode }, kubernetes: { namespace: "agents" } }, grants: [] },
    };
    return buildTrustPolicy(resolveAgent(decl, resolveSettings(TRUST_SETTINGS), new Date(NOW)), { workloadIdentityArn: CONTEXT.workloadIdentityArn });
}

export function cedarPoliciesOf(r: Representative): CedarPolicy[] {
    return buildCedarPolicies(AGENT, [expand(r)], { gatewayArn: () => GATEWAY_ARN });
}

// ---------------------------------------------------------------------------------------------- rendering

/** Inline code; the core API group "" is written as `""` (an empty code span does not render). */
const code = (text: string) => (text === "" ? '`""`' : `\`${text}\``);
const cell = (values: readonly string[]) => values.map(code).join(", ");
const EXPIRY = { DateLessThan: { "aws:CurrentTime": EXPIRES_AT } };

/** What a grant is, for humans and for the parser: `- declared: {...}` and `- access … · risk … · approval …`. */
function summary(r: Representative, e: GrantExpansion): string[] {
    return [
        `### ${r.connector} — ${r.label}`,
        "",
        `- declared: ${code(JSON.stringify(r.grant))}`,
        `- access: ${e.access} · risk: ${e.risk} · approval: ${e.needsApproval ? "required" : "not required"}`,
        "",
    ];
}

function renderPermissions(): string {
    const lines = [
        "# Golden tables: IAM permissions per connector and access level",
        "",
        "Generated by `npm run golden -- --write` from the connector catalog; `test/unit/golden.test.ts` fails when",
        "the catalog's output differs, and the exhaustive simulation (`test/unit/connectors/simulation.test.ts`) checks",
        "that the IAM simulator allows exactly these actions on exactly these resources. A change here widens or",
        "narrows what agents get: review it as such.",
        "",
        `Every statement also carries the agent's expiry, \`"DateLessThan": {"aws:CurrentTime": "<expiresAt>"}\``,
        `(here ${EXPIRES_AT}); the condition column shows any other condition. Level is the IAM access level from iam-data.`,
        "",
    ];
    for (const r of PERMISSION_GRANTS) {
        const e = expand(r);
        lines.push(...summary(r, e), "| Sid | action | level | resources | condition |", "|---|---|---|---|---|");
        for (const s of permissionPolicyOf(r).Statement as PolicyStatement[]) {
            const { DateLessThan, ...others } = s.Condition ?? {};
            if (JSON.stringify(DateLessThan) !== JSON.stringify(EXPIRY.DateLessThan)) throw new Error(`${s.Sid} does not end at expiry`);
            for (const action of s.Action) {
                const level = e.actions.find((a) => a.action === action)?.accessLevel ?? "?";
                lines.push(`| ${s.Sid} | ${code(action)} | ${level} | ${cell(s.Resource)} | ${Object.keys(others).length > 0 ? code(JSON.stringify(others)) : ""} |`);
            }
        }
        lines.push("");
    }
    return lines.join("\n");
}

function renderKubernetes(): string {
    const lines = [
        "# Golden tables: Kubernetes RBAC per grant",
        "",
        "Generated by `npm run golden -- --write`; `test/unit/golden.test.ts` compares the connector's rules with these exactly.",
        "Grants without a namespace land in the fleet's default namespace (`agents` here).",
        "",
    ];
    for (const r of KUBERNETES_GRANTS) {
        const e = expand(r);
        lines.push(...summary(r, e), "| namespace | apiGroups | resources | resourceNames | verbs |", "|---|---|---|---|---|");
        for (const rule of e.rbac!.rules) {
            lines.push(`| ${code(e.rbac!.namespace)} | ${cell(rule.apiGroups)} | ${cell(rule.resources)} | ${rule.resourceNames ? cell(rule.resourceNames) : ""} | ${cell(rule.verbs)} |`);
        }
        lines.push("");
    }
    return lines.join("\n");
}

function renderTrust(): string {
    const lines = [
        "# Golden tables: trust policies per trust mode",
        "",
        "Generated by `npm run golden -- --write` for an agent named `golden-agent` (service account `agents/golden-agent`,",
        "SPIFFE ID `spiffe://example.org/agents/golden-agent`) in a fleet with these settings:",
        "",
        ...Object.entries(TRUST_SETTINGS).map(([k, v]) => `- ${k}: ${code(v)}`),
        `- AgentCore workload identity: ${code(CONTEXT.workloadIdentityArn)}`,
        "",
        "The exhaustive trust simulation allows a request exactly when its principal and action are listed and every",
        "condition row holds.",
        "",
    ];
    for (const mode of TRUST_MODES) {
        const [s] = trustPolicyOf(mode).Statement as TrustStatement[];
        const [principalKind, principal] = Object.entries(s.Principal)[0];
        lines.push(`### ${mode}`, "", `- Sid: ${code(s.Sid)}`, `- principal: ${principalKind} ${code(principal)}`, `- actions: ${cell(s.Action)}`, "",
            "| operator | key | value |", "|---|---|---|");
        for (const [operator, entries] of Object.entries(s.Condition)) {
            for (const [k, v] of Object.entries(entries)) lines.push(`| ${operator} | ${code(k)} | ${code(v)} |`);
        }
        lines.push("");
    }
    return lines.join("\n");
}

function renderCedar(): string {
    const lines = [
        "# Golden tables: Cedar policies per gateway tool",
        "",
        `Generated by \`npm run golden -- --write\` for agent \`${AGENT}\` and gateway \`helpdesk\` = ${code(GATEWAY_ARN)}.`,
        "",
    ];
    for (const r of TOOL_GRANTS) {
        lines.push(...summary(r, expand(r)));
        for (const p of cedarPoliciesOf(r)) lines.push(`#### ${p.tool}`, "", `- name: ${code(p.name)}`, "", "```cedar", p.statement, "```", "");
    }
    return lines.join("\n");
}

function renderScopes(): string {
    const lines = [
        "# Golden tables: OAuth scopes agentid knows, and the access each gives",
        "",
        "Generated by `npm run golden -- --write`. A `write` or `admin` scope makes the grant need an approval; `admin` rates it high.",
        "",
    ];
    for (const [vendor, scopes] of Object.entries(OAUTH_SCOPES)) {
        lines.push(`### oauth.${vendor}`, "", "| scope | level |", "|---|---|", ...Object.entries(scopes).map(([s, l]) => `| ${code(s)} | ${l} |`), "");
    }
    return lines.join("\n");
}

/** Every golden file and what the catalog renders for it now. */
export function renderGolden(): Record<string, string> {
    return {
        "permissions.md": renderPermissions(),
        "kubernetes.md": renderKubernetes(),
        "trust.md": renderTrust(),
        "cedar.md": renderCedar(),
        "oauth-scopes.md": renderScopes(),
    };
}

// ------------------------------------------------------------------------------------------------ parsing

export function readGolden(file: string): string {
    return fs.readFileSync(path.join(GOLDEN_DIR, file), "utf8");
}

/** A `### connector — label` section: its bullet lines, table rows (cells) and code blocks. */
interface Section {
    heading: string;
    bullets: Map<string, string>;
    rows: string[][];
    blocks: { heading: string; bullets: Map<string, string>; code: string }[];
}

function sections(text: string): Section[] {
    const out: Section[] = [];
    let current: Section | undefined;
    let sub: Section["blocks"][number] | undefined;
    let inCode: string[] | undefined;
    for (const line of text.split("\n")) {
        if (inCode) {
            if (line === "```") { sub!.code = inCode.join("\n"); inCode = undefined; } else inCode.push(line);
            continue;
        }
        if (line.startsWith("### ")) {
            current = { heading: line.slice(4), bullets: new Map(), rows: [], blocks: [] };
            sub = undefined;
            out.push(current);
        } else if (line.startsWith("#### ") && current) {
            sub = { heading: line.slice(5), bullets: new Map(), code: "" };
            current.blocks.push(sub);
        } else if (line.startsWith("```") && sub) {
            inCode = [];
        } else if (line.startsWith("- ") && current) {
            for (const part of line.slice(2).split(" · ")) {
                const at = part.indexOf(": ");
                (sub ?? current).bullets.set(part.slice(0, at), part.slice(at + 2));
            }
        } else if (line.startsWith("| ") && current && !/^\| (Sid|namespace|operator|scope) \|/.test(line)) {
            current.rows.push(line.slice(2, -2).split(" | ").map((c) => c.trim()));
        }
    }
    return out;
}

const uncode = (text: string) => {
    if (!/^`.*`$/.test(text)) throw new Error(`expected \`…\`, got ${text}`);
    return text === '`""`' ? "" : text.slice(1, -1);
};
const list = (text: string) => (text === "" ? [] : text.split(", ").map(uncode));

/** A representative as the tables state it, with what its expansion must look like. */
export interface GoldenGrant {
    connector: string;
    label: string;
    grant: Grant;
    access: string;
    risk: string;
    needsApproval: boolean;
}

function goldenGrant(section: Section): GoldenGrant {
    const [connector, label] = section.heading.split(" — ");
    const b = section.bullets;
    return {
        connector, label, grant: JSON.parse(uncode(b.get("declared")!)) as Grant,
        access: b.get("access")!, risk: b.get("risk")!, needsApproval: b.get("approval") === "required",
    };
}

/** One allowed action of a permission table, with its statement. */
export interface GoldenPermission {
    sid: string;
    action: string;
    level: string;
    resources: string[];
    /** Conditions besides the expiry. */
    condition?: Record<string, Record<string, string | string[]>>;
}

export function parsePermissions(text = readGolden("permissions.md")): (GoldenGrant & { permissions: GoldenPermission[] })[] {
    return sections(text).map((s) => ({
        ...goldenGrant(s),
        permissions: s.rows.map(([sid, action, level, resources, condition]) => ({
            sid, action: uncode(action), level, resources: list(resources), ...(condition ? { condition: JSON.parse(uncode(condition)) } : {}),
        })),
    }));
}

/** The permission policy a table describes: statements in order of first appearance, each ending at expiry. */
export function policyFromPermissions(permissions: readonly GoldenPermission[]): PolicyDocument {
    const statements: PolicyStatement[] = [];
    for (const p of permissions) {
        let s = statements.find((x) => x.Sid === p.sid);
        if (!s) {
            s = { Sid: p.sid, Effect: "Allow", Action: [], Resource: p.resources, Condition: { ...p.condition, ...EXPIRY } };
            statements.push(s);
        }
        s.Action.push(p.action);
    }
    return { Version: "2012-10-17", Statement: statements };
}

export function parseKubernetes(text = readGolden("kubernetes.md")): (GoldenGrant & { namespace: string; rules: { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[] })[] {
    return sections(text).map((s) => ({
        ...goldenGrant(s),
        namespace: uncode(s.rows[0][0]),
        rules: s.rows.map(([, apiGroups, resources, resourceNames, verbs]) => ({
            apiGroups: list(apiGroups), resources: list(resources), ...(resourceNames ? { resourceNames: list(resourceNames) } : {}), verbs: list(verbs),
        })),
    }));
}

export interface GoldenTrust {
    mode: AwsTrustMode;
    statement: TrustStatement;
}

export function parseTrust(text = readGolden("trust.md")): GoldenTrust[] {
    return sections(text).map((s) => {
        const [kind, principal] = s.bullets.get("principal")!.split(" ");
        const condition: Record<string, Record<string, string>> = {};
        for (const [operator, k, v] of s.rows) condition[operator] = { ...condition[operator], [uncode(k)]: uncode(v) };
        return {
            mode: s.heading as AwsTrustMode,
            statement: {
                Sid: uncode(s.bullets.get("Sid")!), Effect: "Allow", Principal: { [kind]: uncode(principal) } as TrustStatement["Principal"],
                Action: list(s.bullets.get("actions")!), Condition: condition,
            },
        };
    });
}

export function parseCedar(text = readGolden("cedar.md")): (GoldenGrant & { policies: CedarPolicy[] })[] {
    return sections(text).map((s) => {
        const g = goldenGrant(s);
        const gateway = g.connector.slice("tool.".length);
        return { ...g, policies: s.blocks.map((b) => ({ gateway, tool: b.heading, name: uncode(b.bullets.get("name")!), statement: b.code })) };
    });
}

export function parseScopes(text = readGolden("oauth-scopes.md")): Record<string, Record<string, string>> {
    return Object.fromEntries(sections(text).map((s) => [s.heading.slice("oauth.".length), Object.fromEntries(s.rows.map(([scope, level]) => [uncode(scope), level]))]));
}

// ---------------------------------------------------------------------------------------------------- CLI

if (require.main === module) {
    const write = process.argv.includes("--write");
    const stale: string[] = [];
    for (const [file, text] of Object.entries(renderGolden())) {
        const target = path.join(GOLDEN_DIR, file);
        const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
        if (current === text) continue;
        if (write) {
            fs.mkdirSync(GOLDEN_DIR, { recursive: true });
            fs.writeFileSync(target, text);
            console.log(`wrote test/golden/${file}`);
        } else {
            stale.push(file);
        }
    }
    if (stale.length > 0) {
        console.error(`golden tables differ from the catalog: ${stale.map((f) => `test/golden/${f}`).join(", ")}\nreview the change, then run: npm run golden -- --write`);
        process.exit(1);
    }
    if (!write) console.log("golden tables match the catalog");
}
