/**
 * `npm start`: the main job on the built-in demo. Generates the demo warehouse when there is none,
 * then runs every stage of `health run` on it (the site build and server hook in after that).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { main } from "../cli/main.ts";
import { DEMO_DATA_DIR } from "../cli/paths.ts";

const data = process.env.HEALTH_DATA ?? DEMO_DATA_DIR;
if (!existsSync(path.join(data, "export.json"))) {
  const code = await main(["generate", "--data", data]);
  if (code !== 0) process.exit(code);
}
process.exitCode = await main(["run", "--data", data]);
