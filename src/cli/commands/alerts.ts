/** `health alerts`: the alerts replayed over the weekly history, newest first, as a to-do list or CSV. */
import { alertRecords, alertsCsv, ALERT_COLUMNS } from "../../alerts/alerts.ts";
import { alertsText } from "../../alerts/text.ts";
import { parseDay } from "../../core/dates.ts";
import { UsageError } from "../../errors.ts";
import { runStagesThen, stagesThrough } from "../../run.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../../core/records.ts";

export const alertsCommand: Command = {
  name: "alerts",
  summary: "alerts with reasons and playbooks, newest first, replayed over the weekly history",
  usage: "health alerts [--since DATE] [--open] [--data DIR] [--formula FILE] [--out DIR] [--format text|csv|json]",
  help: `--since DATE   only alerts raised in a week ending on or after DATE (YYYY-MM-DD)
--open         only alerts still open in the last scored week
Runs the main job's stages up to alerts (health history, alerts) and publishes their files to
--out like "health run" (alerts.parquet and alerts.csv hold every alert, unfiltered), then
prints the alerts. --format csv is the same CSV as alerts.csv, for a CRM import.
Thresholds and playbooks come from the formula's alerts section.`,
  options: { since: { type: "string" }, open: { type: "boolean" } },
  writesOut: true,
  async run({ locations, log, format, print, options, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const since = options.since as string | undefined;
    if (since !== undefined) parseDay(since, "--since");
    const openOnly = Boolean(options.open);
    const filter = { since, openOnly };
    if (format === "csv") {
      const { result: csv } = await runStagesThen(locations, log, stagesThrough("alerts"), (db) => alertsCsv(db, filter));
      print(csv);
      return 0;
    }
    const { result: alerts } = await runStagesThen(locations, log, stagesThrough("alerts"), (db) => alertRecords(db, filter));
    if (format === "json") print(formatRecords(alerts as unknown as Record<string, unknown>[], "json", ALERT_COLUMNS));
    else print(alertsText(alerts, `${openOnly ? "Open alerts" : "Alerts"}${since ? ` raised since ${since}` : ""}`));
    return 0;
  },
};
