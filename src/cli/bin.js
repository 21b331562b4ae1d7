#!/usr/bin/env node
// The `health` command: registers tsx so the TypeScript CLI runs without a build step.
import { register } from "tsx/esm/api";

register();
// `health ... | head` closes stdout early: that is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
