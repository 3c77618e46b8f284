import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { toolchainBin, toolchainRoot } from "../../provider/engine/toolchain";

/**
 * spire-controller-manager (from the toolchain) against a throw-away API server and SPIRE server: it
 * turns ClusterSPIFFEIDs and the pods they select into registration entries. Webhooks, leader election,
 * metrics and health probes are off (they need an in-cluster deployment); only ClusterSPIFFEIDs are
 * reconciled.
 */
export interface SpireControllerManager {
    clusterName: string;
    /** The last lines of its log, for failure messages. */
    logTail(): string;
    stop(): Promise<void>;
}

export const SPIRE_CONTROLLER_MANAGER = "spire-controller-manager";

/** spire-controller-manager's CustomResourceDefinitions, copied from its module by scripts/toolchain. */
export function spireCrds(): string[] {
    return ["clusterspiffeids", "clusterstaticentries", "clusterfederatedtrustdomains"]
        .map((plural) => path.join(toolchainRoot(), "crds", `spire.spiffe.io_${plural}.yaml`));
}

export async function startSpireControllerManager(options: { kubeconfig: string; spireSocket: string; trustDomain: string; clusterName: string; dir: string }): Promise<SpireControllerManager> {
    const config = path.join(options.dir, "spire-controller-manager.yaml");
    fs.writeFileSync(config, [
        "apiVersion: spire.spiffe.io/v1alpha1",
        "kind: ControllerManagerConfig",
        `clusterName: ${options.clusterName}`,
        "clusterDomain: cluster.local",
        `trustDomain: ${options.trustDomain}`,
        `spireServerSocketPath: ${options.spireSocket}`,
        "watchClassless: true",
        "reconcile: { clusterSPIFFEIDs: true, clusterStaticEntries: false, clusterFederatedTrustDomains: false }",
        'metrics: { bindAddress: "0" }',
        'health: { healthProbeBindAddress: "0" }',
        "leaderElection: { leaderElect: false }",
        "",
    ].join("\n"));
    const logFile = path.join(options.dir, "spire-controller-manager.log");
    const log = fs.openSync(logFile, "a");
    const child: ChildProcess = spawn(path.join(toolchainBin(), SPIRE_CONTROLLER_MANAGER), ["--config", config], {
        stdio: ["ignore", log, log],
        env: { ...process.env, KUBECONFIG: options.kubeconfig, ENABLE_WEBHOOKS: "false" },
    });
    fs.closeSync(log);
    const logTail = () => fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-8).join("\n");
    const kill = () => child.kill("SIGKILL");
    process.once("exit", kill);
    // It logs "Starting workers" once its controllers run; it exits at once on a bad configuration.
    const deadline = Date.now() + 60_000;
    while (!/Starting workers/.test(fs.readFileSync(logFile, "utf8"))) {
        if (child.exitCode !== null) throw new Error(`spire-controller-manager exited (${child.exitCode}): ${logTail()}`);
        if (Date.now() > deadline) {
            kill();
            throw new Error(`spire-controller-manager did not start within 60s: ${logTail()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    return {
        clusterName: options.clusterName,
        logTail,
        async stop() {
            process.removeListener("exit", kill);
            if (child.exitCode !== null || child.signalCode !== null) return;
            await new Promise<void>((resolve) => {
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
            });
        },
    };
}
