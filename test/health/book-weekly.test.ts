/**
 * int_measure_book_weekly over planted measure values: the book's median each week is DuckDB's
 * quantile_cont to the bit (it is read off the distinct values' running counts, because that
 * aggregate holds every value in memory outside DuckDB's limit), with ties, odd and even counts,
 * negative values, a single account and a week with one value everywhere; and a measure is
 * informative from the first week it has taken two values.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/db/duckdb.ts";
import { buildModel } from "../../src/sql/graph.ts";

let db: Database;
beforeAll(async () => {
  db = await Database.open();
  // 3 measures x 60 weeks, 1 to 41 accounts a week, values from a small set (ties) or spread out
  await db.run(`
    create table int_measure_values as
    select
        'A' || a.i                                                      as account_id,
        date '2025-01-06' + (7 * w.i)::integer                                   as week_start,
        m.id                                                            as measure_id,
        case m.id
            when 'few_values' then (hash(a.i, w.i) % 5)::double - 2
            when 'spread' then round((hash(a.i, w.i, 'x') % 100000)::double / 7.0 - 7000, 9)
            -- the same value everywhere until week 40, then two values
            else case when w.i >= 40 and a.i % 2 = 0 then 3.5 else 1.25 end
        end                                                             as raw_value
    from range(60) as w(i)
    cross join (values ('few_values'), ('spread'), ('constant_then_two')) as m(id)
    join range(41) as a(i) on a.i <= (hash(w.i, m.id) % 41)`);
  await buildModel(db, "int_measure_book_weekly");
});
afterAll(() => db?.close());

describe("the book's weekly figures of each measure", () => {
  it("give the median exactly as quantile_cont does, over odd and even counts, ties and negatives", async () => {
    const rows = await db.all<{ measure_id: string; week_start: string; accounts: number; median_value: number; expected: number }>(`
      select b.measure_id, b.week_start::varchar as week_start, b.accounts, b.median_value, e.expected
      from int_measure_book_weekly as b
      join (
          select measure_id, week_start, round(quantile_cont(raw_value, 0.5), 9) as expected, count(*) as n
          from int_measure_values group by all
      ) as e using (measure_id, week_start)
      order by all`);
    expect(rows).toHaveLength(180);
    expect(new Set(rows.map((r) => r.accounts % 2))).toEqual(new Set([0, 1]));
    expect(rows.some((r) => r.accounts === 1)).toBe(true);
    // a median between two different middle values exists, so the interpolation is exercised
    expect(rows.some((r) => r.measure_id === "spread" && r.accounts % 2 === 0)).toBe(true);
    for (const r of rows)
      expect(Object.is(r.median_value, r.expected), `${r.measure_id} ${r.week_start}: ${r.median_value} vs ${r.expected}`).toBe(true);
  });

  it("count the accounts, keep the week's range and say from which week a measure is informative", async () => {
    const rows = await db.all<{
      week: number;
      accounts: number;
      n: number;
      min_value: number;
      max_value: number;
      is_informative: boolean;
    }>(`
      select date_diff('day', date '2025-01-06', b.week_start) // 7 as week, b.accounts, e.n, b.min_value, b.max_value, b.is_informative
      from int_measure_book_weekly as b
      join (select measure_id, week_start, count(*) as n from int_measure_values group by all) as e using (measure_id, week_start)
      where b.measure_id = 'constant_then_two'
      order by week`);
    for (const r of rows) expect(r.accounts).toBe(Number(r.n));
    const before = rows.filter((r) => r.week < 40);
    expect(before.every((r) => !r.is_informative && r.min_value === 1.25 && r.max_value === 1.25)).toBe(true);
    // from week 40 on, once a week has had an even-numbered account (3.5) beside the rest, and ever after
    const first = rows.find((r) => r.max_value === 3.5)!;
    expect(first.week).toBeGreaterThanOrEqual(40);
    expect(rows.filter((r) => r.week >= first.week).every((r) => r.is_informative)).toBe(true);
    expect(rows.filter((r) => r.week < first.week).some((r) => r.is_informative)).toBe(false);
  });
});
