import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { grantsDigest } from "../provider/declarations/digest";
import type { AgentDeclaration, AwsTrustMode, FleetSettings, Grant } from "../provider/declarations/types";

/** Settings every generated fleet declares (written as a `kind: Fleet` document). */
export const BENCH_SETTINGS: FleetSettings = {
    trustDomain: "bench.example.org",
    maxLifetimeDays: 90,
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/BENCH",
    trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/bench",
    clusterName: "bench",
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
};
export const BENCH_NOW = "2026-12-01T00:00:00Z";

const TRUST: AwsTrustMode[] = ["irsa", "podIdentity", "rolesAnywhere", "irsa"];
const TEAMS = ["support", "billing", "research", "sre", "data", "growth", "security", "platform"];

/** A deterministic pseudo-random sequence (bench inputs must not change between runs). */
function rng(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        return state / 2 ** 31;
    };
}

/** One realistic agent: 2-4 grants over mixed connectors, a trust mode, labels; write grants approved. */
export function generateAgent(i: number): AgentDeclaration {
    const next = rng(i + 1);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const team = pick(TEAMS);
    const name = `agent-${i.toString(36).padStart(4, "0")}-${team}`;
    const pool: Grant[] = [
        { connector: "aws.s3", access: "read", resources: [`arn:aws:s3:::${team}-data-${i % 97}/inbound/*`] },
        { connector: "aws.dynamodb", access: pick(["read", "readwrite"] as const), resources: [`arn:aws:dynamodb:us-east-1:123456789012:table/${team}-${i % 31}`] },
        { connector: "aws.sqs", access: pick(["read", "write"] as const), resources: [`arn:aws:sqs:us-east-1:123456789012:${team}-events-${i % 13}`] },
        { connector: "aws.secretsmanager", access: "read", resources: [`arn:aws:secretsmanager:us-east-1:123456789012:secret:${team}/key-${i % 7}-AbCdEf`] },
        { connector: "aws.iam", actions: ["bedrock:InvokeModel"], resources: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"] },
        { connector: "kubernetes", namespace: `${team}-apps`, resources: ["configmaps"], verbs: ["get", "list"] },
    ];
    const count = 2 + Math.floor(next() * 3);
    const grants = [...pool].sort(() => next() - 0.5).slice(0, count);
    const writes = grants.some((g) => g.access && g.access !== "read");
    return {
        apiVersion: "agentid/v1", kind: "Agent",
        metadata: { name, labels: { team, tier: pick(["prod", "staging", "internal"]) } },
        spec: {
            description: `Benchmark agent ${i} of team ${team}`,
            owner: { team, contact: `${team}@example.com` },
            expiresAt: `2027-0${1 + Math.floor(next() * 2)}-${String(1 + Math.floor(next() * 27)).padStart(2, "0")}T00:00:00Z`,
            identity: { kubernetes: { namespace: "agents" }, aws: { trust: pick(TRUST) } },
            ...(writes ? { approval: { ticket: `SEC-${1000 + i}`, approvers: ["security@example.com"], grantsDigest: grantsDigest(grants) } } : {}),
            grants,
        },
    };
}

/** Writes `count` agents, `perFile` per file, plus the Fleet document, into a fresh folder. */
export function writeFleet(count: number, perFile = 10, dir = fs.mkdtempSync(path.join(os.tmpdir(), `agentid-bench-${count}-`))): string {
    fs.writeFileSync(path.join(dir, "fleet.yaml"), stringify({ apiVersion: "agentid/v1", kind: "Fleet", metadata: { name: "bench" }, spec: BENCH_SETTINGS }));
    for (let start = 0; start < count; start += perFile) {
        const docs = [];
        for (let i = start; i < Math.min(count, start + perFile); i++) docs.push(stringify(generateAgent(i)));
        fs.writeFileSync(path.join(dir, `agents-${String(start / perFile).padStart(5, "0")}.yaml`), docs.join("---\n"));
    }
    return dir;
}
