/**
 * The list pages' data: expansion opportunities and cohorts (alerts: ./alerts.ts), straight from the outputs of
 * the stages that make them. A run without such a stage gives `{available: false}`, and the page
 * says so instead of failing.
 */
import { columnsOf, plainRows, round } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** A list as columns (`columnsOf`): text dictionary-encoded, so a repeated name costs a small number. */
export type Listing = { available: false } | { available: true; columns: Record<string, unknown[] | DictColumn> };

/**
 * Opportunities in the expansion page's own file, the first by rank; the others are in
 * `expansion-rest.json`, fetched when the reader searches or asks for all. A row of the demo takes
 * about 190 bytes there (its signals are a third of it), so 500 rows are about 95 KB at any book
 * size, where all 22,599 of a 100k book were 4.3 MB.
 */
export const EXPANSION_PAGE_ROWS = 500;

/** The expansion page's file: the first `cap` opportunities and how many there are in all. */
export type ExpansionPage = { available: false } | { available: true; columns: Record<string, unknown[] | DictColumn>; total: number };

/** The page's order: by rank (the engine's, by potential ARR), ties by account. */
const EXPANSION_ORDER = "rank, account_id";

/** The first `cap` ranked expansion opportunities, with the count of all. */
export async function expansion(outputs: Outputs, cap = EXPANSION_PAGE_ROWS): Promise<ExpansionPage> {
  if (!outputs.has("expansion")) return { available: false };
  const rows = await outputs.db.all(`select * from expansion order by ${EXPANSION_ORDER} limit $cap`, { cap });
  const total = (await outputs.db.one<{ n: number }>("select count(*)::integer as n from expansion"))!.n;
  return { available: true, columns: columnsOf(plainRows(rows, ["formula_hash"])), total };
}

/** `data/expansion-rest.json`: the opportunities after the first `cap`, in the same order. */
export async function restOfExpansion(outputs: Outputs, cap = EXPANSION_PAGE_ROWS): Promise<Listing> {
  if (!outputs.has("expansion")) return { available: false };
  const rows = await outputs.db.all(`select * from expansion order by ${EXPANSION_ORDER} offset $cap`, { cap });
  return { available: true, columns: columnsOf(plainRows(rows, ["formula_hash"])) };
}

/** Cohorts of a dimension whose weekly series the page charts: the largest ones (a CSM cohort per 40 accounts would be 2,500 lines at 100k accounts). */
export const COHORT_SERIES = 12;

/** The cohorts page's data: see `cohorts`. */
export type CohortListing =
  | { available: false }
  | {
      available: true;
      /** Weekly rows of the COHORT_SERIES largest cohorts (by their latest size) of each dimension. */
      series: Record<string, unknown[] | DictColumn>;
      /** One row per cohort of every dimension: its latest week, largest first. */
      latest: Record<string, unknown[] | DictColumn>;
      /** Per dimension: cohorts in all, and how many have a series. */
      counts: Record<string, { cohorts: number; charted: number }>;
    };

/**
 * Cohort health and retention as columns (text as dictionary codes, numbers rounded): the weekly
 * series of each dimension's largest cohorts, and every cohort's latest week. All rows of all
 * cohorts by week grew with the number of CSMs: 1.3 MiB at 10k accounts.
 */
export async function cohorts(outputs: Outputs): Promise<CohortListing> {
  if (!outputs.has("cohorts")) return { available: false };
  const number = (key: string, value: unknown) => round(value, key === "retained_share" ? 4 : 1);
  const latestRows = plainRows(
    await outputs.db.all(
      `select * exclude (formula_hash, week_start, rank) from (
         select *, row_number() over (partition by dimension order by cohort_size desc, cohort) as rank
         from (select * from cohorts qualify row_number() over (partition by dimension, cohort order by week_end desc) = 1))
       order by dimension, rank`,
    ),
  );
  const series = plainRows(
    await outputs.db.all(
      `with latest as (
         select dimension, cohort, row_number() over (partition by dimension order by cohort_size desc, cohort) as rank
         from (select * from cohorts qualify row_number() over (partition by dimension, cohort order by week_end desc) = 1))
       select c.* exclude (formula_hash, week_start) from cohorts as c join latest as l using (dimension, cohort)
       where l.rank <= $n order by c.dimension, c.cohort, c.week_end`,
      { n: COHORT_SERIES },
    ),
  );
  const counts: Record<string, { cohorts: number; charted: number }> = {};
  for (const r of latestRows) {
    const c = counts[String(r.dimension)] ?? { cohorts: 0, charted: 0 };
    counts[String(r.dimension)] = c;
    c.cohorts++;
    c.charted = Math.min(c.cohorts, COHORT_SERIES);
  }
  return { available: true, series: columnsOf(series, number), latest: columnsOf(latestRows, number), counts };
}

const loader = (build: (outputs: Outputs) => Promise<Listing | ExpansionPage | CohortListing>) => async (dir: string) =>
  JSON.stringify(await withOutputs(dir, build));

/** Loader cores: JSON text for the outputs in `dir`. */
export const expansionLoader = loader((o) => expansion(o));
export const restOfExpansionLoader = loader((o) => restOfExpansion(o));
export const cohortsLoader = loader(cohorts);
