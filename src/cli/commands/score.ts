/** `health score`: compute the weekly health history and write it to the output directory. */
import { runStages, STAGES } from "../../run.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../../core/records.ts";

export const scoreCommand: Command = {
  name: "score",
  summary: "compute health for every account and week and write it as Parquet",
  usage: "health score [--data DIR] [--formula FILE] [--out DIR]",
  help: `Writes account_health_weekly, account_measures_weekly, user_health and accounts (.parquet)
and health_summary.json to --out; existing files are replaced only once all are written.
Prints the files written (text, csv or json).`,
  options: {},
  writesOut: true,
  async run({ locations, log, format, print }) {
    const files = await runStages(locations, log, STAGES.slice(0, 1));
    print(
      formatRecords(
        files.map((f) => ({ file: f.file, rows: f.rows ?? null, bytes: f.bytes })),
        format,
      ),
    );
    return 0;
  },
};
