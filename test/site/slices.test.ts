/**
 * The Portfolio page's slice control, with arquero's browser build: the rows of a slice, its
 * values largest ARR first, and the accounts table's filters (an empty value is the slice "(none)").
 */
import { describe, expect, it } from "vitest";
import { filterAccounts, searchRows, sliceRows, sliceValues } from "../../reports/components/slices.ts";

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

  it("searches as Inputs' search box does: every word begins a word of one of the columns, in any case", () => {
    const rows = [
      { id: "A1", name: "Acme Corp", csm: "Lee Park" },
      { id: "B2", name: "Nacme", csm: null },
      { id: "C3", name: "<img src=x onerror=alert(1)>", csm: "Dana (EMEA)" },
    ];
    const found = (query: string) => searchRows(rows, query, ["id", "name", "csm"]).map((r) => r.id);
    expect(found("")).toEqual(["A1", "B2", "C3"]);
    expect(found("acme")).toEqual(["A1"]);
    expect(found("ACME lee")).toEqual(["A1"]);
    expect(found("acme dana")).toEqual([]);
    expect(found("onerror")).toEqual(["C3"]);
    // regular-expression characters are text; an empty CSM matches nothing
    expect(found("(emea)")).toEqual(["C3"]);
    expect(found("null")).toEqual([]);
  });
});
