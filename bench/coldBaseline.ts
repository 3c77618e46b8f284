/**
 * The cold-start baseline: a process that loads only `yaml` and the schema validator precompiled at
 * build time, reads every declaration file under the path and validates each document. What any
 * tool that validates these files must do; `agentid validate` does this and every guardrail besides.
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

const validate = require(path.join(__dirname, "..", "provider", "declarations", "agentSchema.validator.js")) as (value: unknown) => boolean;

function files(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? files(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
    });
}

let valid = 0;
for (const file of files(process.argv[2])) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8")) as unknown as { toJS(): unknown }[]) if (validate(doc.toJS())) valid++;
}
process.stdout.write(`${JSON.stringify({ valid })}\n`);
