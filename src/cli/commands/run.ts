/** `health run`: the main job, every stage, one consistent set of output files. */
import { runStages } from "../../run.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../../core/records.ts";

export const runCommand: Command = {
  name: "run",
  summary: "the main job: check, score, and every downstream stage, published together",
  usage: "health run [--data DIR] [--formula FILE] [--out DIR]",
  help: `Runs every stage on the exports and replaces the files in --out only once all are written.
Prints the files written.`,
  options: {},
  writesOut: true,
  async run({ locations, log, format, print }) {
    const files = await runStages(locations, log);
    print(
      formatRecords(
        files.map((f) => ({ file: f.file, rows: f.rows ?? null, bytes: f.bytes })),
        format,
      ),
    );
    return 0;
  },
};
