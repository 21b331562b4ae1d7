/**
 * Slicing the Portfolio page in the browser with arquero: the key numbers and tier rows of a slice
 * (segment, plan, region, CSM), which the site_portfolio_kpis and site_portfolio_tiers marts hold
 * for every slice, and the accounts table's filters. Pages pick rows; they compute no figure.
 */
// arquero's browser build: its src/ entry pulls node:fs into the page. The build is a UMD file in an
// ES-module package: Framework's bundler gives it as the default export; Node, which runs it as an
// ES module, sees no exports and gets the global `aq` it defines.
import * as bundled from "arquero/dist/arquero.min.js";
import type * as Arquero from "arquero";

const aq: typeof Arquero = (bundled as unknown as { default?: typeof Arquero }).default?.from
  ? (bundled as unknown as { default: typeof Arquero }).default
  : (globalThis as unknown as { aq: typeof Arquero }).aq;

/** The dimensions the page can slice by, with the accounts table's column for each. */
export const SLICE_DIMENSIONS = [
  { id: "all", label: "Whole book", plural: "whole book", column: null },
  { id: "segment", label: "Segment", plural: "segments", column: "segment" },
  { id: "plan", label: "Plan", plural: "plans", column: "plan" },
  { id: "region", label: "Region", plural: "regions", column: "region" },
  { id: "csm", label: "CSM", plural: "CSMs", column: "csm" },
] as const;

export type SliceDimension = (typeof SLICE_DIMENSIONS)[number]["id"];
type SliceRow = { dimension: string; slice: string };

/** The slices of `dimension` in the key-number rows, in the mart's slice_rank (the largest ARR first). */
export function sliceValues(kpis: readonly (SliceRow & { slice_rank: number })[], dimension: SliceDimension): string[] {
  return aq
    .from(kpis as object[])
    .params({ dimension })
    .filter((d: SliceRow, $: { dimension: string }) => d.dimension === $.dimension)
    .orderby("slice_rank")
    .array("slice") as string[];
}

/** The rows of a mart for one slice, in the mart's order. */
export function sliceRows<T extends SliceRow>(rows: readonly T[], dimension: SliceDimension, slice: string): T[] {
  return aq
    .from(rows as unknown as object[])
    .params({ dimension, slice })
    .filter((d: SliceRow, $: SliceRow) => d.dimension === $.dimension && d.slice === $.slice)
    .objects() as T[];
}

export interface AccountFilters {
  dimension: SliceDimension;
  slice: string | null;
  tier: string | null;
  /** Renewal within this many days of the export (null: any time). */
  renewalDays: number | null;
}

/** The accounts of a slice that pass the table's filters (an empty value is the slice "(none)"). */
export function filterAccounts<T extends Record<string, unknown>>(accounts: readonly T[], filters: AccountFilters): T[] {
  let table = aq.from(accounts as unknown as object[]).params({ slice: filters.slice, tier: filters.tier, renewal: filters.renewalDays });
  const column = SLICE_DIMENSIONS.find((d) => d.id === filters.dimension)?.column ?? null;
  // the column name comes from the fixed list above; values travel as params
  if (column !== null && filters.slice !== null) table = table.filter(`(d.${column} === null ? '(none)' : d.${column}) === $.slice`);
  if (filters.tier !== null) table = table.filter((d: { tier: string }, $: { tier: string }) => d.tier === $.tier);
  if (filters.renewalDays !== null) {
    table = table.filter(
      (d: { renewal_in_days: number | null }, $: { renewal: number }) =>
        d.renewal_in_days !== null && d.renewal_in_days >= 0 && d.renewal_in_days <= $.renewal,
    );
  }
  return table.objects() as T[];
}
