/** Account page charts: score history with tier bands and alerts, categories, usage, NPS against usage. */
import * as Plot from "@observablehq/plot";
import { fitMargin } from "./download.js";
import { alertKindLabel } from "./format.js";
import { ticks } from "d3";
import { tierThresholdScale, type Size, type Tier } from "./portfolio-charts.js";

export interface AccountHistory {
  week_end: string[];
  score: (number | null)[];
  tier: (string | null)[];
  categories: Record<string, (number | null)[]>;
}
export interface AccountAlert {
  raised_week_end: string;
  kind: string;
  severity: string;
  reason: string;
}

/**
 * Weekly score over the tier bands, with a mark at each week an alert was raised and, for an
 * account that churned, a rule at the churn labelled with its date.
 */
export function scoreHistory(
  history: AccountHistory,
  tiers: Tier[],
  alerts: AccountAlert[] | null,
  { width, height = 300 }: Size,
  churnedAt: string | null = null,
) {
  const rows = history.week_end.map((w, i) => ({
    week: new Date(w),
    score: history.score[i] ?? null,
    tier: tiers.find((t) => t.id === history.tier[i])?.label ?? "–",
  }));
  const churn = churnedAt ? [{ week: new Date(churnedAt), label: `Churned ${churnedAt}` }] : [];
  const first = rows[0]?.week ?? new Date();
  const lastScored = rows[rows.length - 1]?.week ?? new Date();
  const last = churn[0] && churn[0].week > lastScored ? churn[0].week : lastScored;
  const alertRows = (alerts ?? []).map((a) => ({
    week: new Date(a.raised_week_end),
    label: `${alertKindLabel(a.kind)} (${a.severity}): ${a.reason}`,
  }));
  return Plot.plot({
    width,
    height,
    marginLeft: 40,
    x: { type: "utc", domain: [first, last], label: null },
    y: { domain: [0, 100], label: "↑ Health score", grid: true },
    marks: [
      Plot.rectY(tiers, { x1: first, x2: last, y1: "min", y2: "max", fill: "color", fillOpacity: 0.12 }),
      Plot.text(tiers, {
        x: first,
        y: (t: Tier) => (t.min + t.max) / 2,
        text: "label",
        textAnchor: "start",
        dx: 4,
        fill: "color",
        fontWeight: 600,
      }),
      Plot.ruleX(alertRows, { x: "week", stroke: "#7b3294", strokeDasharray: "4,3" }),
      Plot.dot(alertRows, { x: "week", y: 97, fill: "#7b3294", r: 4, symbol: "triangle", tip: true, title: "label" }),
      Plot.ruleX(churn, { x: "week", stroke: "#111", strokeWidth: 2 }),
      Plot.text(churn, { x: "week", y: 50, text: "label", rotate: -90, dy: -6, fontWeight: 700, fill: "#111" }),
      Plot.lineY(rows, { x: "week", y: "score", stroke: "currentColor", strokeWidth: 2, curve: "monotone-x" }),
      Plot.dot(rows, {
        x: "week",
        y: "score",
        r: 2,
        fill: "currentColor",
        tip: true,
        title: (d: { week: Date; score: number | null; tier: string }) =>
          `${d.week.toISOString().slice(0, 10)}: ${d.score ?? "–"} (${d.tier})`,
      }),
    ],
  });
}

/** Category scores at the latest week against their weight: bar length = score, label = weight; coloured at the formula's tier cut-offs. */
export function categoryBreakdown(rows: { label: string; weight: number; score: number | null }[], tiers: Tier[], { width, height }: Size) {
  const data = rows.map((r) => ({ ...r, shown: r.score ?? 0, text: r.score === null ? "no data" : `${r.score.toFixed(0)}` }));
  return Plot.plot({
    width,
    height: height ?? 40 + 28 * rows.length,
    marginLeft: fitMargin(width, 190),
    marginRight: fitMargin(width, 60, 0.15),
    x: { domain: [0, 100], label: "Category score →", grid: true },
    y: { domain: rows.map((r) => `${r.label} (${r.weight})`), label: null },
    color: tierThresholdScale(tiers),
    marks: [
      Plot.barX(data, { x: "shown", y: (d) => `${d.label} (${d.weight})`, fill: (d) => (d.score === null ? null : d.score), tip: true }),
      Plot.text(data, { x: "shown", y: (d) => `${d.label} (${d.weight})`, text: "text", textAnchor: "start", dx: 5 }),
      Plot.ruleX([0]),
    ],
  });
}

