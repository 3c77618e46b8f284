import { createHash } from "crypto";
import type { ValidateFunction } from "ajv/dist/2020";
import agentSchema = require("../../schema/agent.schema.json");

/** How declarations are checked against schema/agent.schema.json: every error, strict schema, errors carry their schema. */
export const AJV_OPTIONS = { allErrors: true, strict: true, verbose: true } as const;

/** The file `npm run build` generates beside this module: the schema compiled ahead of time (ajv standalone). */
export const PRECOMPILED_FILE = "agentSchema.validator.js";

/** sha256 of the schema as loaded: a precompiled validator is used only for the schema it was made from. */
export function schemaFingerprint(): string {
    return createHash("sha256").update(JSON.stringify(agentSchema)).digest("hex");
}

let validator: ValidateFunction | undefined;

/**
 * The JSON Schema as a validator, once per process: the precompiled one when it matches the schema
 * (loading it takes milliseconds, compiling takes about a tenth of a second), compiled now otherwise.
 */
export function schemaValidator(): ValidateFunction {
    return (validator ??= precompiled() ?? compileNow());
}

function precompiled(): ValidateFunction | undefined {
    try {
        const module = require(`./${PRECOMPILED_FILE}`) as ValidateFunction & { fingerprint?: string };
        return module.fingerprint === schemaFingerprint() ? module : undefined;
    } catch {
        return undefined; // not generated (running from sources): compile instead
    }
}

/** Compiles the schema with ajv (loaded only here). */
export function compileNow(): ValidateFunction {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const Ajv2020 = (require("ajv/dist/2020") as typeof import("ajv/dist/2020")).default;
    return new Ajv2020({ ...AJV_OPTIONS }).compile(agentSchema);
}
