/** `health generate`: write the deterministic demo warehouse. */
import { generateDemoWarehouse } from "../../generate/demo-warehouse.ts";
import { DEFAULTS } from "../../generate/options.ts";
import { PROFILE_IDS, profileHelp } from "../../generate/profiles.ts";
import { UsageError } from "../../errors.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../../core/records.ts";

export const generateCommand: Command = {
  name: "generate",
  summary: "write the demo warehouse: a realistic book of business with planted risks and answers",
  usage: "health generate [--profile NAME] [--accounts N] [--seed S] [--end YYYY-MM-DD] [--weeks W] [--events-per-account E] [--out DIR]",
  help: `Writes the export files, export.json and _answers/ (the planted ground truth, never read by the
engine) to --out; without --out, to the data directory (--data, HEALTH_DATA, else data/demo).
The same seed and options give the same files. Replaces an existing generated warehouse only
once the new one is complete; refuses a non-empty directory that is not one.
  --accounts N            accounts (default ${DEFAULTS.accounts}; 10000 gives about 100M usage events)
  --seed S                seed of every random draw (default ${DEFAULTS.seed})
  --end YYYY-MM-DD        last day of history, a Sunday (default ${DEFAULTS.endDate})
  --weeks W               weeks of history (default ${DEFAULTS.weeks})
  --events-per-account E  mean usage events per account (default ${DEFAULTS.eventsPerAccount})
  --profile NAME          which book (default demo); profiles break the demo's assumptions and
                          churn from their own behaviour, with answers in _answers/:
${profileHelp("                            ")}`,
  options: {
    accounts: { type: "string" },
    seed: { type: "string" },
    end: { type: "string" },
    weeks: { type: "string" },
    "events-per-account": { type: "string" },
    profile: { type: "string" },
  },
  async run({ locations, explicit, options, log, format, print }) {
    const outDir = explicit.out ? locations.out : locations.data;
    const profile = options.profile as string | undefined;
    if (profile !== undefined && !PROFILE_IDS.includes(profile)) {
      throw new UsageError(`--profile must be one of ${PROFILE_IDS.join(", ")}, got "${profile}"`);
    }
    const summary = await log.step(`generating the ${profile ?? "demo"} warehouse in ${outDir}`, () =>
      generateDemoWarehouse({
        outDir,
        accounts: integer(options.accounts, "--accounts"),
        seed: integer(options.seed, "--seed"),
        endDate: options.end as string | undefined,
        weeks: integer(options.weeks, "--weeks"),
        eventsPerAccount: integer(options["events-per-account"], "--events-per-account"),
        profile,
        onProgress: log.info,
      }),
    );
    const { files, ...figures } = summary;
    print(formatRecords([{ directory: outDir, ...figures, files: files.length }], format));
    return 0;
  },
};

function integer(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== "string" || !Number.isInteger(number))
    throw new UsageError(`${flag} must be a whole number, got "${String(value)}"`);
  return number;
}