/** One line per category over time. */
export function categoryHistory(history: AccountHistory, categories: { id: string; label: string }[], { width, height = 280 }: Size) {
  const rows = categories.flatMap((c) =>
    history.week_end.map((w, i) => ({ week: new Date(w), category: c.label, score: history.categories[c.id]?.[i] ?? null })),
  );
  return Plot.plot({
    width,
    height,
    marginLeft: 40,
    x: { type: "utc", label: null },
    y: { domain: [0, 100], label: "↑ Category score", grid: true },
    color: { legend: true, scheme: "tableau10" },
    marks: [
      Plot.lineY(
        rows.filter((r) => r.score !== null),
        { x: "week", y: "score", stroke: "category", z: "category", tip: true },
      ),
    ],
  });
}

/** Weekly events (bars) and active users (line, right-hand numbers in the tip). */
export function usageTrend(usage: { week_start: string[]; events: number[]; active_users: number[] }, { width, height = 240 }: Size) {
  const rows = usage.week_start.map((w, i) => ({ week: new Date(w), events: usage.events[i] ?? 0, users: usage.active_users[i] ?? 0 }));
  const maxEvents = Math.max(1, ...rows.map((r) => r.events));
  const maxUsers = Math.max(1, ...rows.map((r) => r.users));
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    marginRight: 50,
    x: { type: "utc", label: null },
    y: { label: "↑ Events per week", grid: true },
    marks: [
      Plot.rectY(rows, { x: "week", interval: "week", y: "events", fill: "#4e79a7", fillOpacity: 0.6, tip: true }),
      Plot.lineY(rows, { x: "week", y: (d) => (d.users / maxUsers) * maxEvents, stroke: "#e15759", strokeWidth: 2 }),
      Plot.axisY(
        ticks(0, maxUsers, 4).map((t) => (t / maxUsers) * maxEvents),
        {
          anchor: "right",
          label: "Active users ↑",
          tickFormat: (d: number) => String(Math.round((d / maxEvents) * maxUsers)),
          color: "#e15759",
        },
      ),
      Plot.ruleY([0]),
    ],
  });
}

/**
 * NPS answers (×10, so 9 → 90) against usage as a share of the account's busiest week, on one
 * 0-100 scale: a promoter whose usage has collapsed stands out as dots high above a sinking line.
 */
export function npsAgainstUsage(
  usage: { week_start: string[]; events: number[] },
  surveys: { date: string; nps: number | null }[],
  { width, height = 260 }: Size,
) {
  const peak = Math.max(1, ...usage.events);
  const use = usage.week_start.map((w, i) => ({ week: new Date(w), share: ((usage.events[i] ?? 0) / peak) * 100 }));
  const nps = surveys.filter((s) => s.nps !== null).map((s) => ({ date: new Date(s.date), nps: s.nps!, value: s.nps! * 10 }));
  return Plot.plot({
    width,
    height,
    marginLeft: 40,
    x: { type: "utc", label: null },
    y: { domain: [0, 100], label: "↑ Usage (% of busiest week) · NPS × 10", grid: true },
    color: { domain: ["Usage", "NPS answer"], range: ["#4e79a7", "#f28e2b"], legend: true },
    marks: [
      Plot.rectY([{ y1: 90, y2: 100 }], {
        x1: use[0]?.week,
        x2: use[use.length - 1]?.week,
        y1: "y1",
        y2: "y2",
        fill: "#1a9850",
        fillOpacity: 0.08,
      }),
      Plot.areaY(use, { x: "week", y: "share", fill: "#4e79a7", fillOpacity: 0.25, curve: "monotone-x" }),
      Plot.lineY(use, { x: "week", y: "share", stroke: () => "Usage", curve: "monotone-x" }),
      Plot.dot(nps, {
        x: "date",
        y: "value",
        r: 6,
        fill: () => "NPS answer",
        stroke: "white",
        tip: true,
        title: (d: { date: Date; nps: number }) => `${d.date.toISOString().slice(0, 10)}: NPS ${d.nps}`,
      }),
    ],
  });
}
