import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const CLI = path.join(__dirname, "..", "..", "provider", "cli", "main.js");

/** An `agentid` process of its own process group, so that it and the engine it runs can be stopped or killed together. */
export interface AgentidProcess {
    child: ChildProcess;
    /** Resolves when it exits, with what it printed. */
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
    stderr(): string;
    /** Resolves once stderr matches, fails after `timeoutMs` or when the process exits first. */
    waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
    /** The pid of the `pulumi` engine it runs (the process that holds the stack's lock during an update). */
    enginePid(): number | undefined;
    /** The pid of the Pulumi program the engine runs (Node.js, started by the language host once the engine reached it). */
    programPid(): number | undefined;
    /**
     * Sends a signal to it and every process it started: its group, and the engine's plugins and language
     * host, which the engine starts in groups of their own (after SIGKILL of the engine they would run on).
     */
    signalTree(signal: NodeJS.Signals): void;
}

export function startAgentid(args: string[], env: Record<string, string | undefined>): AgentidProcess {
    const child = spawn(process.execPath, [CLI, ...args], { detached: true, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => { stdout += String(d); });
    child.stderr!.on("data", (d) => { stderr += String(d); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return {
        child, exited,
        stderr: () => stderr,
        async waitForStderr(pattern, timeoutMs = 120_000) {
            const deadline = Date.now() + timeoutMs;
            while (!pattern.test(stderr)) {
                if (child.exitCode !== null || child.signalCode !== null) throw new Error(`agentid ${args.join(" ")} exited before printing ${pattern}:\n${stderr}`);
                if (Date.now() > deadline) throw new Error(`agentid ${args.join(" ")} did not print ${pattern} within ${timeoutMs / 1000}s:\n${stderr}`);
                await new Promise((r) => setTimeout(r, 100));
            }
        },
        enginePid: () => processesInGroup(child.pid!).find((p) => p.comm === "pulumi")?.pid,
        programPid: () => descendantsOf(child.pid!).find((pid) => PROGRAM_RUNNER.test(commandLine(pid))),
        signalTree(signal) {
            const tree = descendantsOf(child.pid!);
            for (const pid of [child.pid!, ...tree]) {
                try {
                    process.kill(pid, signal);
                } catch {
                    // already gone
                }
            }
        },
    };
}

/** The Node.js language host runs a program as `node … @pulumi/pulumi/cmd/run …` (not run-plugin, run-policy-pack or dynamic-provider). */
const PROGRAM_RUNNER = /@pulumi\/pulumi\/cmd\/run(\/[^\0]*)?\0/;

/** A process's arguments, NUL-separated as /proc keeps them ("" once it is gone). */
function commandLine(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
        return "";
    }
}

interface ProcessInfo { pid: number; comm: string; ppid: number; pgid: number }

/** Every process, from /proc (Linux). */
function processes(): ProcessInfo[] {
    const found: ProcessInfo[] = [];
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
            const close = stat.lastIndexOf(")");
            const [, ppid, pgid] = stat.slice(close + 2).split(" ");
            found.push({ pid: Number(entry), comm: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(ppid), pgid: Number(pgid) });
        } catch {
            // the process ended while we looked
        }
    }
    return found;
}

/** Processes whose process group is `pgid`. */
export function processesInGroup(pgid: number): { pid: number; comm: string }[] {
    return processes().filter((p) => p.pgid === pgid).map(({ pid, comm }) => ({ pid, comm }));
}

/** Every process below `pid` (children, their children, …), whatever their group. */
export function descendantsOf(pid: number): number[] {
    const all = processes();
    const found: number[] = [];
    const visit = (parent: number) => {
        for (const p of all.filter((q) => q.ppid === parent)) {
            found.push(p.pid);
            visit(p.pid);
        }
    };
    visit(pid);
    return found;
}
