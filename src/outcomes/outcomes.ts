/**
 * Outcomes: did the team act on at-risk episodes and alerts, how fast, and what came of it. The
 * work is in the SQL models of src/sql/outcomes (each file says its grain, key and rules); this
 * module binds their parameters from the formula and the command line, runs them after the alerts
 * and gathers the report that `health outcomes` prints, outcomes.json holds and the Outcomes page
 * shows.
 */
import { ident, literal, type Database } from "../db/duckdb.ts";
import { UsageError } from "../errors.ts";
import type { LoadedFormula } from "../formula/load.ts";
import type { OutputBatch } from "../output/publish.ts";
import { sqlFile } from "../sql/files.ts";
import { buildStage, model as graphModel } from "../sql/graph.ts";
import { tierFlags } from "../backtest/metrics.ts";
import { parseHorizon } from "../backtest/options.ts";
import { parseDay } from "../core/dates.ts";

export interface OutcomesOptions {
  /** An episode is saved when the account is still a customer this many days after it was last seen at risk. */
  saveDays: number;
  /** Interventions started up to this many days before an episode opened count for it. */
  leadInDays: number;
  /** The go-live date (YYYY-MM-DD) of the before/after comparison; null for none. */
  goLive: string | null;
}

export const OUTCOMES_DEFAULTS: OutcomesOptions = { saveDays: 90, leadInDays: 28, goLive: null };

/** Fewer decided episodes than this on either side of the go-live and the comparison does not conclude. */
export const MIN_EPISODES_PER_SIDE = 20;

/** Outcomes options from the command line (`--save-after`, `--go-live`). */
export function outcomesOptionsFrom(options: Record<string, string | boolean | undefined>): OutcomesOptions {
  const saveAfter = typeof options["save-after"] === "string" ? options["save-after"] : undefined;
  const goLive = typeof options["go-live"] === "string" ? options["go-live"] : undefined;
  return {
    ...OUTCOMES_DEFAULTS,
    saveDays: saveAfter === undefined ? OUTCOMES_DEFAULTS.saveDays : parseHorizon(saveAfter, "--save-after"),
    goLive: goLive === undefined ? null : parseDay(goLive, "--go-live"),
  };
}

/** The models, in build order (later ones read earlier ones). */
export const OUTCOME_MODELS = [
  "outcomes_episodes",
  "outcomes_alerts",
  "outcomes_save_rates",
  "outcomes_severity_strata",
  "outcomes_no_action_matched",
  "outcomes_owners",
  "outcomes_before_after",
] as const;

export type SaveRate = {
  response: "proactive" | "reactive" | "none";
  episodes: number;
  saved: number;
  churned: number;
  undecided: number;
  save_rate: number | null;
  save_rate_low: number | null;
  save_rate_high: number | null;
  median_days_to_first_action: number | null;
};

/** The no-action save rate matched to the acted episodes' severity (outcomes_no_action_matched). */
export type MatchedNoAction = {
  acted_episodes: number;
  acted_matched: number;
  acted_unmatched: number;
  not_acted_episodes: number;
  not_acted_matched: number;
  strata_used: number;
  effective_episodes: number | null;
  save_rate: number | null;
  save_rate_low: number | null;
  save_rate_high: number | null;
};

/** One severity stratum of the like-with-like comparison (outcomes_severity_strata). */
export type SeverityStratum = {
  worst_tier: string;
  length_band: string;
  is_renewal_window: boolean;
  /** The account's usage decline at the opening (down 50%+, down 20-50%, not down, no baseline), or 'any' where the bands were merged. */
  usage_decline_band: string;
  acted: number;
  acted_saved: number;
  not_acted: number;
  not_acted_saved: number;
  not_acted_save_rate: number | null;
  match_weight: number | null;
};

export type OwnerResponse = {
  owner: string;
  alerts: number;
  acted_on: number;
  share_acted_on: number;
  median_days_to_first_action: number | null;
  p75_days_to_first_action: number | null;
};

