/** A Pulumi program (`main`) that builds one of the stacks in ./stacks.ts, named by config `e2e:stack`. */
import * as pulumi from "@pulumi/pulumi";
import { STACKS } from "./stacks";

const name = new pulumi.Config("e2e").require("stack");
const build = STACKS[name];
if (!build) throw new Error(`e2e:stack ${JSON.stringify(name)} is none of ${Object.keys(STACKS).join(", ")}`);
build();
