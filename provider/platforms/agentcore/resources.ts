import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { vendorIdOf } from "../../connectors/oauthScopes";
import type { CedarPolicy } from "./cedar";

/** OAuth client credentials for a vendor (the secret stays a secret). */
export interface OauthClient {
    clientId: pulumi.Input<string>;
    clientSecret: pulumi.Input<string>;
}

/** The AgentCore workload identity an agent fetches SaaS tokens for (and, with agentcore trust, is trusted as). */
export function createWorkloadIdentity(resourceName: string, identityName: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return new aws.bedrock.AgentcoreWorkloadIdentity(resourceName, { name: identityName }, opts).workloadIdentityArn;
}

/** An OAuth2 credential provider for one vendor, holding one OAuth client. */
export function createOauthProvider(resourceName: string, providerName: string, vendor: string, client: OauthClient, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return new aws.bedrock.AgentcoreOauth2CredentialProvider(resourceName, {
        name: providerName,
        credentialProviderVendor: vendorIdOf(vendor)!,
        oauth2ProviderConfig: { [`${vendor}Oauth2ProviderConfig`]: { clientId: client.clientId, clientSecret: client.clientSecret } },
    }, opts).credentialProviderArn;
}

/** A policy engine holding the Cedar policies of a gateway's tools. */
export function createPolicyEngine(resourceName: string, engineName: string, description: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return new aws.bedrock.AgentcorePolicyEngine(resourceName, { name: engineName, description }, opts).policyEngineId;
}

/** One AgentCore policy per Cedar permit, in its gateway's engine. */
export function createToolPolicies(resourceName: string, agent: string, policies: readonly CedarPolicy[], statementOf: (policy: CedarPolicy) => pulumi.Input<string>,
    engineOf: (gateway: string) => pulumi.Input<string>, opts: pulumi.CustomResourceOptions): void {
    for (const policy of policies) {
        // The policy's own name is unique per agent, gateway and tool (crm/a-b and crm-a/b included).
        new aws.bedrock.AgentcorePolicy(`${resourceName}-tool-${policy.name}`, {
            policyEngineId: engineOf(policy.gateway),
            name: policy.name,
            description: `${agent} may call ${policy.tool} on ${policy.gateway}`,
            definition: { cedar: { statement: statementOf(policy) } },
        }, opts);
    }
}
