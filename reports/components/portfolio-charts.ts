/** Portfolio charts: health distribution, ARR by tier, tiers over time, tier moves. */
import * as Plot from "@observablehq/plot";
import { fitMargin } from "./download.js";
import { formatMoneyShort } from "./format.js";

export interface Tier { id: string; label: string; color: string; min: number; max: number }
export interface Size { width: number; height?: number }

const tierScale = (tiers: Tier[]) => ({ domain: tiers.map((t) => t.label), range: tiers.map((t) => t.color), legend: true });
const labelOf = (tiers: Tier[]) => (id: string | null) => tiers.find((t) => t.id === id)?.label ?? "No score";

/** Histogram of current scores, coloured by tier, with the tier thresholds as rules. */
export function healthDistribution(accounts: { score: number | null; tier: string | null }[], tiers: Tier[], { width, height = 260 }: Size) {
  const label = labelOf(tiers);
  const scored = accounts.filter((a) => a.score !== null).map((a) => ({ score: a.score as number, tier: label(a.tier) }));
  return Plot.plot({
    width, height, marginLeft: 50,
    x: { domain: [0, 100], label: "Health score →" },
    y: { label: "↑ Accounts", grid: true },
    color: tierScale(tiers),
    marks: [
      // Plot's typings reject a bin interval next to a fill channel, which Plot itself accepts
      Plot.rectY(scored, Plot.binX({ y: "count" }, { x: "score", fill: "tier", interval: 5, tip: true } as never)),
      Plot.ruleX(tiers.filter((t) => t.min > 0), { x: "min", stroke: "currentColor", strokeDasharray: "3,3" }),
      Plot.ruleY([0]),
    ],
  });
}

/** ARR in each tier now, as horizontal bars with the amount written on them. */
export function arrByTier(accounts: { arr: number; tier: string | null }[], tiers: Tier[], { width, height = 200 }: Size) {
  const rows = tiers.map((t) => ({ tier: t.label, arr: accounts.filter((a) => a.tier === t.id).reduce((s, a) => s + a.arr, 0), accounts: accounts.filter((a) => a.tier === t.id).length }));
  return Plot.plot({
    width, height, marginLeft: fitMargin(width, 90, 0.25), marginRight: fitMargin(width, 130, 0.3),
    x: { label: "ARR →", tickFormat: formatMoneyShort, grid: true },
    y: { domain: tiers.map((t) => t.label), label: null },
    color: { domain: tiers.map((t) => t.label), range: tiers.map((t) => t.color) },
    marks: [
      Plot.barX(rows, { x: "arr", y: "tier", fill: "tier", tip: true }),
      Plot.text(rows, { x: "arr", y: "tier", text: (d) => `${formatMoneyShort(d.arr)} · ${d.accounts} accts`, textAnchor: "start", dx: 6 }),
      Plot.ruleX([0]),
    ],
  });
}

/** Accounts per tier by week, stacked. */
export function tiersOverTime(tierWeeks: { week_end: string; tier: string; accounts: number }[], tiers: Tier[], { width, height = 280 }: Size) {
  const label = labelOf(tiers);
  const order = tiers.map((t) => t.label).reverse();
  const rows = tierWeeks.map((d) => ({ week: new Date(d.week_end), tier: label(d.tier), accounts: d.accounts }));
  return Plot.plot({
    width, height, marginLeft: 50,
    x: { type: "utc", label: null },
    y: { label: "↑ Accounts", grid: true },
    color: { ...tierScale(tiers), domain: tiers.map((t) => t.label) },
    marks: [Plot.areaY(rows, { x: "week", y: "accounts", fill: "tier", order, tip: true }), Plot.ruleY([0])],
  });
}

/** Accounts moving to a better (up) or worse (down) tier each week. */
export function tierMoves(moves: { week_end: string; up: number; down: number }[], { width, height = 200 }: Size) {
  const rows = moves.flatMap((m) => [
    { week: new Date(m.week_end), direction: "Moved to a better tier", accounts: m.up },
    { week: new Date(m.week_end), direction: "Moved to a worse tier", accounts: -m.down },
  ]);
  return Plot.plot({
    width, height, marginLeft: 50,
    x: { type: "utc", label: null },
    y: { label: "↑ better · worse ↓", grid: true, tickFormat: (d: number) => String(Math.abs(d)) },
    color: { domain: ["Moved to a better tier", "Moved to a worse tier"], range: ["#1a9850", "#d73027"], legend: true },
    marks: [Plot.rectY(rows, { x: "week", interval: "week", y: "accounts", fill: "direction", tip: true }), Plot.ruleY([0])],
  });
}
