import { resolveNow } from "../spec/clock";
import { validateDeclarations, ValidationReport } from "../spec/validate";
import { ParsedArgs, stringFlag, UsageError } from "./command";

/** The clock from `--now`, as a usage error when malformed. */
export function nowFrom(args: ParsedArgs): Date {
    try {
        return resolveNow(stringFlag(args, "now"));
    } catch (error) {
        throw new UsageError(`--now: ${(error as Error).message}`);
    }
}

/** Validates the declaration paths a command was given; a missing path is a usage error. */
export function loadFleet(paths: string[], now: Date): ValidationReport {
    const report = validateDeclarations(paths, { now });
    if (report.missing.length > 0) {
        throw new UsageError(`no such file or directory: ${report.missing.join(", ")}`);
    }
    return report;
}

/** The one declaration named by `--agent`, or a usage error listing the names there are. */
export function findDeclaration(report: ValidationReport, name: string) {
    const found = report.declarations.find((d) => d.declaration.metadata.name === name);
    if (!found) {
        const names = report.declarations.map((d) => d.declaration.metadata.name);
        throw new UsageError(`no agent named "${name}" in the given paths${names.length ? `; agents there: ${names.join(", ")}` : ""}`);
    }
    return found;
}