export type PeriodOutcome = {
  period: "before" | "after";
  episodes: number;
  churned_episodes: number;
  episode_churn_rate: number | null;
  episode_churn_rate_low: number | null;
  episode_churn_rate_high: number | null;
  churns: number;
  account_years: number;
  annual_churn_rate: number | null;
  churns_seen: number;
  seen_share: number | null;
  median_weeks_seen: number | null;
};

export interface OutcomesReport {
  formula_hash: string;
  exported_at: string;
  /** Whether the book has an interventions export; without it everything reads "not acted on". */
  has_interventions: boolean;
  interventions: number;
  /** Interventions that fall in no episode and answer no alert (acts outside any flagged risk). */
  interventions_unmatched: number;
  /** Interventions naming an alert_id that no alert of this run has. */
  unknown_alert_ids: number;
  options: { save_after_days: number; lead_in_days: number; go_live: string | null; renewal_window_days: number; risk_tiers: string[] };
  episodes: { total: number; decided: number; open: number; too_recent: number; acted_on: number };
  alerts: { total: number; acted_on: number; median_days_to_first_action: number | null };
  save_rates: SaveRate[];
  /** The no-action save rate of episodes like the acted ones; save_rates' "none" is the raw one. */
  no_action_matched: MatchedNoAction;
  severity_strata: SeverityStratum[];
  owners: OwnerResponse[];
  before_after: { periods: PeriodOutcome[]; conclusive: boolean; warning: string | null } | null;
  definitions: Record<string, string>;
}

/** The tiers an episode is made of: the two worst (the backtest's at-risk-or-watch flag). */
export function riskTiers(formula: LoadedFormula): LoadedFormula["formula"]["tiers"] {
  const tiers = formula.formula.tiers;
  const ids = new Set(tierFlags(tiers.map((t) => t.id)).watch);
  return tiers.filter((t) => ids.has(t.id));
}

/** Builds the outcome tables (needs the health history, the alerts and the staged exports). */
export async function buildOutcomes(db: Database, formula: LoadedFormula, exportedAt: Date, options: OutcomesOptions): Promise<void> {
  const params = {
    risk_tiers: JSON.stringify(riskTiers(formula).map((t) => t.id)),
    gap_weeks: formula.formula.alerts.clear_after_weeks,
    renewal_window_days: formula.formula.alerts.renewal_window_days,
    save_days: options.saveDays,
    lead_in_days: options.leadInDays,
    exported_at: exportedAt.toISOString(),
    // no go-live: every episode is "after" a date before any history, and the comparison is not reported
    go_live: options.goLive ?? "1900-01-01",
  };
  await db.run(sqlFile("outcomes/macros.sql"));
  await buildStage(db, "outcomes", { params });
}

