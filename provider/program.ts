/**
 * The root project's program (Pulumi.yaml): the declarations in ./agents as one AgentFleet.
 *
 * Config (all optional):
 *   agentid:paths          declaration paths, comma-separated (default ./agents)
 *   agentid:now            the clock for expiry (RFC 3339)
 *   agentid:kubeconfig     apply Kubernetes objects to the cluster of this kubeconfig file (default: the
 *                          provider's usual lookup, KUBECONFIG or ~/.kube/config)
 *   agentid:renderYamlTo   write Kubernetes manifests to this directory instead of a cluster (GitOps)
 *   agentid:kubernetes     false to skip Kubernetes identities
 *   agentid:oauthClients   secret object {vendor: {clientId, clientSecret}} for oauth.<vendor> grants
 *   agentid:spireSocket    the SPIRE server's admin socket; SPIRE entries are managed only when it is set
 *   aws:region             AWS identities are provisioned only when AWS is configured
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { AgentFleet } from "./components/agentFleet";
import { AgentidError } from "./components/programErrors";

const config = new pulumi.Config("agentid");
const projectRoot = path.resolve(__dirname, "..", "..");
const paths = (config.get("paths") ?? "agents").split(",").map((p) => path.resolve(projectRoot, p.trim()));
const awsConfigured = new pulumi.Config("aws").get("region") !== undefined || process.env.AWS_REGION !== undefined;
const kubernetesEnabled = config.getBoolean("kubernetes") ?? true;
const renderTo = config.get("renderYamlTo");
const kubeconfig = config.get("kubeconfig");
const spireSocket = config.get("spireSocket");

if (!awsConfigured) {
    pulumi.log.info("AWS is not configured (set aws:region): AWS identities are not provisioned in this stack");
}
if (!spireSocket) {
    pulumi.log.info("SPIRE is not configured (set agentid:spireSocket): registration entries are not managed in this stack");
}
const providers: Record<string, pulumi.ProviderResource> = {};
if (renderTo && kubeconfig) {
    throw new AgentidError("agentid:renderYamlTo and agentid:kubeconfig are both set: render manifests for GitOps or apply them to a cluster, not both (remove one with pulumi config rm)");
}
if (kubernetesEnabled && renderTo) {
    providers.kubernetes = new k8s.Provider("render", { renderYamlToDirectory: path.resolve(projectRoot, renderTo) });
} else if (kubernetesEnabled && kubeconfig) {
    providers.kubernetes = new k8s.Provider("cluster", { kubeconfig: path.resolve(projectRoot, kubeconfig) });
}

const fleet = new AgentFleet("agents", {
    paths,
    platforms: { aws: awsConfigured, kubernetes: kubernetesEnabled, spire: spireSocket !== undefined },
    ...(spireSocket ? { spireSocket } : {}),
    oauthClients: oauthClients(),
}, { providers });

/** Vendors are read in plain so the plan knows which providers exist; the values stay secret. */
function oauthClients() {
    const clients = config.getObject<Record<string, { clientId: string; clientSecret: string }>>("oauthClients") ?? {};
    return Object.fromEntries(Object.entries(clients).map(([vendor, c]) => [vendor, { clientId: c.clientId, clientSecret: pulumi.secret(c.clientSecret) }]));
}

/** Owner, status and expiry of every agent. */
export const agents = fleet.summary;
/** Agents whose expiry has passed. */
export const expired = fleet.expired;
