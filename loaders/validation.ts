/**
 * `data/validation.json`: the backtest report (backtest.json as the backtest stage writes it: ROC
 * points, lift by tier, calibration, lead-time histogram, per-segment metrics) and the churned
 * accounts' lead times; and `data/whatif.json`: the
 * labelled account-weeks with their category scores, packed so the browser can re-weight 10k
 * accounts' history live.
 */
import { accountSlug, dictColumn, plainRows, tenthsBase64 } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

export type Validation = { available: false } | { available: true; backtest: unknown; lead_times: Record<string, unknown>[] | null };

/** The backtest report and lead times of an opened output set. */
export async function validation(outputs: Outputs): Promise<Validation> {
  if (!outputs.has("backtest")) return { available: false };
  // each churned account named and with its page's slug, so Validation links every one of them
  const leadTimes = outputs.has("lead_times")
    ? plainRows(
        await outputs.db.all(
          "select l.*, a.account_name from lead_times as l left join accounts as a using (account_id) order by l.churned_at, l.account_id",
        ),
        ["formula_hash"],
      ).map((r) => ({ ...r, slug: accountSlug(String(r.account_id)) }))
    : null;
  return { available: true, backtest: outputs.json("backtest"), lead_times: leadTimes };
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
export async function whatif(outputs: Outputs): Promise<WhatIf> {
  if (!outputs.has("whatif_sample")) return { available: false };
  const { db, formula } = outputs;
  const columns = new Set(
    (await db.all<{ column_name: string }>("select column_name from (describe whatif_sample)")).map((c) => c.column_name),
  );
  const categories = formula.categories.filter((c) => columns.has(`category_${c.id}`));
  const rows = await db.all<Record<string, unknown>>("select * from whatif_sample");
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
export const whatifLoader = async (dir: string) => JSON.stringify(await withOutputs(dir, whatif));
