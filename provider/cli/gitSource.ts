import { execFileSync } from "child_process";
import * as path from "path";
import { EnvironmentError, UsageError } from "./command";

/** `--base git:REV` or `git:REV:PATH`, parsed; undefined for a plain path. */
export function parseGitBase(base: string): { revision: string; path?: string } | undefined {
    if (!base.startsWith("git:")) return undefined;
    const rest = base.slice("git:".length);
    const colon = rest.indexOf(":");
    const revision = colon < 0 ? rest : rest.slice(0, colon);
    const file = colon < 0 ? undefined : rest.slice(colon + 1);
    if (revision === "") throw new UsageError(`--base ${base}: name a revision after git:, e.g. git:origin/main`);
    if (revision.startsWith("-")) throw new UsageError(`--base ${base}: a revision cannot start with "-" (git would read it as an option)`);
    if (file !== undefined && file === "") throw new UsageError(`--base ${base}: name a path after the revision, e.g. git:origin/main:agents`);
    return { revision, ...(file !== undefined ? { path: file } : {}) };
}

/**
 * The declaration files as they were at a git revision, read with `git ls-tree` and `git show`, so a
 * pull request's base needs no checkout. Each of `paths` is a local path whose repository and place
 * in it decide what is read (`git:REV`: `--head`'s files), or, with `inRepositoryOf`, a path from the
 * root of that local path's repository, as `git show REV:PATH` reads it (`git:REV:PATH`).
 */
export function sourcesAtRevision(revision: string, paths: readonly string[], inRepositoryOf?: string): { file: string; text: string }[] {
    const git = (args: string[], cwd: string) => {
        try {
            return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
        } catch (error) {
            const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split("\n")[0];
            throw new EnvironmentError(`git ${args[0]} failed for revision "${revision}": ${stderr}`);
        }
    };
    const rootOf = (local: string) => git(["rev-parse", "--show-toplevel"], path.dirname(path.resolve(local))).trim();
    const sources: { file: string; text: string }[] = [];
    for (const given of paths) {
        const root = rootOf(inRepositoryOf ?? given);
        const relative = inRepositoryOf ? given : path.relative(root, path.resolve(given)) || ".";
        // -z: names come NUL-separated and unquoted, whatever characters they hold.
        const files = git(["ls-tree", "-r", "-z", "--name-only", "--end-of-options", revision, "--", relative], root).split("\0").filter((f) => /\.ya?ml$/i.test(f));
        if (files.length === 0 && inRepositoryOf) throw new EnvironmentError(`no declaration files at ${revision}:${given}`);
        for (const file of files) {
            sources.push({ file: `${revision}:${file}`, text: git(["show", "--end-of-options", `${revision}:${file}`], root) });
        }
    }
    return sources;
}
