/**
 * Lists a page gets in parts (reports/lib/listing.ts): the search box's matching, the same as
 * Observable Inputs' (each word at the start of a word of one of the columns, any case), and the
 * parts put back in the table's order by rank.
 */
import { describe, expect, it } from "vitest";
import { byRank, searchRows } from "../../reports/lib/listing.ts";

const rows = [
  { id: "A", name: "Acme Brewing", csm: "Dana Ortiz", reason: "Score dropped 12 points", rank: 3 },
  { id: "B", name: "Globex", csm: "Lee Park", reason: "P0 ticket opened", rank: 1 },
  { id: "C", name: "Zoë Müller GmbH", csm: null, reason: "Renewal in 30 days (a.k.a. soon)", rank: 2 },
];
const ids = (found: { id: string }[]) => found.map((r) => r.id);

describe("searchRows", () => {
  it("keeps the rows with every word at the start of a word of one of the columns, ignoring case", () => {
    expect(ids(searchRows(rows, "", ["name", "csm"]))).toEqual(["A", "B", "C"]);
    expect(ids(searchRows(rows, "  lee ", ["name", "csm"]))).toEqual(["B"]);
    expect(ids(searchRows(rows, "acme dana", ["name", "csm"]))).toEqual(["A"]);
    // a word inside a word does not match; a word of another column does not count
    expect(ids(searchRows(rows, "cme", ["name", "csm"]))).toEqual([]);
    expect(ids(searchRows(rows, "ticket", ["name", "csm"]))).toEqual([]);
    expect(ids(searchRows(rows, "ticket", ["name", "reason"]))).toEqual(["B"]);
    // accents and signs as typed; a null cell matches nothing
    expect(ids(searchRows(rows, "müll", ["name", "csm"]))).toEqual(["C"]);
    expect(ids(searchRows(rows, "(a.k.a.", ["reason"]))).toEqual(["C"]);
    expect(ids(searchRows(rows, "null", ["csm"]))).toEqual([]);
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

describe("byRank", () => {
  it("puts the parts of a list back in the order of their rank", () => {
    expect(ids(byRank([[rows[0]!], [rows[2]!, rows[1]!]]))).toEqual(["B", "C", "A"]);
    expect(byRank([[], []])).toEqual([]);
  });
});
