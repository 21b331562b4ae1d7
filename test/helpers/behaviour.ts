/**
 * Builds accounts from a described behaviour (users, seats, weekly events, NPS) over 26 weeks,
 * export Monday 2025-06-30, for tests that compare two accounts that differ in one respect.
 */
import type { Row, Tables } from "./warehouse.ts";

export const BEHAVIOUR_EXPORT = "2025-06-30T00:00:00Z";
export const BEHAVIOUR_LAST_WEEK_END = "2025-06-29";
const FIRST_MONDAY = Date.UTC(2024, 11, 30); // 2024-12-30, 26 weeks before the export
export const WEEKS = 26;

export interface Behaviour {
  id: string;
  seats: number;
  users: number;
  /** Events per user in week i (0-based); each event on its own weekday, Monday first. */
  eventsPerUser: (week: number, user: number) => number;
  /** The champion's events per week (0 after they go quiet). */
  championEvents?: (week: number) => number;
  nps?: number;
}

const day = (week: number, weekday: number, hour = 10) =>
  new Date(FIRST_MONDAY + (week * 7 + weekday) * 86400000 + hour * 3600000).toISOString().replace(".000Z", "Z");

export function behaviourWarehouse(accounts: Behaviour[]): Tables {
  const tables: Tables = { accounts: [], contacts: [], usage_events: [], survey_responses: [] };
  for (const a of accounts) {
    tables.accounts!.push({
      account_id: a.id,
      account_name: a.id,
      segment: "mid_market",
      industry: null,
      region: "NA",
      plan: "growth",
      arr: 1000 * a.seats,
      seats_purchased: a.seats,
      contract_start_date: "2024-01-01",
      renewal_date: "2026-01-01",
      csm_owner: "Kim",
      churned_at: null,
      churn_reason: null,
    });
    const contact = (suffix: string, role: string, isKey: boolean): Row => ({
      contact_id: `${a.id}-${suffix}`,
      account_id: a.id,
      full_name: suffix,
      email: null,
      role,
      is_key: isKey,
      joined_at: "2024-01-01T00:00:00Z",
      left_at: null,
    });
    tables.contacts!.push(contact("champ", "champion", true), contact("spons", "executive_sponsor", true));
    for (let u = 0; u < a.users; u++) tables.contacts!.push(contact(`u${u}`, "end_user", false));
    for (let w = 0; w < WEEKS; w++) {
      for (let u = 0; u < a.users; u++) {
        for (let e = 0; e < a.eventsPerUser(w, u); e++) {
          tables.usage_events!.push({
            occurred_at: day(w, e % 5, 9 + Math.floor(e / 5)),
            account_id: a.id,
            contact_id: `${a.id}-u${u}`,
            feature: e % 2 ? "reports" : "dashboards",
            quantity: 1,
          });
        }
      }
      const champion = a.championEvents ? a.championEvents(w) : 2;
      for (let e = 0; e < champion; e++)
        tables.usage_events!.push({
          occurred_at: day(w, e % 5, 15),
          account_id: a.id,
          contact_id: `${a.id}-champ`,
          feature: "reports",
          quantity: 1,
        });
      if (w % 4 === 0)
        tables.usage_events!.push({
          occurred_at: day(w, 2, 16),
          account_id: a.id,
          contact_id: `${a.id}-spons`,
          feature: "dashboards",
          quantity: 1,
        });
    }
    if (a.nps !== undefined) {
      tables.survey_responses!.push({
        response_id: `${a.id}-s1`,
        account_id: a.id,
        contact_id: `${a.id}-champ`,
        responded_at: day(WEEKS - 2, 1),
        nps: a.nps,
        csat: null,
        ces: null,
        comment: null,
      });
    }
  }
  return tables;
}
