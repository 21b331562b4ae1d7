/**
 * A book shaped like real exports rather than the demo: usage recorded per account (no contacts
 * file, no contact_id column), help-desk tickets with no kind column, and a customer that left and
 * came back (churn_events). 26 weeks of history, Mondays from 2025-01-06 (week k is known at
 * as_of = 2025-01-13 + 7k days), export Monday 2025-07-07.
 *
 * - R  left 2025-03-03 (the as_of of week 7), came back 2025-04-07 (the as_of of week 12):
 *      scored weeks 0-7 and 13-25; accounts.churned_at is empty, as a CRM shows a returned customer
 * - S  a steady customer
 * - T  left 2025-05-19 (the as_of of week 18) per accounts.churned_at only (the one-episode case)
 */
import type { Row, Tables } from "./warehouse.ts";

export const REAL_EXPORT = "2025-07-07T00:00:00Z";
const FIRST_MONDAY = Date.UTC(2025, 0, 6);
const DAY = 86_400_000;

/** Week k's Monday, as YYYY-MM-DD. */
export const mondayOf = (week: number) => new Date(FIRST_MONDAY + week * 7 * DAY).toISOString().slice(0, 10);

export const R_CHURNED = "2025-03-03T00:00:00Z";
export const R_BACK = "2025-04-07T00:00:00Z";
export const T_CHURNED = "2025-05-19T00:00:00Z";

export function realExportWarehouse(): Tables {
  const account = (account_id: string, churned_at: string | null): Row => ({
    account_id,
    account_name: account_id,
    segment: "smb",
    plan: "growth",
    arr: 6000,
    seats_purchased: 5,
    contract_start_date: "2024-06-03",
    renewal_date: "2025-06-03",
    churned_at,
  });
  const usage_events: Row[] = [];
  const tickets: Row[] = [];
  for (let week = 0; week < 26; week++) {
    const monday = mondayOf(week);
    const at = (time: string) => `${monday}T${time}Z`;
    const active = (id: string) =>
      id === "R" ? at("09:00:00") < R_CHURNED || at("09:00:00") >= R_BACK : id === "T" ? at("09:00:00") < T_CHURNED : true;
    for (const id of ["R", "S", "T"]) {
      if (!active(id)) continue;
      usage_events.push({ occurred_at: at("09:00:00"), account_id: id, feature: "reports", quantity: 1 });
      usage_events.push({ occurred_at: at("10:00:00"), account_id: id, feature: "dashboards", quantity: 1 });
      if (week % 4 === 1) {
        tickets.push({
          ticket_id: `${id}-${week}`,
          account_id: id,
          opened_at: at("11:00:00"),
          closed_at: `${mondayOf(week)}T15:00:00Z`,
          severity: week % 8 === 1 ? "P1" : "P3",
          status: "closed",
        });
      }
    }
  }
  return {
    accounts: [account("R", null), account("S", null), account("T", T_CHURNED)],
    usage_events,
    support_tickets: tickets,
    churn_events: [{ account_id: "R", churned_at: R_CHURNED, reactivated_at: R_BACK, reason: "Budget cuts" }],
  };
}
