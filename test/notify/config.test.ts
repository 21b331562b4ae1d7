/** The notify config: the shipped example validates, the README shows it verbatim, and mistakes are named. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/core/paths.ts";
import { loadNotifyConfig, parseNotifyConfig } from "../../src/notify/config.ts";
import { digestWeekStart } from "../../src/notify/plan.ts";

const EXAMPLE = path.join(PROJECT_ROOT, "src", "notify", "notify.example.yaml");

describe("notify config", () => {
  it("accepts the shipped example, which the README shows verbatim", () => {
    const { config } = loadNotifyConfig(EXAMPLE);
    expect(Object.keys(config.destinations)).toEqual(["team-channel", "csm-email", "crm"]);
    expect(config.routes[2]).toMatchObject({ to: "csm-email", schedule: "weekly", digest_day: "monday", min_severity: "low" });
    expect(config.csm_addresses["Chloé Papadopoulos"]).toBe("chloe.papadopoulos@example.com");
    const readme = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).toContain(readFileSync(EXAMPLE, "utf8"));
  });

  it("names the key, the line and what was expected", () => {
    const text = `destinations:\n  mail:\n    type: email\n    to: [not-an-address]\nroutes:\n  - to: mail\n    kinds: [score_dorp]\n    schedule: daily\n`;
    let message = "";
    try {
      parseNotifyConfig(text, "team/notify.yaml");
    } catch (error) {
      message = (error as Error).message;
      expect((error as { exitCode: number }).exitCode).toBe(3);
    }
    expect(message).toMatch(/^invalid notify config team\/notify.yaml:\n/);
    expect(message).toContain("destinations.mail.to.0 (line 4): an e-mail address like name@example.com");
    expect(message).toMatch(/routes\.0\.kinds\.0 \(line 7\): Invalid option: expected one of "score_drop"\|"tier_down"/);
    expect(message).toContain('routes.0.schedule (line 8): Invalid option: expected one of "immediate"|"weekly"');
    expect(() => parseNotifyConfig(`destinations:\n  mail:\n    type: email\n    to: csm\nroutes:\n  - to: mail\n`, "n.yaml")).toThrow(
      /smtp \(line 1\): an email destination needs an smtp section/,
    );
    expect(() => parseNotifyConfig(`destinations: {}\nroutes:\n  - to: x\npasword: hunter2\n`, "n.yaml")).toThrow(
      /\(top\).*Unrecognized key: "pasword"/,
    );
  });

  it("starts a digest week on the last digest day on or before today", () => {
    expect(digestWeekStart("2026-12-02", "monday")).toBe("2026-11-30"); // a Wednesday
    expect(digestWeekStart("2026-12-07", "monday")).toBe("2026-12-07");
    expect(digestWeekStart("2026-12-06", "monday")).toBe("2026-11-30"); // a Sunday
    expect(digestWeekStart("2026-12-02", "friday")).toBe("2026-11-27");
  });
});
