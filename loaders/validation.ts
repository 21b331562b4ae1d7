/**
 * `data/validation.json`: the backtest report (backtest.json as the backtest stage writes it: ROC
 * points, lift by tier, calibration, lead-time histogram, per-segment metrics) and the most recent
 * churned accounts' lead times, with the count of all of them; `data/validation-churned-older.json`:
 * the other churned accounts, fetched when the reader asks for them; and `data/whatif.json`: the
 * labelled account-weeks with their category scores, packed so the browser can re-weight 10k
 * accounts' history live.
 */
import { columnsOf, plainRows, tenthsBase64 } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

type LeadTimeColumns = Record<string, unknown[] | DictColumn>;

export type Validation =
  | { available: false }
  | {
      available: true;
      backtest: unknown;
      /** The most recent churners (the table's order), and how many there are in all. */
      lead_times: { total: number; columns: LeadTimeColumns } | null;
    };

/** The churned accounts after the page's first ones (validation-churned-older.json). */
export type OlderChurners = { available: false } | { available: true; columns: LeadTimeColumns };

/** ROC points sent per curve: the chart draws a line through them, and thousands of thresholds add nothing to it. */
export const ROC_POINTS = 200;
/** Account-weeks of the what-if sample sent to the browser (whole accounts, picked by a hash of their id). */
export const WHATIF_PAGE_ROWS = 20_000;
/**
 * Churned accounts sent with the page, the most recent first: more than a reader scrolls through,
 * and the rest come on demand. A row is about 130 bytes of JSON (the demo: 10.0 KiB for 78
 * churners, ids, names and dates each their own), so the list stays under 64 KiB at any book size,
 * beside the report's ~90 KiB, which does not grow with the accounts (ROC curves of ROC_POINTS, one
 * entry per segment, tier, score band, lookback week, alert kind and measure).
 */
export const LEAD_TIME_PAGE_ROWS = 500;

/**
 * The churned accounts in the table's order (latest churn first, then by id; an account that
 * churned twice has a row per churn), each with its name so the page links it: the first `cap` of
 * them for the page, or the others.
 */
async function churners(outputs: Outputs, part: "page" | "older", cap: number): Promise<LeadTimeColumns> {
  const rows = await outputs.db.all(
    `with ranked as (
       select l.*, a.account_name, row_number() over (order by l.churned_at desc, l.account_id) as churn_rank
       from lead_times as l left join accounts as a using (account_id))
     select * exclude (churn_rank) from ranked where churn_rank ${part === "page" ? "<=" : ">"} $cap order by churn_rank`,
    { cap },
  );
  return columnsOf(plainRows(rows, ["formula_hash"]));
}

/** The backtest report, the first `pageRows` churned accounts and their count, of an opened output set. */
export async function validation(outputs: Outputs, pageRows = LEAD_TIME_PAGE_ROWS): Promise<Validation> {
  if (!outputs.has("backtest")) return { available: false };
  let leadTimes: { total: number; columns: LeadTimeColumns } | null = null;
  if (outputs.has("lead_times")) {
    const count = await outputs.db.one<{ n: number }>("select count(*)::integer as n from lead_times");
    leadTimes = { total: count?.n ?? 0, columns: await churners(outputs, "page", pageRows) };
  }
  return { available: true, backtest: thinRocs(outputs.json("backtest")), lead_times: leadTimes };
}

/** The churned accounts after the first `pageRows` (none on a book that fits), in the same order. */
export async function olderChurners(outputs: Outputs, pageRows = LEAD_TIME_PAGE_ROWS): Promise<OlderChurners> {
  if (!outputs.has("backtest") || !outputs.has("lead_times")) return { available: false };
  return { available: true, columns: await churners(outputs, "older", pageRows) };
}

/** Every `roc` list in the report (overall and per segment) thinned to at most ROC_POINTS points, the first and last kept. */
export function thinRocs(report: unknown): unknown {
  if (Array.isArray(report)) return report.map(thinRocs);
  if (report === null || typeof report !== "object") return report;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(report)) {
    if (key === "roc" && Array.isArray(value) && value.length > ROC_POINTS) {
      const sorted = [...value].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
      const step = (sorted.length - 1) / (ROC_POINTS - 1);
      out[key] = Array.from({ length: ROC_POINTS }, (_, i) => sorted[Math.round(i * step)]);
    } else out[key] = thinRocs(value);
  }
  return out;
}

/**
 * The what-if sample as the page reads it, and nothing else: at WHATIF_PAGE_ROWS rows each
 * category costs 52 KiB (uint16 tenths in base64, 2.7 bytes a row), the cap as much and the labels
 * 20 KiB, so the default formula's 8 categories make 488 KiB. The rows' segment, tier and engine
 * score are left out: the page re-tiers the re-weighted scores itself and has no per-segment view.
 */
export type WhatIf =
  | { available: false }
  | {
      available: true;
      rows: number;
      /** Category ids in formula order, with their current weights. */
      categories: { id: string; weight: number }[];
      /** Per category: uint16 tenths of a point, base64, 65535 = no data. */
      scores: Record<string, string>;
      /** One character a row: "1" = churned within the horizon, "0" = did not. */
      label: string;
      /** The week's cap (uint16 tenths, 65535 = none): caps do not depend on the weights. */
      cap: string;
    };

/** The what-if sample of an opened output set, packed for the browser. */
export async function whatif(outputs: Outputs, maxRows = WHATIF_PAGE_ROWS): Promise<WhatIf> {
  if (!outputs.has("whatif_sample")) return { available: false };
  const { db, formula } = outputs;
  const columns = new Set(
    (await db.all<{ column_name: string }>("select column_name from (describe whatif_sample)")).map((c) => c.column_name),
  );
  const categories = formula.categories.filter((c) => columns.has(`category_${c.id}`));
  // whole accounts, in the order of a hash of their id, as long as they fit in WHATIF_PAGE_ROWS
  const rows = await db.all<Record<string, unknown>>(
    `with per as (select account_id, count(*) as n from whatif_sample group by account_id),
     kept as (select account_id from (select account_id, sum(n) over (order by hash(account_id), account_id) as upto from per) where upto <= $max)
     select * from whatif_sample where account_id in (select account_id from kept) order by account_id, week_end`,
    { max: maxRows },
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const scores: Record<string, string> = {};
  for (const c of categories) scores[c.id] = tenthsBase64(rows.map((r) => num(r[`category_${c.id}`])));
  return {
    available: true,
    rows: rows.length,
    categories: categories.map((c) => ({ id: c.id, weight: c.weight })),
    scores,
    label: rows.map((r) => (r.label === true || Number(r.label) === 1 ? "1" : "0")).join(""),
    cap: tenthsBase64(rows.map((r) => num(r.cap_score))),
  };
}

/** Loader cores: JSON text for the outputs in `dir`. */
export const validationLoader = async (dir: string) => JSON.stringify(await withOutputs(dir, (o) => validation(o)));
export const olderChurnersLoader = async (dir: string) => JSON.stringify(await withOutputs(dir, (o) => olderChurners(o)));
export const whatifLoader = async (dir: string) => JSON.stringify(await withOutputs(dir, (o) => whatif(o)));
