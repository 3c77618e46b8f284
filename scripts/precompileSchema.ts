/**
 * Compiles schema/agent.schema.json into standalone validation code (ajv's standalone mode) beside
 * dist/provider/declarations/schemaValidator.js, so a CLI process loads it instead of compiling the
 * schema: part of `npm run build`. The code carries the schema's fingerprint; a stale file is ignored.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import standaloneCode from "ajv/dist/standalone";
import agentSchema = require("../schema/agent.schema.json");
import { AJV_OPTIONS, PRECOMPILED_FILE, schemaFingerprint } from "../provider/declarations/schemaValidator";

const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, esm: false } });
const code = standaloneCode(ajv, ajv.compile(agentSchema));
const target = path.resolve(__dirname, "..", "provider", "declarations", PRECOMPILED_FILE);
fs.writeFileSync(target, `${code}\nmodule.exports.fingerprint = ${JSON.stringify(schemaFingerprint())};\n`);
