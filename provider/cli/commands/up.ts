import { AgentChange, agentChanges, printAgentChanges } from "../agentChanges";
import { Command, printLine } from "../command";
import { engineFailure, Interruption, STACK_FLAGS, underLock, WAIT_FLAG } from "../engineStack";
import { EngineOperation, runEngineCommand } from "../engineCommand";
import { nowFrom } from "../fleetInput";

export const upCommand: Command = {
    name: "up",
    summary: "pulumi up grouped by agent, recovering an interrupted update first (--all: every stack, moving agents whose team changed)",
    usage: "up (--stack S | --all PATH… [--parallel N]) [--cwd DIR] [--wait DURATION] [--json]",
    example: "agentid up --all agents/ --parallel 4 --json",
    flags: { ...STACK_FLAGS, ...WAIT_FLAG },
    takesPaths: false,
    pathsWith: "all",
    async run(args, io) {
        const now = nowFrom(args);
        const operation: EngineOperation<{ agents: AgentChange[]; interrupted?: Interruption }> = {
            createsStacks: true,
            movesAgents: true,
            changesStacks: true,
            async run(stack, stackIo, context) {
                stackIo.err(`agentid up: updating stack ${stack.name}\n`);
                const { result: agents, interrupted } = await underLock(stack, stackIo, context.waitMs, () => agentChanges(stack, stackIo, now, { movesIn: [], movesOut: [] },
                    (onEvent) => stack.up({ onEvent }).catch((error) => { throw engineFailure("update", error); })));
                const moved = new Map(context.movesIn.map((m) => [m.agent, m.from]));
                const annotated = agents.map((a) => (moved.has(a.name) ? { ...a, movedFrom: moved.get(a.name)! } : a));
                return { exitCode: 0, document: { agents: annotated, ...(interrupted ? { interrupted } : {}) } };
            },
            print(out, document) {
                const i = document.interrupted;
                if (i) printLine(out, `recovered an interrupted update: ${i.lock ? `released the lock of pid ${i.lock.pid} on ${i.lock.host} (${i.lock.at}); ` : ""}cleared ${i.pendingOperations.length} pending operation${i.pendingOperations.length === 1 ? "" : "s"}; refreshed ${i.refreshed} resource${i.refreshed === 1 ? "" : "s"}`);
                printAgentChanges(out, document.agents);
            },
        };
        return runEngineCommand("up", args, io, operation);
    },
};
