/**
 * `data/categories.json`: which risk categories drive risk across the portfolio (points lost and
 * weakest-category counts at the latest week), each category's trend, and a heatmap of the
 * lowest-scoring current accounts by category.
 */
import { sqlFile } from "../src/sql/files.ts";
import { day, round } from "./lib/encode.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** Accounts in the heatmap: enough to see patterns, few enough to read each row. */
export const HEATMAP_ACCOUNTS = 40;

export interface Categories {
  drivers: {
    category_id: string;
    accounts_with_data: number;
    mean_points_lost: number;
    mean_score: number;
    accounts_weakest: number;
    arr_weakest: number;
  }[];
  trend: { week_end: string; category_id: string; accounts: number; mean: number; p25: number; p75: number }[];
  heatmap: {
    account_id: string;
    name: string;
    tier: string | null;
    score: number | null;
    arr: number;
    scores: Record<string, number | null>;
  }[];
  /** The current accounts "what drives risk" covers (site_category_scope). */
  scope: { accounts_outside_best: number; accounts_not_scored: number; accounts: number };
}

/** Builds the category data of an opened output set. */
export async function categories(outputs: Outputs): Promise<Categories> {
  const { db, formula } = outputs;
  await db.run("create temp table site_category_weights (category_id varchar, weight double)");
  for (const c of formula.categories)
    await db.run("insert into site_category_weights values ($id, $weight)", { id: c.id, weight: c.weight });
  await db.run(`create temp table site_category_long as ${sqlFile("site/site_category_long.sql")}`);
  const best = formula.tiers[0]!.id;
  const drivers = await db.all<Categories["drivers"][number]>(sqlFile("site/site_category_drivers.sql"), { best_tier: best });
  const scope = (await db.one<Categories["scope"]>(sqlFile("site/site_category_scope.sql"), { best_tier: best }))!;
  const trend = await db.all<{ week_end: Date; category_id: string; accounts: number; mean_score: number; p25: number; p75: number }>(
    sqlFile("site/site_category_trend.sql"),
  );
  const heat = await db.all<{
    account_id: string;
    account_name: string;
    tier: string | null;
    score: number | null;
    arr: number;
    category_id: string;
    category_score: number | null;
  }>(
    `with worst as (
       select account_id, account_name, tier, score, arr from accounts
       where not is_churned and score is not null
       order by score, arr desc, account_id limit $n
     )
     select w.*, l.category_id, l.category_score
     from worst as w
     left join site_category_long as l
       on l.account_id = w.account_id and l.week_end = (select max(week_end) from site_category_long)
     order by w.score, w.arr desc, w.account_id`,
    { n: HEATMAP_ACCOUNTS },
  );
  const heatmap = new Map<string, Categories["heatmap"][number]>();
  for (const h of heat) {
    let row = heatmap.get(h.account_id);
    if (!row) {
      row = {
        account_id: h.account_id,
        name: h.account_name,
        tier: h.tier,
        score: round(h.score),
        arr: round(h.arr, 0) ?? 0,
        scores: {},
      };
      for (const c of formula.categories) row.scores[c.id] = null;
      heatmap.set(h.account_id, row);
    }
    if (h.category_id) row.scores[h.category_id] = round(h.category_score);
  }
  return {
    drivers: drivers.map((d) => ({
      ...d,
      mean_points_lost: round(d.mean_points_lost, 2)!,
      mean_score: round(d.mean_score)!,
      arr_weakest: round(d.arr_weakest, 0)!,
    })),
    trend: trend.map((t) => ({
      week_end: day(t.week_end)!,
      category_id: t.category_id,
      accounts: t.accounts,
      mean: round(t.mean_score)!,
      p25: round(t.p25)!,
      p75: round(t.p75)!,
    })),
    heatmap: [...heatmap.values()],
    scope,
  };
}

/** Loader core: the JSON text of `categories` for the outputs in `dir`. */
export async function categoriesLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, categories));
}
