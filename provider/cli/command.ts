/** The CLI's shared shape: flags, usage errors (exit 2) and output streams. */

/** Exit codes are a contract: 0 ok, 1 findings, 2 usage or environment error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A mistake in how the command was called; printed with a pointer to `--help`, exit 2. */
export class UsageError extends Error {}

export type FlagType = "boolean" | "string";

export interface FlagSpec {
    type: FlagType;
    description: string;
    /** Placeholder in help, e.g. ISO or NAME. */
    value?: string;
}

export interface ParsedArgs {
    positionals: string[];
    flags: Record<string, string | boolean | undefined>;
}

/** Where a command writes: stdout for results, stderr for diagnostics and progress. */
export interface Io {
    out(text: string): void;
    err(text: string): void;
}

export interface Command {
    name: string;
    summary: string;
    /** `validate PATH… [--now ISO] [--json]` */
    usage: string;
    example: string;
    flags: Record<string, FlagSpec>;
    /** Whether the command takes declaration paths (at least one). */
    takesPaths: boolean;
    run(args: ParsedArgs, io: Io): Promise<number>;
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
    json: { type: "boolean", description: "print one JSON document on stdout and nothing else there" },
    now: { type: "string", value: "ISO", description: "the clock for expiry and the lifetime guardrail (default: AGENTID_NOW or the system clock)" },
    help: { type: "boolean", description: "show this help" },
};

/** Parses `--flag value`, `--flag=value` and booleans; unknown flags are usage errors. */
export function parseArgs(argv: readonly string[], command: Command): ParsedArgs {
    const specs = { ...COMMON_FLAGS, ...command.flags };
    const positionals: string[] = [];
    const flags: ParsedArgs["flags"] = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--") { positionals.push(...argv.slice(i + 1)); break; }
        if (!arg.startsWith("--") || arg === "-") {
            if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown flag ${arg}`);
            positionals.push(arg);
            continue;
        }
        const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
        const spec = specs[name];
        if (!spec) throw new UsageError(`unknown flag --${name} for "agentid ${command.name}"`);
        if (spec.type === "boolean") {
            if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
            flags[name] = true;
        } else {
            const value = inline ?? argv[++i];
            if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`--${name} needs a value (${spec.value ?? "VALUE"})`);
            flags[name] = value;
        }
    }
    return { positionals, flags };
}

/** `--help` text: usage, flags and an example. */
export function helpText(command: Command): string {
    const specs = { ...command.flags, ...COMMON_FLAGS };
    const width = Math.max(...Object.entries(specs).map(([n, s]) => n.length + (s.value ? s.value.length + 1 : 0))) + 4;
    const lines = Object.entries(specs).map(([n, s]) => `  ${`--${n}${s.value ? ` ${s.value}` : ""}`.padEnd(width)}${s.description}`);
    return [
        `agentid ${command.name} — ${command.summary}`, "",
        `Usage: agentid ${command.usage}`, "", "Flags:", ...lines, "", "Example:", `  ${command.example}`, "",
        "Exit codes: 0 ok, 1 findings, 2 usage or environment error.", "",
    ].join("\n");
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
    const value = args.flags[name];
    return typeof value === "string" ? value : undefined;
}

export function requireFlag(args: ParsedArgs, name: string, hint: string): string {
    const value = stringFlag(args, name);
    if (value === undefined) throw new UsageError(`--${name} is required (${hint})`);
    return value;
}

/** Prints JSON, always one document with a trailing newline. */
export function printJson(io: Io, value: unknown): void {
    io.out(JSON.stringify(value, null, 2) + "\n");
}
