/**
 * What a warehouse would have exported at an earlier instant: rows that happened later are
 * dropped, later state changes (churn, leaving, closing, shipping, go-live) are undone.
 */
import type { Row, Tables } from "./warehouse.ts";

/** The column that says when each table's row came into existence. */
const BORN: Record<string, string> = {
  accounts: "contract_start_date",
  contacts: "joined_at",
  usage_events: "occurred_at",
  support_tickets: "opened_at",
  survey_responses: "responded_at",
  feature_requests: "requested_at",
  onboarding_projects: "started_at",
  onboarding_status_updates: "updated_at",
  trainings: "completed_at",
  fit_assessments: "assessed_at",
  external_risk_events: "occurred_at",
  subscription_changes: "changed_at",
};

/** Columns of a later state change, undone with the columns that go with them. */
const LATER: Record<string, [string, string[]][]> = {
  accounts: [["churned_at", ["churn_reason"]]],
  contacts: [["left_at", []]],
  support_tickets: [["closed_at", ["csat_score"]]],
  feature_requests: [
    ["shipped_at", []],
    ["declined_at", []],
  ],
  onboarding_projects: [["go_live_at", []]],
};

export function cutAt(tables: Tables, instant: string): Tables {
  const t = Date.parse(instant);
  const after = (value: Row[string] | undefined) =>
    typeof value === "string" && Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) >= t;
  const out: Tables = {};
  for (const [name, rows] of Object.entries(tables)) {
    const born = BORN[name];
    out[name] = rows
      .filter((row) => !born || !after(row[born]))
      .map((row) => {
        const copy = { ...row };
        for (const [column, companions] of LATER[name] ?? []) {
          if (after(copy[column])) {
            copy[column] = null;
            for (const c of companions) copy[c] = null;
          }
        }
        return copy;
      });
  }
  return out;
}
