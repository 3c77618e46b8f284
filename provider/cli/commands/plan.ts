import { AgentChange, agentChanges, printAgentChanges } from "../agentChanges";
import { Command } from "../command";
import { firstLine, STACK_FLAGS } from "../engineStack";
import { EngineOperation, runEngineCommand } from "../engineCommand";
import { nowFrom } from "../fleetInput";

export const planCommand: Command = {
    name: "plan",
    summary: "pulumi preview grouped by agent, with each agent's access diff (--all: every stack, with agents moving between them)",
    usage: "plan (--stack S | --all PATH… [--parallel N]) [--cwd DIR] [--json]",
    example: "agentid plan --stack prod --cwd infra/agents --json",
    flags: STACK_FLAGS,
    takesPaths: false,
    pathsWith: "all",
    async run(args, io) {
        const now = nowFrom(args);
        const operation: EngineOperation<{ agents: AgentChange[] }> = {
            createsStacks: true,
            movesAgents: false,
            changesStacks: false,
            async run(stack, stackIo, context) {
                stackIo.err(`agentid plan: previewing stack ${stack.name}\n`);
                const agents = await agentChanges(stack, stackIo, now, context, (onEvent) => stack.preview({ onEvent })
                    .catch((error) => { throw new Error(`preview failed: ${firstLine(error)}`); }));
                return { exitCode: 0, document: { agents } };
            },
            print: (out, document) => printAgentChanges(out, document.agents),
        };
        return runEngineCommand("plan", args, io, operation);
    },
};
