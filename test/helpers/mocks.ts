import * as pulumi from "@pulumi/pulumi";

/** A resource registered under mocks: its type, name, parent and resolved inputs. */
export interface Registered {
    type: string;
    name: string;
    custom: boolean;
    inputs: Record<string, any>;
}

/** Every registration the mocks saw, in order. */
export const registrations: Registered[] = [];

const ACCOUNT = "123456789012";

/** Attributes AWS would compute, so outputs such as role ARNs resolve like the real thing. */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            return { arn: `arn:aws:s3:::${inputs.bucket ?? name}`, bucket: inputs.bucket ?? name };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${ACCOUNT}:role${inputs.path ?? "/"}${inputs.name}`, uniqueId: `AROA${name}` };
        case "aws:bedrock/agentcoreWorkloadIdentity:AgentcoreWorkloadIdentity":
            return { workloadIdentityArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/${inputs.name}` };
        case "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider":
            return { credentialProviderArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/${inputs.name}` };
        case "aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine":
            return { policyEngineId: `${inputs.name}-id`, policyEngineArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:policy-engine/${inputs.name}` };
        default:
            return {};
    }
}

pulumi.runtime.setMocks({
    newResource(args) {
        registrations.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computed(args.type, args.name, args.inputs) } };
    },
    call(args) {
        return args.inputs;
    },
}, "agentid", "test", true);

/** Parents seen through a transformation that every child inherits from the component. */
export interface Parentage {
    records: { type: string; name: string; parent?: string }[];
    options: pulumi.ComponentResourceOptions;
}

export function recordParents(): Parentage {
    const records: Parentage["records"] = [];
    return {
        records,
        options: {
            transformations: [(args) => {
                records.push({ type: args.type, name: args.name, parent: args.opts.parent ? (args.opts.parent as unknown as { __name?: string }).__name : undefined });
                return undefined;
            }],
        },
    };
}

/** Resolves an Output in a mocked program. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

/**
 * The runtime's own count of outstanding registrations and invokes: what Pulumi's language host awaits
 * before it ends a program. Internal to @pulumi/pulumi (pinned at 3.248.0), so its presence is checked.
 */
const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
if (typeof waitForRPCs !== "function") throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; test/helpers/mocks.ts needs another way to await registrations");

/** Resolves once every registration started so far, and every one those started, has reached the mocks. */
export async function settled(): Promise<void> {
    await waitForRPCs!();
}

/** Runs `create` (a program fragment) and returns exactly what it registered, once all of it has. */
export async function registeredBy<T>(create: () => T): Promise<{ result: T; registered: Registered[] }> {
    await settled();
    const start = registrations.length;
    const result = create();
    await settled();
    return { result, registered: registrations.slice(start) };
}

/** Registrations whose name starts with the prefix (one test's resources). */
export function registeredUnder(prefix: string): Registered[] {
    return registrations.filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`));
}
