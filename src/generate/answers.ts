/**
 * The ground truth of what was planted, into `out_scenarios`, plus the figures of `summary.json`.
 * None of it is written into an export table.
 */
import type { Database } from "../db/duckdb.ts";
import { EXPECTED, type Scenario } from "./scenarios.ts";

const ANSWERS_SQL = `
create or replace table out_scenarios as
select account_id, scenario,
  signal_date::timestamp as signal_started_at,
  churned_at,
  json_extract_string($expected::json, '$.' || scenario) as expected,
  case scenario
    when 'usage_decline_churn' then format('usage falls to about {}% of normal over the {} weeks before churn at renewal',
      round(floor_level * 100)::integer, (would_churn_date - signal_date) // 7)
    when 'champion_left_churn' then format('champion leaves {} weeks before churn{}; usage erodes after',
      (would_churn_date - signal_date) // 7, if(variant, ', the executive sponsor soon after', ''))
    when 'sponsor_left' then format('{} leaves; {}', replace(leaving_role, '_', ' '),
      if(variant, format('a successor arrives {} weeks later', ramp_days // 7), 'nobody replaces them'))
    when 'p0_bug_storm' then format('burst of P0/P1 bugs and incidents over {} days with poor CSAT; {}', ramp_days,
      if(churns, format('churns {} weeks after it starts', (would_churn_date - signal_date) // 7), 'stays'))
    when 'stalled_onboarding' then format('onboarding goes yellow then red and {}; low usage; {}',
      if(variant, 'never goes live', 'goes live 30-90 days late'), if(churns, 'churns at first renewal', 'stays at risk'))
    when 'promoter_decline' then format('NPS stays 9-10 while usage falls to about {}% over {} weeks; {}',
      round(floor_level * 100)::integer, ramp_days // 7, if(churns, 'churns at renewal', 'stays'))
    when 'low_utilisation_power_users' then format('about {}% of seats in use, carried by a few power users{}',
      round(utilisation * 100)::integer, if(variant, '; cuts seats at the first renewal in the window', ''))
    when 'expansion' then format('seats nearly all in use, more users and features from this date{}',
      if(variant, '; buys more seats near the end', ''))
    when 'merger_acquisition' then format('acquisition announced; {}',
      if(churns, format('churns {} weeks later', (would_churn_date - signal_date) // 7), 'stays'))
    when 'bankruptcy' then format('insolvency; churns {} weeks later', (would_churn_date - signal_date) // 7)
    when 'decline_recover' then format('usage dips to about {}% for {} weeks, then recovers',
      round(floor_level * 100)::integer, ramp_days // 7)
    when 'silent_churn' then 'churns at renewal with no signal in the data (budget, competitor, price)'
    else if(has_noise_dip, format('background only; a meaningless {}-week usage dip from {}', noise_dip_days // 7, noise_dip_start), 'background only')
  end || if(saved_by_action, format('; saved by the team''s action: renews on {} instead of churning', would_churn_date), '') as notes
from gen_accounts`;

/** Builds `out_scenarios` (one row per account). */
export async function buildAnswers(db: Database): Promise<void> {
  await db.run(ANSWERS_SQL, { expected: JSON.stringify(EXPECTED) });
}

/** Scenario counts, churn and its annualised rate over active account-years inside the window. */
export async function churnFigures(db: Database): Promise<{
  byScenario: Record<string, number>;
  churned: number;
  accountYears: number;
  annualChurnRate: number;
}> {
  const rows = await db.all<{ scenario: Scenario; n: number }>(
    "select scenario, count(*)::integer as n from gen_accounts group by scenario order by scenario",
  );
  const churn = await db.one<{ churned: number; account_years: number }>(`
    select count(*) filter (where churn_date between getvariable('start_date') and getvariable('end_date'))::integer as churned,
      sum(greatest(0, least(coalesce(churn_date, getvariable('end_date') + 1), getvariable('end_date') + 1)
                      - greatest(contract_start, getvariable('start_date'))))::double / 365.25 as account_years
    from gen_accounts`);
  const churned = churn?.churned ?? 0;
  const accountYears = churn?.account_years ?? 0;
  return {
    byScenario: Object.fromEntries(rows.map((r) => [r.scenario, r.n])),
    churned,
    accountYears,
    annualChurnRate: accountYears > 0 ? churned / accountYears : 0,
  };
}