/** Reads the report from the outcome tables. */
export async function outcomesReport(
  db: Database,
  formula: LoadedFormula,
  exportedAt: Date,
  options: OutcomesOptions,
): Promise<OutcomesReport> {
  const present = await db.one<{ present: boolean; n: number }>(
    "select coalesce(any_value(is_present), false) as present, (select count(*)::integer from stg_interventions) as n from source_tables where table_name = 'interventions'",
  );
  const episodes = (await db.one<OutcomesReport["episodes"]>(`
    select count(*)::integer as total,
      count(*) filter (where status in ('saved', 'churned'))::integer as decided,
      count(*) filter (where status = 'open')::integer as open,
      count(*) filter (where status = 'too_recent')::integer as too_recent,
      count(*) filter (where response <> 'none')::integer as acted_on
    from outcomes_episodes`))!;
  const alerts = (await db.one<OutcomesReport["alerts"]>(`
    select count(*)::integer as total, count(*) filter (where is_acted_on)::integer as acted_on,
      median(days_to_first_action) as median_days_to_first_action
    from outcomes_alerts`))!;
  const unmatched = (await db.one<{ unmatched: number; unknown_alerts: number }>(
    `
    select
      count(*) filter (where not exists (
          select 1 from outcomes_episodes e where e.account_id = i.account_id
            and i.started_at >= e.opened_at - to_days($lead_in_days) and i.started_at <= e.last_seen_at + to_days(7 * $gap_weeks))
        and not exists (select 1 from outcomes_alerts a where a.intervention_id = i.intervention_id))::integer as unmatched,
      count(*) filter (where i.alert_id is not null and not exists (select 1 from alerts a where a.alert_id = i.alert_id))::integer as unknown_alerts
    from stg_interventions as i`,
    { lead_in_days: options.leadInDays, gap_weeks: formula.formula.alerts.clear_after_weeks },
  ))!;
  const saveRates = await db.all<SaveRate>("select * from outcomes_save_rates");
  const matched = (await db.one<MatchedNoAction>("select * exclude (comparison) from outcomes_no_action_matched"))!;
  const strata = await db.all<SeverityStratum>("select * from outcomes_severity_strata");
  const owners = await db.all<OwnerResponse>("select * from outcomes_owners order by alerts desc, owner");
  let beforeAfter: OutcomesReport["before_after"] = null;
  if (options.goLive) {
    const periods = await db.all<PeriodOutcome>("select * from outcomes_before_after");
    beforeAfter = { periods, ...conclusion(periods) };
  }
  return {
    formula_hash: formula.hash,
    exported_at: exportedAt.toISOString(),
    has_interventions: Boolean(present?.present),
    interventions: present?.n ?? 0,
    interventions_unmatched: unmatched.unmatched,
    unknown_alert_ids: unmatched.unknown_alerts,
    options: {
      save_after_days: options.saveDays,
      lead_in_days: options.leadInDays,
      go_live: options.goLive,
      renewal_window_days: formula.formula.alerts.renewal_window_days,
      risk_tiers: riskTiers(formula).map((t) => t.id),
    },
    episodes,
    alerts,
    save_rates: saveRates,
    no_action_matched: matched,
    severity_strata: strata,
    owners,
    before_after: beforeAfter,
    definitions: definitions(formula, options),
  };
}

/**
 * Whether the before/after comparison can conclude: at least MIN_EPISODES_PER_SIDE decided
 * episodes a side and episode churn-rate intervals that do not overlap. Otherwise a plain warning.
 */
export function conclusion(periods: readonly PeriodOutcome[]): { conclusive: boolean; warning: string | null } {
  const before = periods.find((p) => p.period === "before");
  const after = periods.find((p) => p.period === "after");
  const reasons: string[] = [];
  for (const side of [before, after]) {
    if (!side || side.episodes < MIN_EPISODES_PER_SIDE) {
      reasons.push(`${side?.period ?? "a side"} has ${side?.episodes ?? 0} decided at-risk episodes (fewer than ${MIN_EPISODES_PER_SIDE})`);
    }
  }
  if (reasons.length === 0 && before && after) {
    const overlap =
      (before.episode_churn_rate_low ?? 0) <= (after.episode_churn_rate_high ?? 1) &&
      (after.episode_churn_rate_low ?? 0) <= (before.episode_churn_rate_high ?? 1);
    if (overlap) reasons.push("the 95% intervals of the episode churn rate before and after overlap");
  }
  if (reasons.length === 0) return { conclusive: true, warning: null };
  return {
    conclusive: false,
    warning: `Too little evidence to conclude that anything changed at the go-live: ${reasons.join("; ")}. The rule: at least ${MIN_EPISODES_PER_SIDE} decided episodes a side and intervals that do not overlap.`,
  };
}

