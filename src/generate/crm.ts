/**
 * Export-shaped CRM and catalogue tables: `out_accounts`, `out_contacts`, `out_features` and
 * `out_subscription_changes`. Pure projections of what earlier steps generated.
 */
import type { Database } from "../db/duckdb.ts";

const ACCOUNTS_OUT_SQL = `
create or replace table out_accounts as
select a.account_id, a.account_name, a.segment, a.industry, a.region,
  st.plan, st.arr, st.seats_purchased,
  a.contract_start as contract_start_date,
  -- next renewal; for churned accounts the end of the term they left in
  list_min(list_filter(
    list_transform(range(1, 12), lambda k: (a.contract_start + to_years(k::integer))::date),
    lambda d: d >= coalesce(a.churn_date, getvariable('end_date') + 1))) as renewal_date,
  a.csm_owner,
  a.churned_at,
  if(a.churned_at is null, null, a.churn_reason_if_churned) as churn_reason
from gen_accounts a join gen_account_state st using (i)`;

const CONTACTS_OUT_SQL = `
create or replace table out_contacts as
select c.contact_id, a.account_id, c.full_name, c.email, c.role, c.is_key, c.joined_at, c.left_at
from gen_contacts c join gen_accounts a using (i)`;

const FEATURES_OUT_SQL = `
create or replace table out_features as
select feature, is_core, min_plan from gen_features`;

const SUBSCRIPTIONS_OUT_SQL = `
create or replace table out_subscription_changes as
with numbered as (
  select s.*, a.account_id, row_number() over (order by s.changed_at, s.i, s.k) as change_no, count(*) over () as total
  from gen_subscriptions s join gen_accounts a using (i)
)
select 'SUB-' || lpad(change_no::varchar, greatest(5, length(total::varchar))::integer, '0') as change_id,
  account_id, changed_at, kind, seats, plan, arr
from numbered`;

/** Builds the export-shaped CRM tables. */
export async function buildCrmTables(db: Database): Promise<void> {
  await db.run(ACCOUNTS_OUT_SQL);
  await db.run(CONTACTS_OUT_SQL);
  await db.run(FEATURES_OUT_SQL);
  await db.run(SUBSCRIPTIONS_OUT_SQL);
}
