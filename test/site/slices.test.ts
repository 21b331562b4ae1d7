/**
 * The Portfolio page's slice control, with arquero's browser build: the rows of a slice, its
 * values largest ARR first, and the accounts table's filters (an empty value is the slice "(none)").
 */
import { describe, expect, it } from "vitest";
import { filterAccounts, sliceRows, sliceValues } from "../../reports/components/slices.ts";

const kpis = [
  { dimension: "all", slice: "All accounts", slice_rank: 1 },
  { dimension: "segment", slice: "smb", slice_rank: 2 },
  { dimension: "segment", slice: "enterprise", slice_rank: 1 },
  { dimension: "csm", slice: "(none)", slice_rank: 1 },
];
const accounts = [
  { id: "A", segment: "smb", csm: null, tier: "watch", renewal_in_days: 10 },
  { id: "B", segment: null, csm: "Lee", tier: "healthy", renewal_in_days: 100 },
  { id: "C", segment: "enterprise", csm: "Lee", tier: "watch", renewal_in_days: null },
  { id: "D", segment: "smb", csm: "Lee", tier: "not_scored", renewal_in_days: -3 },
];
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe("slices", () => {
  it("lists a dimension's slices in the mart's rank (largest ARR first), and picks one slice's rows", () => {
    expect(sliceValues(kpis, "segment")).toEqual(["enterprise", "smb"]);
    expect(sliceRows(kpis, "segment", "smb")).toEqual([{ dimension: "segment", slice: "smb", slice_rank: 2 }]);
    expect(sliceRows(kpis, "all", "All accounts")).toHaveLength(1);
  });

  it("filters accounts by slice, tier and renewal window", () => {
    const all = { dimension: "all" as const, slice: "All accounts", tier: null, renewalDays: null };
    expect(ids(filterAccounts(accounts, all))).toEqual(["A", "B", "C", "D"]);
    expect(ids(filterAccounts(accounts, { ...all, dimension: "segment", slice: "smb" }))).toEqual(["A", "D"]);
    expect(ids(filterAccounts(accounts, { ...all, dimension: "segment", slice: "(none)" }))).toEqual(["B"]);
    expect(ids(filterAccounts(accounts, { ...all, dimension: "csm", slice: "(none)" }))).toEqual(["A"]);
    expect(ids(filterAccounts(accounts, { ...all, tier: "watch" }))).toEqual(["A", "C"]);
    // renewals due within the window: from today (0) on, past renewals and unknown dates left out
    expect(ids(filterAccounts(accounts, { ...all, renewalDays: 90 }))).toEqual(["A"]);
    expect(ids(filterAccounts(accounts, { ...all, renewalDays: 365, tier: "healthy" }))).toEqual(["B"]);
  });
});
