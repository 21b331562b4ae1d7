/**
 * Explains one account's score for one week: score and tier, each category, and the measures that
 * moved the score since four weeks earlier (their contribution changes add up to the score change).
 */
import type { Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { measureById } from "./measures.ts";

export interface Explanation {
  account_id: string;
  account_name: string;
  week_end: string;
  as_of: string;
  formula_hash: string;
  score: number | null;
  tier: string | null;
  tier_label: string | null;
  coverage: number;
  cap_reason: string | null;
  score_4w_ago: number | null;
  score_change_4w: number | null;
  categories: { id: string; label: string; weight: number; score: number | null; contribution: number | null }[];
  /** Measures by size of their contribution change over 4 weeks, largest first. */
  drivers: Driver[];
  playbook: string | null;
}

export interface Driver {
  measure_id: string;
  label: string;
  category_id: string;
  raw_value: number | null;
  raw_value_4w_ago: number | null;
  contribution: number;
  contribution_change_4w: number;
}

export class UnknownAccountError extends Error {}

/** Builds the explanation for `accountId` at the latest scored week ending on or before `asOf`. */
export async function explainAccount(db: Database, formula: LoadedFormula, accountId: string, asOf?: string): Promise<Explanation> {
  const week = await db.one<{
    week_start: Date;
    week_end: Date;
    as_of: Date;
    score: number | null;
    tier: string | null;
    coverage: number;
    cap_reason: string | null;
    score_4w_ago: number | null;
    score_change_4w: number | null;
    account_name: string;
  }>(
    `select h.week_start, h.week_end, h.as_of, h.score, h.tier, h.coverage, h.cap_reason, h.score_4w_ago, h.score_change_4w, a.account_name
     from account_health_weekly as h join stg_accounts as a using (account_id)
     where h.account_id = $account and ($as_of::date is null or h.week_end <= $as_of::date)
     order by h.week_start desc limit 1`,
    { account: accountId, as_of: asOf ?? null },
  );
  if (!week) {
    const known = await db.one("select 1 as yes from stg_accounts where account_id = $account", { account: accountId });
    throw new UnknownAccountError(
      known
        ? `account "${accountId}" has no scored week${asOf ? ` ending on or before ${asOf}` : ""}`
        : `no account "${accountId}" in the exports`,
    );
  }
  const categories = await db.all<{ id: string; label: string; weight: number; score: number | null; contribution: number | null }>(
    `select f.category_id as id, f.label, f.weight, c.category_score as score, c.contribution
     from formula_categories as f
     left join int_category_scores as c on c.category_id = f.category_id and c.account_id = $account and c.week_start = $week
     order by f.position`,
    { account: accountId, week: week.week_start.toISOString().slice(0, 10) },
  );
  const measures = await db.all<{
    measure_id: string;
    category_id: string;
    raw_value: number | null;
    contribution: number;
    contribution_change_4w: number;
    raw_value_4w_ago: number | null;
  }>(
    `select m.measure_id, m.category_id, m.raw_value, m.contribution, m.contribution_change_4w, p.raw_value as raw_value_4w_ago
     from account_measures_weekly as m
     left join int_measure_inputs as p
       on p.account_id = m.account_id and p.measure_id = m.measure_id and p.week_start = m.week_start - 28
     where m.account_id = $account and m.week_start = $week
     order by abs(m.contribution_change_4w) desc, m.measure_id`,
    { account: accountId, week: week.week_start.toISOString().slice(0, 10) },
  );
  const tier = formula.formula.tiers.find((t) => t.id === week.tier);
  return {
    account_id: accountId,
    account_name: week.account_name,
    week_end: week.week_end.toISOString().slice(0, 10),
    as_of: week.as_of.toISOString(),
    formula_hash: formula.hash,
    score: week.score,
    tier: week.tier,
    tier_label: tier?.label ?? null,
    coverage: week.coverage,
    cap_reason: week.cap_reason,
    score_4w_ago: week.score_4w_ago,
    score_change_4w: week.score_change_4w,
    categories,
    drivers: measures.map((m) => ({ ...m, label: measureById(m.measure_id)?.label ?? m.measure_id })),
    playbook: tier?.playbook ?? null,
  };
}

/** Plain-words rendering for the terminal. */
export function explanationText(e: Explanation, topDrivers = 5): string {
  const lines: string[] = [];
  const score = (v: number | null) => (v === null ? "n/a" : v.toFixed(0));
  const signed = (v: number) => `${v >= 0 ? "+" : "-"}${Math.abs(v).toFixed(1)}`;
  lines.push(`${e.account_name} (${e.account_id}), week ending ${e.week_end}, formula ${e.formula_hash}`);
  lines.push(
    `Health ${score(e.score)} - ${e.tier_label ?? "no tier"}; coverage ${(e.coverage * 100).toFixed(0)}% of the formula's weight had data` +
      (e.score_4w_ago !== null && e.score_change_4w !== null
        ? `; 4 weeks earlier ${score(e.score_4w_ago)} (${signed(e.score_change_4w)})`
        : ""),
  );
  if (e.cap_reason) lines.push(`Capped: ${e.cap_reason}`);
  lines.push("", "Categories (score, weight):");
  const width = Math.max(...e.categories.map((c) => c.label.length));
  for (const c of e.categories)
    lines.push(`  ${c.label.padEnd(width)}  ${c.score === null ? "no data" : score(c.score).padStart(3)}  (${c.weight})`);
  if (e.score_change_4w !== null) {
    // A measure whose value did not move only changes weight, as data appears or disappears elsewhere.
    const moved = e.drivers.filter((d) => d.raw_value !== d.raw_value_4w_ago && Math.abs(d.contribution_change_4w) >= 0.05);
    const reweighting = e.drivers.filter((d) => d.raw_value === d.raw_value_4w_ago).reduce((sum, d) => sum + d.contribution_change_4w, 0);
    const shown = moved.slice(0, topDrivers);
    const parts = shown.map((d) => `${d.label} ${signed(d.contribution_change_4w)}`);
    if (Math.abs(reweighting) >= 0.05) parts.push(`reweighting ${signed(reweighting)}`);
    lines.push(
      "",
      parts.length ? `What moved it over 4 weeks (${signed(e.score_change_4w)}): ${parts.join(", ")}` : "Nothing moved it over 4 weeks.",
    );
    for (const d of shown)
      lines.push(
        `  ${d.label}: ${rawText(d.measure_id, d.raw_value_4w_ago)} -> ${rawText(d.measure_id, d.raw_value)} (${signed(d.contribution_change_4w)} points)`,
      );
    if (Math.abs(reweighting) >= 0.05) lines.push("  reweighting: measures gaining or losing data shift the weight of the others");
  }
  if (e.playbook) lines.push("", `Playbook (${e.tier_label}): ${e.playbook}`);
  return `${lines.join("\n")}\n`;
}

/** A raw value in its unit: shares and changes as percentages, days as days. */
export function rawText(measureId: string, value: number | null): string {
  if (value === null) return "no data";
  switch (measureById(measureId)?.unit) {
    case "share":
      return `${(value * 100).toFixed(0)}%`;
    case "change":
      return `${value >= 0 ? "+" : ""}${(value * 100).toFixed(0)}%`;
    case "days":
      return `${value.toFixed(0)} days`;
    case "flag":
      return value >= 1 ? "yes" : "no";
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
}
