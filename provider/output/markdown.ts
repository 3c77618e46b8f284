/**
 * Escaping for GitHub-flavoured Markdown (pull-request comments, inventories). User text is always
 * rendered as a code span or inside a fenced block: inside code, GitHub renders no HTML, headings,
 * links, emphasis, @mentions, #references or emoji, so the text cannot change the comment's
 * structure or notify anyone. Line breaks and other controls are shown as escapes.
 */
import { showControls } from "./controls";

/** User text as an inline code span, e.g. in a heading or a list item. */
export function markdownCode(text: string): string {
    const flat = showControls(text);
    if (flat === "") return "` `";
    const fence = "`".repeat(longestRun(flat, "`") + 1);
    // A span starting or ending with a backtick (or a space) needs padding, which CommonMark strips.
    const pad = /^[` ]|[` ]$/.test(flat) ? " " : "";
    return `${fence}${pad}${flat}${pad}${fence}`;
}

/** User text in a table cell: a code span whose pipes are escaped, as GFM tables require even inside code. */
export function markdownCell(text: string): string {
    return markdownCode(text).replace(/\|/g, "\\|");
}

/** A fenced code block that no line of the content can close: the fence is longer than any backtick run in it. */
export function markdownCodeBlock(lines: readonly string[], info = ""): string[] {
    const body = lines.map(showControls);
    const fence = "`".repeat(Math.max(3, ...body.map((l) => longestRun(l, "`") + 1)));
    return [`${fence}${info}`, ...body, fence];
}

function longestRun(text: string, char: string): number {
    let longest = 0;
    let current = 0;
    for (const c of text) {
        current = c === char ? current + 1 : 0;
        longest = Math.max(longest, current);
    }
    return longest;
}
