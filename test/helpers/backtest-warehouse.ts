/**
 * A warehouse whose backtest is worked out by hand: 26 weeks of history (weeks 0-25, Mondays from
 * 2025-01-06, week k known at as_of = 2025-01-13 + 7k days), export Monday 2025-07-07, and a
 * formula with one category scored from layoff events only, so each week's tier is set by hand:
 * no layoff within 180 days -> 100 (healthy), one low -> 50 (watch), medium or more -> 0 (at risk).
 *
 * Accounts (usage: one champion event each Monday while a customer):
 * - A  smb         medium layoff 2025-03-05 (at risk from week 8), churns 2025-04-14 (= as_of of week 13)
 * - B  smb         low layoff 2025-02-01 (watch from week 3), medium 2025-04-30 (at risk from week 16),
 *                  churns 2025-05-12 (as_of of week 17)
 * - C  smb         no events, churns 2025-06-02 (as_of of week 20)
 * - D  enterprise  no events, never churns
 * - E  enterprise  medium layoff 2025-02-10 (at risk from week 5 to the end), never churns
 * - H  enterprise  no events, churns 2025-07-01 (after week 24's as_of 2025-06-30)
 */
import type { FormulaInput } from "../../src/formula/schema.ts";
import { defaultFormulaInput } from "./health.ts";
import type { Row, Tables } from "./warehouse.ts";

export const BACKTEST_EXPORT = "2025-07-07T00:00:00Z";
const FIRST_MONDAY = Date.UTC(2025, 0, 6);
const DAY = 86_400_000;

/** Week k's as_of (Monday after it), as YYYY-MM-DD. */
export const asOfDay = (week: number) => new Date(FIRST_MONDAY + (week + 1) * 7 * DAY).toISOString().slice(0, 10);
/** Week k's week_end (Sunday), as YYYY-MM-DD. */
export const weekEndDay = (week: number) => new Date(FIRST_MONDAY + (week * 7 + 6) * DAY).toISOString().slice(0, 10);

type Layoff = [day: string, severity: "low" | "medium"];
const ACCOUNTS: { id: string; segment: string; churn: string | null; layoffs: Layoff[] }[] = [
  { id: "A", segment: "smb", churn: "2025-04-14", layoffs: [["2025-03-05", "medium"]] },
  {
    id: "B",
    segment: "smb",
    churn: "2025-05-12",
    layoffs: [
      ["2025-02-01", "low"],
      ["2025-04-30", "medium"],
    ],
  },
  { id: "C", segment: "smb", churn: "2025-06-02", layoffs: [] },
  { id: "D", segment: "enterprise", churn: null, layoffs: [] },
  { id: "E", segment: "enterprise", churn: null, layoffs: [["2025-02-10", "medium"]] },
  { id: "H", segment: "enterprise", churn: "2025-07-01", layoffs: [] },
];

export function backtestWarehouse(): Tables {
  const tables: Tables = { accounts: [], contacts: [], usage_events: [], external_risk_events: [] };
  for (const a of ACCOUNTS) {
    tables.accounts!.push({
      account_id: a.id,
      account_name: a.id,
      segment: a.segment,
      industry: null,
      region: "NA",
      plan: "growth",
      arr: 10_000,
      seats_purchased: 5,
      contract_start_date: "2024-06-01",
      renewal_date: "2026-06-01",
      csm_owner: "Kim",
      churned_at: a.churn ? `${a.churn}T00:00:00Z` : null,
      churn_reason: a.churn ? "budget" : null,
    });
    tables.contacts!.push({
      contact_id: `${a.id}-champ`,
      account_id: a.id,
      full_name: "Champ",
      email: null,
      role: "champion",
      is_key: true,
      joined_at: "2024-06-01T00:00:00Z",
      left_at: null,
    });
    for (let week = 0; week < 26; week++) {
      const monday = new Date(FIRST_MONDAY + week * 7 * DAY).toISOString().slice(0, 10);
      if (a.churn && monday >= a.churn) break;
      tables.usage_events!.push({
        occurred_at: `${monday}T10:00:00Z`,
        account_id: a.id,
        contact_id: `${a.id}-champ`,
        feature: "reports",
        quantity: 1,
      });
    }
    for (const [i, [day, severity]] of a.layoffs.entries()) {
      tables.external_risk_events!.push({
        event_id: `${a.id}-L${i}`,
        account_id: a.id,
        occurred_at: `${day}T00:00:00Z`,
        kind: "layoffs",
        severity,
        description: null,
      });
    }
  }
  return tables;
}

/**
 * One category, one measure: layoffs in the last 180 days (low 1, medium 2) -> 100, 50, 0; tiers
 * pinned here (healthy >= 80, watch >= 40) so that 50 is watch whatever the default formula says.
 */
export function layoffFormula(): FormulaInput {
  const base = defaultFormulaInput();
  const mins: Record<string, number> = { healthy: 80, watch: 40, at_risk: 0 };
  return {
    ...base,
    tiers: base.tiers.map((t) => ({ ...t, min: mins[t.id] ?? t.min })),
    categories: [
      {
        id: "risk",
        label: "Risk",
        weight: 100,
        playbook: "Call them.",
        measures: [
          {
            measure: "layoffs_180d",
            weight: 100,
            score: {
              points: [
                [0, 100],
                [1, 50],
                [2, 0],
              ],
            },
          },
        ],
      },
    ],
    caps: [],
  };
}

export type { Row };
