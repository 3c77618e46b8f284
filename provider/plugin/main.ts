/** Entry point of `pulumi-resource-agentid`: the engine starts it and talks gRPC on the port it prints. */
import * as provider from "@pulumi/pulumi/provider";
import { AgentidProvider } from "./provider";

provider.main(new AgentidProvider(), process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`pulumi-resource-agentid: ${error.message}\n`);
    process.exit(1);
});
