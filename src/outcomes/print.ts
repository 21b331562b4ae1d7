/** `health outcomes` as text, CSV or JSON. */
import type { OutputFormat } from "../core/records.ts";
import { formatRecords } from "../core/records.ts";
import type { OutcomesReport } from "./outcomes.ts";

const RESPONSE_LABELS = { proactive: "acted on early (proactive)", reactive: "acted on late (reactive)", none: "not acted on" } as const;

const percent = (x: number | null | undefined) => (x === null || x === undefined ? "-" : `${Math.round(x * 100)}%`);
const days = (x: number | null | undefined) => (x === null || x === undefined ? "-" : `${Math.round(x * 10) / 10}`);

/** The report in the requested format: JSON is outcomes.json; CSV one row per save-rate group. */
export function formatOutcomes(report: OutcomesReport, format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "csv") return formatRecords(report.save_rates as unknown as Record<string, unknown>[], "csv");
  return outcomesText(report);
}

function outcomesText(r: OutcomesReport): string {
  const lines: string[] = [];
  if (!r.has_interventions) lines.push("No interventions export in this book: every episode and alert reads as not acted on.", "");
  lines.push(
    `At-risk episodes: ${r.episodes.total} (${r.episodes.decided} decided, ${r.episodes.open} still open, ${r.episodes.too_recent} too recent to judge); ${r.episodes.acted_on} acted on.`,
    `Alerts: ${r.alerts.total}, ${r.alerts.acted_on} acted on (median ${days(r.alerts.median_days_to_first_action)} days from alert to first action).`,
    `Interventions: ${r.interventions} (${r.interventions_unmatched} outside any episode or alert).`,
    "",
    `Save rate (still a customer ${r.options.save_after_days} days after the episode), with 95% Wilson intervals:`,
    "",
  );
  lines.push(
    formatRecords(
      r.save_rates.map((s) => ({
        response: RESPONSE_LABELS[s.response],
        episodes: s.episodes,
        saved: s.saved,
        save_rate: percent(s.save_rate),
        interval: s.episodes > 0 ? `${percent(s.save_rate_low)}-${percent(s.save_rate_high)}` : "-",
        undecided: s.undecided,
        median_days_to_act: days(s.median_days_to_first_action),
      })),
      "text",
    ),
  );
  const m = r.no_action_matched;
  lines.push(
    m.effective_episodes === null
      ? "Not acted on, matched to acted episodes: - (no acted episode shares a severity stratum with an unacted one)."
      : `Not acted on, matched to acted episodes: ${percent(m.save_rate)} (interval ${percent(m.save_rate_low)}-${percent(m.save_rate_high)}; effective count ${days(m.effective_episodes)} from ${m.not_acted_matched} unacted episodes in the ${m.strata_used} severity strata of ${m.acted_matched} acted ones${m.acted_unmatched > 0 ? `; ${m.acted_unmatched} acted episodes had no unacted match` : ""}).`,
    "  The raw 'not acted on' row above is every flagged episode nobody acted on; the matched figure compares like with like (see no_action_matched below).",
    "",
  );
  if (r.owners.length > 0) {
    lines.push("Time from alert to first action, by CSM:", "");
    lines.push(
      formatRecords(
        r.owners.map((o) => ({
          owner: o.owner,
          alerts: o.alerts,
          acted_on: o.acted_on,
          share: percent(o.share_acted_on),
          median_days: days(o.median_days_to_first_action),
          p75_days: days(o.p75_days_to_first_action),
        })),
        "text",
      ),
    );
  }
  if (r.before_after) {
    lines.push(`Before and after the go-live on ${r.options.go_live}:`, "");
    lines.push(
      formatRecords(
        r.before_after.periods.map((p) => ({
          period: p.period,
          episodes: p.episodes,
          episode_churn: percent(p.episode_churn_rate),
          interval: p.episodes > 0 ? `${percent(p.episode_churn_rate_low)}-${percent(p.episode_churn_rate_high)}` : "-",
          churns: p.churns,
          annual_churn: percent(p.annual_churn_rate),
          churns_seen: percent(p.seen_share),
          median_weeks_seen: days(p.median_weeks_seen),
        })),
        "text",
      ),
    );
    lines.push(r.before_after.warning ?? "The difference is outside both intervals, with enough episodes on each side.", "");
  }
  lines.push("Definitions:", ...Object.entries(r.definitions).map(([k, v]) => `  ${k}: ${v}`), "");
  return `${lines.join("\n")}`;
}
