/**
 * IAM's matching of a policy's Resource element against a resource ARN: what `who-can` and the
 * separation-of-duties rules read the generated statements by. An ARN has six colon-separated parts;
 * partition, service, region and account compare without regard to case, the resource part case by
 * case. In a pattern `*` stands for any run of characters and `?` for exactly one, each within its
 * part (the resource part may itself hold colons and slashes). The only patterns agentid generates are
 * the connectors' scoping forms (S3 `prefix/*`, Secrets Manager `-??????`), but stacks may hold others.
 */

/** The five fixed parts and the resource part of an ARN (or pattern); undefined when it is not an ARN. */
function partsOf(arn: string): { fixed: string[]; resource: string } | undefined {
    const fields = arn.split(":");
    if (fields.length < 6 || fields[0] !== "arn") return undefined;
    return { fixed: fields.slice(0, 5), resource: fields.slice(5).join(":") };
}

/** Whether a glob (`*` any run, `?` one character) matches the whole text. */
export function globMatches(pattern: string, text: string, ignoreCase = false): boolean {
    const p = ignoreCase ? pattern.toLowerCase() : pattern;
    const t = ignoreCase ? text.toLowerCase() : text;
    // Iterative matching with one backtrack point: linear in practice, never exponential. Past the pattern's
    // end p[pi] is undefined, which is neither "?", "*" nor a character of the text.
    let pi = 0;
    let ti = 0;
    let star = -1;
    let resume = 0;
    while (ti < t.length) {
        if (p[pi] === "?" || p[pi] === t[ti]) { pi++; ti++; }
        else if (p[pi] === "*") { star = pi++; resume = ti; }
        else if (star >= 0) { pi = star + 1; ti = ++resume; }
        else return false;
    }
    while (p[pi] === "*") pi++;
    return pi === p.length;
}

/**
 * Whether some text that `pattern` matches starts with `prefix` (a literal): the pattern can read the
 * prefix and still be alive. Every glob can be completed from any point, so that is enough.
 */
export function globReachesPrefix(pattern: string, prefix: string, ignoreCase = false): boolean {
    const p = ignoreCase ? pattern.toLowerCase() : pattern;
    const t = ignoreCase ? prefix.toLowerCase() : prefix;
    // A state at the pattern's end reads nothing: p[s] is undefined there.
    let states = closure(p, new Set([0]));
    for (const ch of t) {
        const next = new Set<number>();
        for (const s of states) {
            if (p[s] === "*") next.add(s);
            else if (p[s] === "?" || p[s] === ch) next.add(s + 1);
        }
        states = closure(p, next);
    }
    return states.size > 0;
}

/**
 * Whether two globs match some text in common (`secret:billing/k-??????` and `secret:billing/*`, say):
 * the product of their automata reaches both ends. Quadratic in the patterns' lengths.
 */
export function globsOverlap(a: string, b: string, ignoreCase = false): boolean {
    const p = ignoreCase ? a.toLowerCase() : a;
    const q = ignoreCase ? b.toLowerCase() : b;
    const seen = new Set<string>();
    const queue: [number, number][] = [];
    const visit = (i: number, j: number) => {
        for (const x of closure(p, new Set([i]))) {
            for (const y of closure(q, new Set([j]))) {
                const key = `${x},${y}`;
                if (!seen.has(key)) { seen.add(key); queue.push([x, y]); }
            }
        }
    };
    visit(0, 0);
    while (queue.length > 0) {
        const [i, j] = queue.shift()!;
        if (i === p.length && j === q.length) return true;
        if (i === p.length || j === q.length) continue;
        const [x, y] = [p[i], q[j]];
        // One character both can read: any one when both take any, else the literal one takes.
        const both = x === "*" || x === "?" || y === "*" || y === "?" || x === y;
        if (both) visit(x === "*" ? i : i + 1, y === "*" ? j : j + 1);
    }
    return false;
}

/** NFA states of a glob reachable without reading a character (a `*` may match nothing). */
function closure(pattern: string, states: Set<number>): Set<number> {
    const out = new Set(states);
    for (const s of states) {
        let i = s;
        while (pattern[i] === "*") out.add(++i);
    }
    return out;
}

/** Whether a policy Resource pattern matches one resource ARN, as IAM reads it. `*` alone matches everything. */
export function resourceMatches(pattern: string, arn: string): boolean {
    if (pattern === "*") return true;
    const p = partsOf(pattern);
    const a = partsOf(arn);
    if (!p || !a) return pattern === arn;
    return p.fixed.every((part, i) => globMatches(part, a.fixed[i], true)) && globMatches(p.resource, a.resource);
}

/**
 * Whether a policy Resource pattern reaches any resource under an ARN prefix: some ARN it matches starts
 * with `prefix`. A prefix that ends inside one of the five fixed parts (before the resource part) must
 * be matched by the pattern's part as a prefix there, and the later parts are free.
 */
export function resourceReachesPrefix(pattern: string, prefix: string): boolean {
    if (pattern === "*") return true;
    const p = partsOf(pattern);
    const fields = prefix.split(":");
    if (!p) return pattern.startsWith(prefix);
    for (let i = 0; i < Math.min(fields.length, 5); i++) {
        const last = i === fields.length - 1;
        const ok = last ? globReachesPrefix(p.fixed[i], fields[i], true) : globMatches(p.fixed[i], fields[i], true);
        if (!ok) return false;
    }
    // A prefix that ends in a fixed part leaves the resource part free: it reaches the empty prefix.
    return globReachesPrefix(p.resource, fields.slice(5).join(":"));
}

/**
 * An ARN prefix as a rule writes it (`arn:…:secret:billing/` or `arn:…:secret:billing/*`, the trailing
 * `*` optional): whether a policy Resource reaches anything under it.
 */
export function resourceReachesArnPrefix(policyResource: string, prefix: string): boolean {
    return resourceReachesPrefix(policyResource, prefix.endsWith("*") ? prefix.slice(0, -1) : prefix);
}

/**
 * Whether a policy Resource pattern and an ARN pattern match some ARN in common. `*` alone is no ARN, so
 * it is read as a glob, which overlaps every pattern.
 */
export function resourcesOverlap(pattern: string, other: string): boolean {
    const p = partsOf(pattern);
    const o = partsOf(other);
    if (!p || !o) return globsOverlap(pattern, other);
    return p.fixed.every((part, i) => globsOverlap(part, o.fixed[i], true)) && globsOverlap(p.resource, o.resource);
}
