import { execFileSync } from "child_process";
import * as path from "path";
import { UsageError } from "./command";

/**
 * The declaration files under `paths` as they were at a git revision (`--base git:main`), read with
 * `git show`, so a pull request's base needs no checkout.
 */
export function sourcesAtRevision(revision: string, paths: readonly string[]): { file: string; text: string }[] {
    const git = (args: string[], cwd: string) => {
        try {
            return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
        } catch (error) {
            const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split("\n")[0];
            throw new UsageError(`git ${args[0]} failed for revision "${revision}": ${stderr}`);
        }
    };
    const sources: { file: string; text: string }[] = [];
    for (const given of paths) {
        const absolute = path.resolve(given);
        const cwd = path.dirname(absolute);
        const root = git(["rev-parse", "--show-toplevel"], cwd).trim();
        const relative = path.relative(root, absolute) || ".";
        const files = git(["ls-tree", "-r", "--name-only", revision, "--", relative], root).split("\n").filter((f) => /\.ya?ml$/i.test(f));
        for (const file of files) {
            sources.push({ file: `${revision}:${file}`, text: git(["show", `${revision}:${file}`], root) });
        }
    }
    return sources;
}
