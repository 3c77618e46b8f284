/**
 * Agents declared in TypeScript with the components directly: a bucket made in the same program is
 * granted to an agent, and a second agent lives only in Kubernetes.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Agent } from "../../provider";

const settings = {
    trustDomain: "acme.internal",
    maxLifetimeDays: 60,
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
};

const reports = new aws.s3.Bucket("weekly-reports");

/** Writes the weekly report into the bucket above; needs approval because it writes. */
export const reporter = new Agent("weekly-reporter", {
    description: "Writes the weekly finance report",
    owner: { team: "finance-eng", contact: "finance-eng@acme.example" },
    expiresAt: "2027-01-20",
    identity: { aws: { trust: "irsa" }, kubernetes: { namespace: "finance" } },
    grants: [{ connector: "aws.s3", access: "write", resources: [pulumi.interpolate`${reports.arn}/weekly/*`] }],
    approval: { ticket: "SEC-2001", approvers: ["security@acme.example"] },
    settings,
});

/** Reads pod logs in one namespace; no cloud identity at all. */
export const logReader = new Agent("log-reader", {
    description: "Summarises pod logs for the on-call",
    owner: { team: "sre", contact: "sre@acme.example" },
    expiresAt: "2027-01-10",
    identity: { kubernetes: { namespace: "agents" } },
    grants: [{ connector: "kubernetes", namespace: "payments", resources: ["pods", "pods/log"], verbs: ["get", "list"] }],
    settings,
});

export const reporterRoleArn = reporter.awsRoleArn;
export const logReaderServiceAccount = logReader.kubernetesServiceAccount;
