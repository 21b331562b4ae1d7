/**
 * The outcome models' inputs as hand-made tables: a weekly tier history, alerts, interventions,
 * churns, accounts and the usage trend, in the shapes the engine gives them (account_health_weekly,
 * alerts, stg_interventions, int_churn_episodes, stg_accounts, source_tables, measures_adoption). The rules of
 * src/sql/outcomes are checked on these exact histories, in a real DuckDB.
 */
import type { Database } from "../../src/db/duckdb.ts";

export interface OutcomeInputs {
  /** Per account: first week's Monday (YYYY-MM-DD) and one tier per week, e.g. "hhwaaawhh" (h healthy, w watch, a at_risk, - churned). */
  tiers: Record<string, { from: string; weeks: string }>;
  accounts: { account_id: string; contract_start_date: string; csm_owner: string | null }[];
  alerts?: {
    alert_id: string;
    account_id: string;
    kind: string;
    raised_week_end: string;
    cleared_week_end: string | null;
    csm_owner?: string | null;
  }[];
  interventions?: {
    intervention_id: string;
    account_id: string;
    started_at: string;
    kind?: string;
    owner?: string | null;
    alert_id?: string | null;
  }[];
  churns?: { account_id: string; churned_at: string }[];
  /**
   * Per account: its usage_vs_baseline_26w (measures_adoption) by week, one value per letter of its
   * tiers (null: no baseline); an account left out has none in any week.
   */
  usageVsBaseline?: Record<string, (number | null)[]>;
  exportedAt: string;
}

const TIER = { h: "healthy", w: "watch", a: "at_risk" } as const;
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

/** Creates the input tables in `db`. */
export async function createOutcomeInputs(db: Database, inputs: OutcomeInputs): Promise<void> {
  const weeks: { account_id: string; week_start: string; tier: string; usage_vs_baseline_26w: number | null }[] = [];
  for (const [account, { from, weeks: letters }] of Object.entries(inputs.tiers)) {
    [...letters].forEach((letter, i) => {
      if (letter !== "-") {
        weeks.push({
          account_id: account,
          week_start: addDays(from, 7 * i),
          tier: TIER[letter as keyof typeof TIER],
          usage_vs_baseline_26w: inputs.usageVsBaseline?.[account]?.[i] ?? null,
        });
      }
    });
  }
  const json = (rows: unknown[]) => JSON.stringify(rows);
  await db.run(
    `create or replace table account_health_weekly as
     select account_id, week_start::date as week_start, (week_start::date + 6) as week_end, (week_start::date + 7)::timestamp as as_of, tier
     from (select unnest(from_json($rows, '[{"account_id":"varchar","week_start":"varchar","tier":"varchar"}]'), recursive := true))`,
    { rows: json(weeks) },
  );
  await db.run(
    `create or replace table measures_adoption as
     select account_id, week_start::date as week_start, usage_vs_baseline_26w
     from (select unnest(from_json($rows, '[{"account_id":"varchar","week_start":"varchar","usage_vs_baseline_26w":"double"}]'), recursive := true))`,
    { rows: json(weeks) },
  );
  await db.run(
    `create or replace table stg_accounts as
     select account_id, account_id || ' Inc' as account_name, 'smb' as segment, csm_owner, contract_start_date::date as contract_start_date
     from (select unnest(from_json($rows, '[{"account_id":"varchar","contract_start_date":"varchar","csm_owner":"varchar"}]'), recursive := true))`,
    { rows: json(inputs.accounts) },
  );
  await db.run(
    `create or replace table alerts as
     select a.alert_id, a.account_id, a.account_id || ' Inc' as account_name, a.kind, 'medium' as severity,
       a.raised_week_end::date as raised_week_end, (a.raised_week_end::date + 1)::timestamp as raised_as_of,
       a.cleared_week_end::date as cleared_week_end, a.cleared_week_end is null as is_open,
       coalesce(a.csm_owner, s.csm_owner) as csm_owner
     from (select unnest(from_json($rows, '[{"alert_id":"varchar","account_id":"varchar","kind":"varchar","raised_week_end":"varchar","cleared_week_end":"varchar","csm_owner":"varchar"}]'), recursive := true)) as a
     left join stg_accounts as s using (account_id)`,
    { rows: json(inputs.alerts ?? []) },
  );
  await db.run(
    `create or replace table stg_interventions as
     select intervention_id, account_id, started_at::timestamp as started_at, null::timestamp as completed_at,
       coalesce(kind, 'call') as kind, owner, alert_id, null::varchar as outcome
     from (select unnest(from_json($rows, '[{"intervention_id":"varchar","account_id":"varchar","started_at":"varchar","kind":"varchar","owner":"varchar","alert_id":"varchar"}]'), recursive := true))`,
    { rows: json(inputs.interventions ?? []) },
  );
  await db.run(
    `create or replace table int_churn_episodes as
     select account_id, churned_at::timestamp as churned_at, null::timestamp as reactivated_at
     from (select unnest(from_json($rows, '[{"account_id":"varchar","churned_at":"varchar"}]'), recursive := true))`,
    { rows: json(inputs.churns ?? []) },
  );
  await db.run(
    "create or replace table source_tables as select 'interventions' as table_name, $present::boolean as is_present, 0::bigint as row_count, 0 as file_count",
    { present: (inputs.interventions ?? []).length > 0 },
  );
}
