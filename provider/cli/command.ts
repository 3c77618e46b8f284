/** The CLI's shared shape: flags, usage errors (exit 2) and output streams. */
import { jsonText } from "../output/json";
import { terminalText } from "../output/terminal";
import { Diagnostic, diagnosticRecord, formatDiagnostic } from "../declarations/diagnostics";

/** Exit codes are a contract: 0 ok, 1 findings, 2 usage or environment error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** `error.code` in the JSON error document: what kind of failure, for scripts. */
export type ErrorCode = "usage" | "environment" | "invalid";

/**
 * A failure the CLI reports: a human message on stderr and, with `--json`, the document
 * `{"error":{"code","message"}, …known}` on stdout. `known` holds whatever the command learnt first.
 */
export class CliError extends Error {
    constructor(
        readonly code: ErrorCode,
        readonly exitCode: number,
        message: string,
        /** Fields added to the JSON error document. */
        readonly known: Record<string, unknown> = {},
        /** Lines printed on stderr before the message (diagnostics). */
        readonly details: readonly string[] = [],
    ) {
        super(message);
    }
}

/** A mistake in how the command was called (flags, values, names); printed with a pointer to `--help`, exit 2. */
export class UsageError extends CliError {
    constructor(message: string, known: Record<string, unknown> = {}) {
        super("usage", EXIT.usage, message, known);
    }
}

/** Something around the command failed (a path, a file, git, the engine), exit 2. */
export class EnvironmentError extends CliError {
    constructor(message: string, known: Record<string, unknown> = {}) {
        super("environment", EXIT.usage, message, known);
    }
}

/** The declarations an answer depends on have errors, so there is no answer (exit 1, the errors with it). */
export class InvalidDeclarationsError extends CliError {
    constructor(message: string, errors: readonly Diagnostic[], known: Record<string, unknown> = {}) {
        super("invalid", EXIT.findings, message, { ...known, errors: errors.map(diagnosticRecord) }, errors.map(formatDiagnostic));
    }
}

export type FlagType = "boolean" | "string";

export interface FlagSpec {
    type: FlagType;
    description: string;
    /** Placeholder in help, e.g. ISO or NAME. */
    value?: string;
    /** Flags that cannot be given together with this one. */
    conflictsWith?: string[];
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
    /** A flag with which the command takes declaration paths after all (`--all` of the engine commands). */
    pathsWith?: string;
    run(args: ParsedArgs, io: Io): Promise<number>;
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
    json: { type: "boolean", description: "print one JSON document on stdout and nothing else there" },
    now: { type: "string", value: "ISO", description: "the clock for expiry and the lifetime guardrail (default: AGENTID_NOW or the system clock)" },
    help: { type: "boolean", description: "show this help" },
};

/**
 * Parses `--flag value`, `--flag=value` and booleans. Usage errors: unknown flags, a flag given twice,
 * an empty value, a missing value, and flags that conflict.
 */
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
        if (name in flags) throw new UsageError(`--${name} is given twice; give it once`);
        if (spec.type === "boolean") {
            if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
            flags[name] = true;
        } else {
            const value = inline ?? argv[++i];
            if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`--${name} needs a value (${spec.value ?? "VALUE"})`);
            if (value.trim() === "") throw new UsageError(`--${name} needs a value (${spec.value ?? "VALUE"}), not an empty one`);
            flags[name] = value;
        }
    }
    for (const [name, spec] of Object.entries(specs)) {
        for (const other of spec.conflictsWith ?? []) {
            if (name in flags && other in flags) throw new UsageError(`--${name} and --${other} cannot be used together; give one of them`);
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

/**
 * Prints JSON, always one document with a trailing newline. Control and bidirectional characters
 * are written as \u escapes (the same JSON, but safe to print on a terminal).
 */
export function printJson(io: Io, value: unknown): void {
    io.out(`${jsonText(value)}\n`);
}

/** One human line on stdout; user text in it cannot add lines or control the terminal. */
export function printLine(io: Io, text: string): void {
    io.out(`${terminalText(text)}\n`);
}
