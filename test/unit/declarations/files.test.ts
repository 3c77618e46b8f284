import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readDeclarationFile, readRegularFile } from "../../../provider/declarations/files";

describe("files: reading a declaration file as validation and the fleet digest read it", () => {
    const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "agentid-files-"));

    it("reads a regular file's bytes and text exactly", () => {
        const file = path.join(dir(), "a.yaml");
        fs.writeFileSync(file, Buffer.from("name: é\n", "utf8"));
        assert.deepStrictEqual(readRegularFile(file), { bytes: Buffer.from("name: é\n", "utf8") });
        assert.deepStrictEqual(readDeclarationFile(file), { text: "name: é\n" });
    });

    it("refuses a FIFO at once instead of waiting for a writer, and a directory; names a missing file", () => {
        const d = dir();
        execFileSync("mkfifo", [path.join(d, "pipe.yaml")]);
        assert.deepStrictEqual(readRegularFile(path.join(d, "pipe.yaml")), { problem: "a FIFO (named pipe), not a regular file" });
        assert.deepStrictEqual(readDeclarationFile(path.join(d, "pipe.yaml")), { problem: "a FIFO (named pipe), not a regular file" });
        assert.deepStrictEqual(readRegularFile(d), { problem: "a directory, not a regular file" });
        assert.match((readRegularFile(path.join(d, "missing.yaml")) as { problem: string }).problem, /^cannot read the file: /);
    });
});
