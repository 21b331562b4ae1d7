/** `health calibrate` (and its former name `tune`) refuse bad options before reading any data, with exit 2. */
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";

async function health(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main([...args, "-q"], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe("calibrate options", () => {
  it.each([
    [["--false-alarms", "150%"], /--false-alarms must be a share between 0 and 1 or a percentage such as 20%, got "150%"/],
    [["--at-risk-lift", "x"], /--at-risk-lift must be a number from 1 to 100, got "x"/],
    [["--min-churned", "2.5"], /--min-churned must be a whole number, got "2.5"/],
    [["--split", "2026-02-30"], /--split must be a date YYYY-MM-DD, got "2026-02-30"/],
    [["--horizon", "3d"], /--horizon must be a number of days or weeks between 7d and 730d/],
  ])("refuses %j", async (args, message) => {
    const run = await health("calibrate", "--data", "/nonexistent", ...args);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
  });

  it("keeps tune as an alias with the same options", async () => {
    const help = await health("tune", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: health tune \[--split DATE\] \[--horizon 90d\] \[--false-alarms 20%\]/);
    expect((await health("tune", "--data", "/nonexistent", "--false-alarms", "0")).code).toBe(2);
  });
});
