/**
 * A warehouse of accounts that each plant one alert condition (or a near miss), built on the
 * behaviour warehouse: 26 weeks, export Monday 2025-06-30, week w starting Monday 2024-12-30 + 7w.
 */
import { behaviourWarehouse, type Behaviour } from "./behaviour.ts";
import type { Row, Tables } from "./warehouse.ts";

export { BEHAVIOUR_EXPORT as ALERT_EXPORT, BEHAVIOUR_LAST_WEEK_END as ALERT_LAST_WEEK_END } from "./behaviour.ts";

const FIRST_MONDAY = Date.UTC(2024, 11, 30);

/** Timestamp of weekday `weekday` (0 = Monday) of week `week`, at `hour` UTC. */
export function at(week: number, weekday = 1, hour = 10): string {
  return new Date(FIRST_MONDAY + (week * 7 + weekday) * 86400000 + hour * 3600000).toISOString().replace(".000Z", "Z");
}

/** The Sunday that ends week `week`, YYYY-MM-DD. */
export function weekEnd(week: number): string {
  return at(week, 6, 0).slice(0, 10);
}

const steady = (over: Partial<Behaviour> & { id: string }): Behaviour => ({ seats: 6, users: 5, eventsPerUser: () => 8, ...over });

export function alertWarehouse(): Tables {
  const tables = behaviourWarehouse([
    steady({ id: "STEADY" }),
    // users stop using the product in week 16: the score falls, the tier drops; its contract
    // renews on 2025-06-20 while the export already shows the next renewal date
    steady({ id: "DROP", eventsPerUser: (w) => (w < 16 ? 8 : 0) }),
    // usage down a fifth from week 18: the score dips, but by less than a score drop
    steady({ id: "SMALL_DIP", eventsPerUser: (w) => (w < 18 ? 10 : 8) }),
    steady({ id: "P0_STORM" }),
    // champion silent from week 8 to week 17, active again from week 18
    steady({ id: "QUIET_CHAMPION", championEvents: (w) => (w >= 8 && w < 18 ? 0 : 2) }),
    steady({ id: "GONE_CHAMPION" }),
    // the first champion goes quiet but a second champion stays active
    steady({ id: "TWO_CHAMPIONS", championEvents: (w) => (w < 4 ? 2 : 0) }),
    // satisfaction against usage: usage down 40% over the last 8 weeks, NPS answered in week 24
    steady({ id: "PROMOTER_DROP", nps: 9, eventsPerUser: (w) => (w < 18 ? 10 : 6) }),
    steady({ id: "PASSIVE_DROP", nps: 7, eventsPerUser: (w) => (w < 18 ? 10 : 6) }),
    steady({ id: "PROMOTER_STEADY", nps: 10 }),
    // steady use, then a first survey answer in week 24: NPS 0
    steady({ id: "DETRACTOR", nps: 0 }),
    steady({ id: "RISK_EVENTS" }),
    // healthy through its renewal window
    steady({ id: "RENEW_HEALTHY" }),
  ]);
  const account = (id: string) => tables.accounts!.find((a) => a.account_id === id)!;
  Object.assign(account("DROP"), { contract_start_date: "2024-06-20", renewal_date: "2026-06-20" });
  Object.assign(account("RENEW_HEALTHY"), { contract_start_date: "2024-06-20", renewal_date: "2026-06-20" });

  const contact = (contact_id: string, account_id: string, role: string, left_at: string | null = null): Row => ({
    contact_id,
    account_id,
    full_name: contact_id,
    email: null,
    role,
    is_key: true,
    joined_at: "2024-01-01T00:00:00Z",
    left_at,
  });
  // GONE_CHAMPION's only champion leaves on the Wednesday of week 12
  tables.contacts!.find((c) => c.contact_id === "GONE_CHAMPION-champ")!.left_at = at(12, 2);
  tables.usage_events = tables.usage_events!.filter((e) => !(e.contact_id === "GONE_CHAMPION-champ" && String(e.occurred_at) >= at(12, 2)));
  // TWO_CHAMPIONS' second champion works every week
  tables.contacts!.push(contact("TWO_CHAMPIONS-champ2", "TWO_CHAMPIONS", "champion"));
  for (let w = 0; w < 26; w++) {
    tables.usage_events!.push({
      occurred_at: at(w, 3, 14),
      account_id: "TWO_CHAMPIONS",
      contact_id: "TWO_CHAMPIONS-champ2",
      feature: "reports",
      quantity: 1,
    });
  }

  // P0 tickets in weeks 5-10 (one condition lasting 6 weeks), week 15 (after it cleared), week 18
  // (two quiet weeks after 15: cleared, raised again), weeks 20 and 22 (one quiet week between
  // each: the same alert as week 18); a P1 in week 3 raises nothing
  const tickets: Row[] = [];
  const ticket = (id: string, week: number, severity: string) =>
    tickets.push({
      ticket_id: id,
      account_id: "P0_STORM",
      contact_id: null,
      opened_at: at(week, 2),
      closed_at: at(week, 4),
      severity,
      kind: "bug",
      status: "closed",
      csat_score: null,
    });
  ticket("P1-w3", 3, "P1");
  for (const w of [5, 6, 7, 8, 9, 10, 15, 18, 20, 22]) ticket(`P0-w${w}`, w, "P0");
  tables.support_tickets = tickets;

  tables.external_risk_events = [
    {
      event_id: "E1",
      account_id: "RISK_EVENTS",
      occurred_at: at(8, 1),
      kind: "layoffs",
      severity: "high",
      description: "Cut 30% of staff",
    },
    { event_id: "E2", account_id: "RISK_EVENTS", occurred_at: at(15, 3), kind: "merger_acquisition", severity: "low", description: null },
  ];
  return tables;
}
