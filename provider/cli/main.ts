#!/usr/bin/env node
import { Command, EXIT, helpText, Io, parseArgs, UsageError } from "./command";
import { digestCommand } from "./commands/digest";
import { expiredCommand } from "./commands/expired";
import { showCommand } from "./commands/show";
import { validateCommand } from "./commands/validate";
import { diffCommand } from "./commands/diff";
import { inventoryCommand } from "./commands/inventory";
import { reportCommand } from "./commands/report";
import { driftCommand, planCommand, reapCommand } from "./commands/engine";

/** Every command, in the order `agentid --help` lists them. */
export const COMMANDS: Command[] = [validateCommand, showCommand, expiredCommand, digestCommand, diffCommand, inventoryCommand, reportCommand, planCommand, driftCommand, reapCommand];

function overview(): string {
    const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
    return [
        "agentid — agent identities as code for Pulumi", "",
        "Usage: agentid <command> [flags]", "", "Commands:",
        ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`), "",
        "Run agentid <command> --help for flags and an example.", "",
    ].join("\n");
}

/** Runs the CLI in-process and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "help" || name === "-h") {
        io.out(overview());
        return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
        io.err(`agentid: unknown command "${name}"\n\n${overview()}`);
        return EXIT.usage;
    }
    try {
        const args = parseArgs(rest, command);
        if (args.flags.help) {
            io.out(helpText(command));
            return EXIT.ok;
        }
        if (command.takesPaths && args.positionals.length === 0) throw new UsageError("give at least one declaration file or directory");
        return await command.run(args, io);
    } catch (error) {
        if (error instanceof UsageError) {
            io.err(`agentid ${command.name}: ${error.message}\nUsage: agentid ${command.usage}\nRun agentid ${command.name} --help for an example.\n`);
            return EXIT.usage;
        }
        io.err(`agentid ${command.name}: error: ${(error as Error).message ?? String(error)}\n`);
        if (process.env.AGENTID_DEBUG) io.err(`${(error as Error).stack}\n`);
        return EXIT.usage;
    }
}

if (require.main === module) {
    const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
    runCli(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
