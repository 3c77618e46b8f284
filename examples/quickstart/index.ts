/** Quickstart: every declaration in ./agents becomes an Agent through one AgentFleet. */
import * as path from "path";
import { AgentFleet } from "../../provider";

const fleet = new AgentFleet("quickstart", {
    paths: [path.join(__dirname, "..", "..", "..", "examples", "quickstart", "agents")],
    settings: { trustDomain: "example.org" },
});
export const agents = fleet.summary;
