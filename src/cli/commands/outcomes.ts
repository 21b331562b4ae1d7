/** `health outcomes`: did the team act on risk, how fast, and what came of it. */
import { outcomesOptionsFrom, type OutcomesReport } from "../../outcomes/outcomes.ts";
import { formatOutcomes } from "../../outcomes/print.ts";
import { outcomesStage } from "../../outcomes/stage.ts";
import { UsageError } from "../../errors.ts";
import { runStages, stagesThrough } from "../../run.ts";
import type { Command } from "../command.ts";

export const outcomesCommand: Command = {
  name: "outcomes",
  summary: "whether the team acted on at-risk episodes and alerts, how fast, and the save rate of acting early, late or not at all",
  usage: "health outcomes [--save-after 90d] [--go-live DATE] [--data DIR] [--formula FILE] [--out DIR] [--format text|csv|json]",
  help: `--save-after N   an episode is saved when the account is still a customer N days (90d) or weeks
                (13w) after it was last flagged; default 90d
--go-live DATE  compare churn and lead time before and after this date (YYYY-MM-DD), e.g. the day
                the team started acting on alerts (the main job reads HEALTH_GO_LIVE); warns when
                the samples are too small to conclude (fewer than 20 decided episodes a side, or
                overlapping 95% intervals)
Reads the interventions export (what the team did) against the at-risk episodes (runs of weeks in
the two worst tiers) and the alerts of the same run. The save rate is given for episodes acted on early
(proactive: before the renewal window, while only leading indicators had fired), late (reactive:
inside the renewal window or with a renewal_risk alert open) and not at all, each with its count and
a Wilson 95% interval; then the time from alert to first action by CSM. src/sql/outcomes/*.sql
holds every rule. --format json prints outcomes.json; csv one row per group. Writes outcomes.json
and outcomes_*.parquet to --out, with the health and alert files of the same run.`,
  options: { "save-after": { type: "string" }, "go-live": { type: "string" } },
  writesOut: true,
  async run({ locations, log, format, print, options, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const outcomesOptions = outcomesOptionsFrom(options);
    let report: OutcomesReport | undefined;
    const files = await runStages(locations, log, [...stagesThrough("alerts"), outcomesStage(outcomesOptions, (r) => (report = r))]);
    for (const file of files) log.info(`wrote ${file.file}`);
    print(formatOutcomes(report!, format));
    return 0;
  },
};
