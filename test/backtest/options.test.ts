/** Parsing of the backtest and calibrate options: clear errors that name the option. */
import { describe, expect, it } from "vitest";
import { backtestOptionsFrom, parseHorizon } from "../../src/backtest/options.ts";
import { parseDay } from "../../src/core/dates.ts";
import { UsageError } from "../../src/errors.ts";

describe("backtest options", () => {
  it("parse horizons in days or weeks", () => {
    expect(parseHorizon("90d")).toBe(90);
    expect(parseHorizon("13w")).toBe(91);
    expect(parseHorizon("30")).toBe(30);
    expect(() => parseHorizon("3d")).toThrow(/--horizon must be .* got "3d"/);
  });

  it("reject dates that are not calendar days, naming the option", () => {
    expect(parseDay("2026-02-28", "--split")).toBe("2026-02-28");
    for (const bad of ["2026-13-01", "2026-02-30", "26-01-01", "yesterday"]) {
      expect(() => parseDay(bad, "--split")).toThrow(UsageError);
      expect(() => parseDay(bad, "--split")).toThrow(`--split must be a date YYYY-MM-DD, got "${bad}"`);
    }
  });

  it("refuse --from after --to", () => {
    expect(() => backtestOptionsFrom({ from: "2026-03-01", to: "2026-01-01" })).toThrow(/--from \(2026-03-01\) is after --to/);
  });
});
