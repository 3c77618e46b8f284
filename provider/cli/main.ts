#!/usr/bin/env node
import { terminalText } from "../output/terminal";
import { CliError, Command, EnvironmentError, EXIT, helpText, Io, parseArgs, printJson, UsageError } from "./command";
import { digestCommand } from "./commands/digest";
import { expiredCommand } from "./commands/expired";
import { showCommand } from "./commands/show";
import { validateCommand } from "./commands/validate";
import { diffCommand } from "./commands/diff";
import { inventoryCommand } from "./commands/inventory";
import { reportCommand } from "./commands/report";
import { driftCommand } from "./commands/drift";
import { planCommand } from "./commands/plan";
import { reapCommand } from "./commands/reap";
import { stacksCommand } from "./commands/stacks";
import { upCommand } from "./commands/up";
import { whoCanCommand } from "./commands/whoCan";

/** Every command, in the order `agentid --help` lists them. */
export const COMMANDS: Command[] = [validateCommand, showCommand, expiredCommand, digestCommand, diffCommand, inventoryCommand, reportCommand, whoCanCommand, stacksCommand, planCommand, upCommand, driftCommand, reapCommand];

function overview(): string {
    const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
    return [
        "agentid — agent identities as code for Pulumi", "",
        "Usage: agentid <command> [flags]", "", "Commands:",
        ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`), "",
        "Run agentid <command> --help for flags and an example.", "",
    ].join("\n");
}

/**
 * Runs the CLI in-process and returns the exit code; never throws. With `--json`, stdout holds
 * exactly one JSON document on every exit: the result, or `{"error":{"code","message"}, …}`.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
    const [name, ...rest] = argv;
    const json = jsonRequested(argv);
    if (name === undefined || name === "--help" || name === "help" || name === "-h") {
        if (json) printJson(io, { help: overview() });
        else io.out(overview());
        return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
    try {
        if (!command) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
        const args = parseArgs(rest, command);
        if (args.flags.help) {
            if (json) printJson(io, { help: helpText(command) });
            else io.out(helpText(command));
            return EXIT.ok;
        }
        const withPaths = command.pathsWith !== undefined && args.flags[command.pathsWith] === true;
        if ((command.takesPaths || withPaths) && args.positionals.length === 0) {
            throw new UsageError(withPaths ? `--${command.pathsWith} needs the fleet's declaration files or directories` : "give at least one declaration file or directory");
        }
        if (!command.takesPaths && !withPaths && args.positionals.length > 0) {
            throw new UsageError(`takes no paths${command.pathsWith ? ` without --${command.pathsWith}` : ""}; unexpected argument ${JSON.stringify(args.positionals[0])}`);
        }
        return await command.run(args, io);
    } catch (error) {
        const failure = error instanceof CliError ? error
            : new EnvironmentError((error as Error)?.message ?? String(error));
        const prefix = command ? `agentid ${command.name}` : "agentid";
        for (const line of failure.details) io.err(`${line}\n`);
        io.err(`${prefix}: ${failure instanceof UsageError ? "" : "error: "}${terminalText(failure.message)}\n`);
        if (failure instanceof UsageError) {
            io.err(command ? `Usage: agentid ${command.usage}\nRun agentid ${command.name} --help for an example.\n` : `\n${overview()}`);
        }
        if (!(error instanceof CliError) && process.env.AGENTID_DEBUG) io.err(`${(error as Error).stack}\n`);
        if (json) printJson(io, { error: { code: failure.code, message: failure.message }, ...failure.known });
        return failure.exitCode;
    }
}

/** `--json` anywhere before `--`: honoured even when the rest of the command line is wrong. */
function jsonRequested(argv: readonly string[]): boolean {
    const end = argv.indexOf("--");
    return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

if (require.main === module) {
    const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
    runCli(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
