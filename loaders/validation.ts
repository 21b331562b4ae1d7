/**
 * `data/validation.json`: the backtest report (backtest.json as the backtest stage writes it: ROC
 * points, lift by tier, calibration, lead-time histogram, per-segment metrics) and the churned
 * accounts' lead times; and `data/whatif.json`: the
 * labelled account-weeks with their category scores, packed so the browser can re-weight 10k
 * accounts' history live.
 */
import { columnsOf, dictColumn, plainRows, tenthsBase64 } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

export type Validation =
  | { available: false }
  | { available: true; backtest: unknown; lead_times: Record<string, unknown[] | DictColumn> | null };

/** ROC points sent per curve: the chart draws a line through them, and thousands of thresholds add nothing to it. */
export const ROC_POINTS = 200;
/** Account-weeks of the what-if sample sent to the browser (whole accounts, picked by a hash of their id). */
export const WHATIF_PAGE_ROWS = 20_000;

/** The backtest report and lead times of an opened output set. */
export async function validation(outputs: Outputs): Promise<Validation> {
  if (!outputs.has("backtest")) return { available: false };
  // each churned account named, so Validation links every one of them; as columns (one row per churner)
  const leadTimes = outputs.has("lead_times")
    ? columnsOf(
        plainRows(
          await outputs.db.all(
            "select l.*, a.account_name from lead_times as l left join accounts as a using (account_id) order by l.churned_at, l.account_id",
          ),
          ["formula_hash"],
        ),
      )
    : null;
  return { available: true, backtest: thinRocs(outputs.json("backtest")), lead_times: leadTimes };
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

export type WhatIf =
  | { available: false }
  | {
      available: true;
      rows: number;
      /** Category ids in formula order, with their current weights. */
      categories: { id: string; weight: number }[];
      /** Per category: uint16 tenths of a point, base64, 65535 = no data. */
      scores: Record<string, string>;
      /** 1 = churned within the horizon, 0 = did not. */
      label: number[];
      /** The engine's score, to check the recombination matches. */
      score: string;
      /** The week's cap (uint16 tenths, 65535 = none): caps do not depend on the weights. */
      cap: string;
      segment: DictColumn;
      tier: DictColumn;
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
    label: rows.map((r) => (r.label === true || Number(r.label) === 1 ? 1 : 0)),
    score: tenthsBase64(rows.map((r) => num(r.score))),
    cap: tenthsBase64(rows.map((r) => num(r.cap_score))),
    segment: dictColumn(rows.map((r) => (r.segment === null || r.segment === undefined ? null : String(r.segment)))),
    tier: dictColumn(rows.map((r) => (r.tier === null || r.tier === undefined ? null : String(r.tier)))),
  };
}

/** Loader cores: JSON text for the outputs in `dir`. */
export const validationLoader = async (dir: string) => JSON.stringify(await withOutputs(dir, validation));
export const whatifLoader = async (dir: string) => JSON.stringify(await withOutputs(dir, (o) => whatif(o)));
