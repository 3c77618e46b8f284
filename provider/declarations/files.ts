import * as fs from "fs";
import * as path from "path";

/** A path and why it cannot be used; `reason` never repeats the path (it may hold any character). */
export interface FileProblem {
    file: string;
    reason: string;
}

/** The declaration files under the given paths, and every path that could not be used. */
export interface FileSet {
    /** Regular `*.yaml` / `*.yml` files, each once: a file reached by two paths (links) is read once, under the first. */
    files: string[];
    /** Paths given that do not exist (a dangling link given by name included). */
    missing: string[];
    /** Paths that exist but cannot be read, or were given by name and are not files or directories: an environment error. */
    unreadable: FileProblem[];
    /** Entries met inside directories that cannot hold declarations (dangling links, link loops, FIFOs, devices): reported per entry, the rest is read. */
    skipped: FileProblem[];
}

const DECLARATION_FILE = /\.ya?ml$/i;

/** Expands files and directories (recursively, sorted) into declaration files, never following a loop. */
export function collectFiles(paths: readonly string[]): FileSet {
    const set: FileSet = { files: [], missing: [], unreadable: [], skipped: [] };
    const seenFiles = new Set<string>();
    const seenDirectories = new Set<string>();

    const addFile = (file: string, stat: fs.Stats) => {
        const identity = `${stat.dev}:${stat.ino}`;
        if (seenFiles.has(identity)) return;
        seenFiles.add(identity);
        set.files.push(file);
    };

    const walk = (directory: string, ancestors: readonly string[]) => {
        let real: string;
        try {
            real = fs.realpathSync(directory);
        } catch (error) {
            set.unreadable.push({ file: directory, reason: `cannot resolve the directory: ${describeError(error)}` });
            return;
        }
        if (ancestors.includes(real)) {
            set.skipped.push({ file: directory, reason: "a link back to a directory that contains it (a loop); remove the link" });
            return;
        }
        if (seenDirectories.has(real)) return; // the same directory through another link: already read
        seenDirectories.add(real);
        let children: string[];
        try {
            children = fs.readdirSync(directory).sort();
        } catch (error) {
            set.unreadable.push({ file: directory, reason: `cannot list the directory: ${describeError(error)}` });
            return;
        }
        for (const child of children) {
            if (child.startsWith(".") || child === "node_modules") continue;
            visit(path.join(directory, child), [...ancestors, real]);
        }
    };

    const visit = (entry: string, ancestors: readonly string[]) => {
        const stat = statOrProblem(entry);
        if ("problem" in stat) {
            if (DECLARATION_FILE.test(entry) || stat.loop) set.skipped.push({ file: entry, reason: stat.problem });
            return;
        }
        if (stat.isDirectory()) walk(entry, ancestors);
        else if (!DECLARATION_FILE.test(entry)) return;
        else if (stat.isFile()) addFile(entry, stat);
        else set.skipped.push({ file: entry, reason: `${kindOf(stat)}, not a regular file; declarations must be regular files` });
    };

    for (const given of paths) {
        const stat = statOrProblem(given);
        if ("problem" in stat) {
            if (stat.missing) set.missing.push(given);
            else set.unreadable.push({ file: given, reason: stat.problem });
        } else if (stat.isDirectory()) {
            walk(given, []);
        } else if (stat.isFile()) {
            addFile(given, stat);
        } else {
            set.unreadable.push({ file: given, reason: `${kindOf(stat)}, not a regular file or a directory` });
        }
    }
    return set;
}

/**
 * Reads one declaration file. The file is opened without blocking and checked again after opening,
 * so a FIFO or device that replaced it since it was listed is refused instead of read.
 */
export function readDeclarationFile(file: string): { text: string } | { problem: string } {
    const read = readRegularFile(file);
    return "bytes" in read ? { text: read.bytes.toString("utf8") } : read;
}

/** A regular file's bytes, opened without blocking and checked after opening (readDeclarationFile's reader). */
export function readRegularFile(file: string): { bytes: Buffer } | { problem: string } {
    let fd: number | undefined;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        const stat = fs.fstatSync(fd);
        if (!stat.isFile()) return { problem: `${kindOf(stat)}, not a regular file` };
        return { bytes: fs.readFileSync(fd) };
    } catch (error) {
        return { problem: `cannot read the file: ${describeError(error)}` };
    } finally {
        if (fd !== undefined) fs.closeSync(fd);
    }
}

type StatResult = fs.Stats | { problem: string; missing: boolean; loop: boolean };

function statOrProblem(entry: string): StatResult {
    try {
        return fs.statSync(entry);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") {
            const link = linkTarget(entry);
            return link === undefined
                ? { problem: "no such file or directory", missing: true, loop: false }
                : { problem: `a dangling symbolic link (its target ${JSON.stringify(link)} does not exist); remove it or fix the target`, missing: true, loop: false };
        }
        if (code === "ELOOP") return { problem: "a symbolic link that points back to itself (a loop); remove the link", missing: false, loop: true };
        return { problem: describeError(error), missing: false, loop: false };
    }
}

function linkTarget(entry: string): string | undefined {
    try {
        return fs.readlinkSync(entry);
    } catch {
        return undefined;
    }
}

function kindOf(stat: fs.Stats): string {
    if (stat.isFIFO()) return "a FIFO (named pipe)";
    if (stat.isCharacterDevice()) return "a character device";
    if (stat.isBlockDevice()) return "a block device";
    if (stat.isSocket()) return "a socket";
    if (stat.isDirectory()) return "a directory";
    return "something else";
}

/** An error as `permission denied (EACCES)`: Node's messages repeat the path, which may hold any character. */
function describeError(error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    const known: Record<string, string> = {
        EACCES: "permission denied", EPERM: "operation not permitted", EIO: "input/output error",
        EISDIR: "is a directory", ENAMETOOLONG: "the name is too long", EMFILE: "too many open files",
    };
    if (code) return `${known[code] ?? "system error"} (${code})`;
    return String((error as Error).message ?? error).split("\n")[0];
}