function definitions(formula: LoadedFormula, options: OutcomesOptions): Record<string, string> {
  const alerts = formula.formula.alerts;
  return {
    episode: `A run of weeks in the ${riskTiers(formula)
      .map((t) => t.label)
      .join(
        " or ",
      )} tier; gaps shorter than ${alerts.clear_after_weeks} weeks (alerts.clear_after_weeks) do not end it. It opens at the earliest of its first flagged week and the raise of any alert still open then.`,
    acted_on: `An intervention on the account that started from ${options.leadInDays} days before the episode opened until ${alerts.clear_after_weeks} weeks after its last flagged week (or the churn), or one that names an alert of the episode.`,
    proactive: `The first action came before the renewal window (more than ${alerts.renewal_window_days} days before the next contract anniversary) and while no renewal_risk alert was open: only leading indicators had fired.`,
    reactive: `The first action came inside the renewal window (${alerts.renewal_window_days} days, alerts.renewal_window_days) or while a renewal_risk alert was open. The contract has no cancellation notice, so the window is the late signal.`,
    none: "Nobody acted during the episode. This raw figure holds every flagged episode nobody acted on, most of them milder than the ones a team acts on (and many false alarms).",
    no_action_matched: `Not acted on, matched to acted episodes: the no-action episodes re-weighted to the acted episodes' mix of severity (exact strata: the worst tier reached, ${riskTiers(
      formula,
    )
      .map((t) => t.label)
      .join(
        " or ",
      )}; length 1-2, 3-5 or 6+ flagged weeks; opened inside the renewal window or not; the account's usage of the last 4 weeks against its own 26 before, as of the opening: down 50%+, down 20-50%, not down, no baseline), each weighted acted / not acted of its stratum. Where a usage band has acted episodes and no unacted one, that stratum's usage bands are merged ('any'). Acted episodes in a stratum with no unacted one are left out (acted_unmatched). It estimates how many of the acted episodes themselves would have been saved with no action, so its effective count combines the unacted episodes' (Kish's (sum w)^2 / sum w^2) and the acted ones' (acted_matched): 1 / (1 / Kish + 1 / acted_matched); interval: Wilson 95% at that count. Tier and length are taken over the whole episode, so an action that cut an episode short puts it in a milder stratum, which favours no action.`,
    saved: `Still a customer ${options.saveDays} days after the episode was last flagged (no churn from its opening until then). Episodes still flagged at the end, or last flagged less than ${options.saveDays} days before the export, are not decided and not counted in the rates.`,
    interval: "Wilson score interval at 95%.",
    alert_acted_on:
      "An intervention naming the alert, else the first intervention on the account from the alert's raise until it cleared (or the export while open); days from the raise to its start.",
    before_after: `Episodes by the date they opened, churns by their date, before or after the go-live. Lead time: weeks from the opening of an at-risk episode (within the 26 weeks before a churn) to the churn. The comparison concludes only with at least ${MIN_EPISODES_PER_SIDE} decided episodes a side and non-overlapping intervals.`,
  };
}

/** Adds outcomes.json and a Parquet file per outcome table to the batch. */
export async function writeOutcomeOutputs(report: OutcomesReport, batch: OutputBatch): Promise<void> {
  batch.json("outcomes", report);
  for (const model of OUTCOME_MODELS) {
    if (model === "outcomes_before_after" && !report.before_after) continue;
    // in key order: the models end on joins and aggregates, whose row order DuckDB does not fix
    const key = graphModel(model).key.map(ident).join(", ");
    await batch.parquet(model, `select *, ${literal(report.formula_hash)} as formula_hash from ${model}${key ? ` order by ${key}` : ""}`);
  }
}

/** Refuses options that cannot apply to this history (a go-live outside the scored weeks). */
export async function checkGoLive(db: Database, goLive: string | null, setting = "--go-live"): Promise<void> {
  if (!goLive) return;
  const bounds = await db.one<{ first: string; last: string }>(
    "select strftime(min(week_start), '%Y-%m-%d') as first, strftime(max(week_end), '%Y-%m-%d') as last from account_health_weekly",
  );
  if (bounds && (goLive <= bounds.first || goLive > bounds.last)) {
    throw new UsageError(
      `${setting} ${goLive} is outside the scored history (${bounds.first} to ${bounds.last}): nothing would be on one side`,
    );
  }
}
