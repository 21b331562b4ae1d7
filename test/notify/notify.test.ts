/**
 * `health notify` end to end: the alerts of a real `health alerts` run on the alert warehouse are
 * delivered, by a child `health notify` process, to a local webhook server, a local SMTP server
 * and a CRM task folder; the tests check what arrived, once, across re-runs, a kill -9 in the
 * middle of delivery, failing endpoints, and that no secret reaches any output.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { readLedger } from "../../src/notify/ledger.ts";
import { alertKey, readAlerts, type NotifyAlert } from "../../src/notify/plan.ts";
import { ALERT_EXPORT, alertWarehouse } from "../helpers/alert-warehouse.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";
import { spawnNotify, startSmtpServer, startWebhookServer, type ChildRun, type SmtpServer, type WebhookServer } from "./servers.ts";

const root = tempDir("health-notify-");
const OWNERS = ["Kim Lee", "Ravi Patel", "Noor Haddad"]; // Noor has no address: her accounts go to the fallback
const ADDRESSES: Record<string, string> = { "Kim Lee": "kim@example.com", "Ravi Patel": "ravi@example.com" };
const FALLBACK = "cs-leads@example.com";
const WEBHOOK_SECRET = "T0SECRET/B0SECRET/xoxb-9f8e7d6c5b4a";
const SMTP_USER = "health-bot";
const SMTP_PASSWORD = "pa55-Secret-Word-7781";
const SINCE = "2024-01-01"; // every alert of the warehouse, not only the open ones

let out: string;
let alerts: NotifyAlert[];
let webhook: WebhookServer;
let smtp: SmtpServer;
const runs: ChildRun[] = [];

beforeAll(async () => {
  const tables = alertWarehouse();
  tables.accounts!.forEach((a, i) => {
    a.csm_owner = OWNERS[i % OWNERS.length]!;
    a.account_name = `${a.account_id} Holdings`;
  });
  const data = writeCsvWarehouse(path.join(root, "warehouse"), tables, ALERT_EXPORT);
  out = path.join(root, "out");
  const code = await main(["alerts", "--data", data, "--out", out, "-q"], { stdout: () => undefined, stderr: () => undefined });
  expect(code).toBe(0);
  alerts = await readAlerts(out);
  webhook = await startWebhookServer();
  smtp = await startSmtpServer(SMTP_USER, SMTP_PASSWORD);
}, 240_000);

afterAll(async () => {
  await webhook?.close();
  await smtp?.close();
});

let cases = 0;
/** A fresh state folder and config for one test; `destinations` picks which of the three to use. */
function setup(destinations: ("webhook" | "email" | "crm")[], extraRoutes = ""): { dir: string; config: string; hookPath: string } {
  const dir = path.join(root, `case-${++cases}`);
  const hookPath = `/hooks/case-${cases}/${WEBHOOK_SECRET}`;
  const blocks: string[] = [];
  const routes: string[] = [];
  if (destinations.includes("webhook")) {
    blocks.push(`  team-channel:\n    type: webhook\n    url_env: TEST_HEALTH_WEBHOOK`);
    routes.push(`  - to: team-channel`);
  }
  if (destinations.includes("email")) {
    blocks.push(`  csm-email:\n    type: email\n    to: csm\n    fallback: ${FALLBACK}`);
    routes.push(`  - to: csm-email\n    min_severity: low`);
  }
  if (destinations.includes("crm")) {
    blocks.push(`  crm:\n    type: crm_csv\n    dir: crm-tasks`);
    routes.push(`  - to: crm`);
  }
  const text = `# notify config for a test
destinations:
${blocks.join("\n")}
routes:
${routes.join("\n")}
${extraRoutes}
smtp:
  host: 127.0.0.1
  port: ${smtp.port}
  starttls: optional
  user_env: TEST_SMTP_USER
  password_env: TEST_SMTP_PASSWORD
  from: "Customer health <health@example.com>"
csm_addresses:
${Object.entries(ADDRESSES)
  .map(([name, address]) => `  ${name}: ${address}`)
  .join("\n")}
`;
  const config = path.join(root, `config-${cases}`, "notify.yaml");
  mkdirSync(path.dirname(config));
  writeFileSync(config, text);
  return { dir, config, hookPath };
}

function envFor(hookPath: string): Record<string, string> {
  return {
    TEST_HEALTH_WEBHOOK: webhook.url(hookPath),
    TEST_SMTP_USER: SMTP_USER,
    TEST_SMTP_PASSWORD: SMTP_PASSWORD,
    HEALTH_NOTIFY_BACKOFF_MS: "5",
    HEALTH_NOTIFY_TIMEOUT_MS: "20000",
  };
}

async function notify(setupResult: ReturnType<typeof setup>, ...args: string[]): Promise<ChildRun> {
  const { done } = spawnNotify(
    ["--out", out, "--state", setupResult.dir, "--notify-config", setupResult.config, ...args],
    envFor(setupResult.hookPath),
  );
  const run = await done;
  runs.push(run);
  return run;
}

const hooksAt = (hookPath: string, list = webhook.accepted) => list.filter((r) => r.url === hookPath);
const mailsTo = (since: number) => smtp.mails.slice(since);

describe("health notify", () => {
  it("delivers the open alerts on a first run, backfills with --since, and sends nothing on a re-run", async () => {
    const s = setup(["webhook", "email", "crm"]);
    const mailsBefore = smtp.mails.length;
    const open = alerts.filter((a) => a.is_open);
    expect(open.length).toBeGreaterThan(0);
    expect(open.length).toBeLessThan(alerts.length);

    const first = await notify(s);
    expect(first.code, first.stderr).toBe(0);
    expect(
      hooksAt(s.hookPath)
        .flatMap((r) => r.body.alerts.map((a) => a.alert_id))
        .sort(),
    ).toEqual(open.map((a) => a.alert_id).sort());

    const second = await notify(s, "--since", SINCE);
    expect(second.code, second.stderr).toBe(0);
    const third = await notify(s, "--since", SINCE);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/^Sent 0 messages/);

    // webhook: every alert once, with its content and its key in the header and the body
    const hooks = hooksAt(s.hookPath);
    expect(hooks.map((r) => r.body.alerts[0]!.alert_id).sort()).toEqual(alerts.map((a) => a.alert_id).sort());
    for (const request of hooks) {
      const a = alerts.find((x) => x.alert_id === request.body.alerts[0]!.alert_id)!;
      expect(request.key).toBe(alertKey(a.alert_id, "team-channel"));
      expect(request.body.idempotency_key).toBe(request.key);
      expect(request.body.text).toContain(a.account_name);
      expect(request.body.text).toContain(a.reason);
      expect(request.body.text).toContain(a.playbook);
      expect(request.body.alerts[0]!.owner).toBe(a.csm_owner);
    }

    // e-mail: one per alert, to the account's CSM (or the fallback when the CSM has no address)
    const mails = mailsTo(mailsBefore);
    expect(mails).toHaveLength(alerts.length);
    for (const a of alerts) {
      const key = alertKey(a.alert_id, "csm-email");
      const mine = mails.filter((m) => m.messageId === `<${key}@health-notify>`);
      expect(mine, a.alert_id).toHaveLength(1);
      expect(mine[0]!.to).toEqual([ADDRESSES[a.csm_owner!] ?? FALLBACK]);
      expect(mine[0]!.text).toContain(`Subject: [health] ${a.severity.toUpperCase()} ${a.kind}: ${a.account_name}`);
      expect(mine[0]!.text).toContain(a.reason);
      expect(mine[0]!.text).toContain(`Playbook: ${a.playbook}`);
      expect(mine[0]!.text).toContain(`Owner: ${a.csm_owner}`);
    }
    expect(new Set(mails.flatMap((m) => m.to))).toEqual(new Set(["kim@example.com", "ravi@example.com", FALLBACK]));

    // CRM: one task row per alert across the task files, task_id the (alert, destination) key
    const crmDir = path.join(path.dirname(s.config), "crm-tasks");
    const files = readdirSync(crmDir).filter((f) => f.endsWith(".csv"));
    expect(
      files.every((f) =>
        readFileSync(path.join(crmDir, f), "utf8").startsWith("task_id,account_id,account_name,owner,priority,subject,description,"),
      ),
    ).toBe(true);
    const list = files.map((f) => `'${path.join(crmDir, f)}'`).join(", ");
    const rows = await withDatabase((db) =>
      db.all<Record<string, string>>(`select * from read_csv([${list}], header = true, all_varchar = true)`),
    );
    expect(rows).toHaveLength(alerts.length);
    for (const a of alerts) {
      const task = rows.filter((r) => r.task_id === alertKey(a.alert_id, "crm"));
      expect(task).toHaveLength(1);
      expect(task[0]).toMatchObject({
        account_id: a.account_id,
        account_name: a.account_name,
        owner: a.csm_owner,
        priority: a.severity,
        alert_id: a.alert_id,
        description: `${a.reason}\nPlaybook: ${a.playbook}`,
      });
    }
  }, 240_000);

  it("survives a kill -9 in the middle of delivery: the re-run resends only the message in flight, under the same key", async () => {
    const s = setup(["webhook"]);
    const stalled = webhook.stallAt(3);
    const { child, done } = spawnNotify(
      ["--out", out, "--state", s.dir, "--notify-config", s.config, "--since", SINCE],
      envFor(s.hookPath),
    );
    const inFlight = await stalled;
    child.kill("SIGKILL");
    const killed = await done;
    runs.push(killed);
    expect(killed.signal).toBe("SIGKILL");
    expect(hooksAt(s.hookPath)).toHaveLength(2);

    const rerun = await notify(s, "--since", SINCE);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain("resend");
    const again = await notify(s, "--since", SINCE);
    expect(again.stdout).toMatch(/^Sent 0 messages/);

    const received = hooksAt(s.hookPath, webhook.requests);
    const keys = received.map((r) => r.key!);
    // every alert arrived; the only repeat is the request the kill cut off, byte for byte the same
    expect(new Set(keys).size).toBe(alerts.length);
    expect(received).toHaveLength(alerts.length + 1);
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(repeated).toEqual([inFlight.key]);
    expect(received.filter((r) => r.key === inFlight.key).map((r) => r.raw)).toEqual([inFlight.raw, inFlight.raw]);
    // a receiver that honours the key accepted each alert exactly once
    expect(
      hooksAt(s.hookPath)
        .map((r) => r.body.alerts[0]!.alert_id)
        .sort(),
    ).toEqual(alerts.map((a) => a.alert_id).sort());
    const ledger = readLedger(s.dir);
    expect(ledger.sent.size).toBe(alerts.length);
    expect([...ledger.attempts.keys()].every((k) => ledger.sent.has(k))).toBe(true);
  }, 240_000);

  it("retries an endpoint that fails twice, then delivers every alert once", async () => {
    const s = setup(["webhook"]);
    webhook.failNext(2);
    const run = await notify(s, "--since", SINCE);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/HTTP 500 for hn-\w+; retrying in \d+ ms/g)).toHaveLength(2);
    expect(hooksAt(s.hookPath, webhook.requests)).toHaveLength(alerts.length + 2);
    expect(
      hooksAt(s.hookPath)
        .map((r) => r.body.alerts[0]!.alert_id)
        .sort(),
    ).toEqual(alerts.map((a) => a.alert_id).sort());
  }, 240_000);

  it("reports an endpoint that stays down with exit 4 and leaves its alerts pending for the next run", async () => {
    const s = setup(["webhook", "crm"]);
    webhook.failAll(true);
    const down = await notify(s, "--since", SINCE, "--format", "json");
    webhook.failAll(false);
    expect(down.code).toBe(4);
    const report = JSON.parse(down.stdout);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0].error).toBe("HTTP 503");
    expect(report.skipped).toHaveLength(alerts.length - 1);
    expect(hooksAt(s.hookPath)).toHaveLength(0);
    // 1 try + 3 retries, then the destination is given up for this run; the CRM destination still got its tasks
    expect(hooksAt(s.hookPath, webhook.requests)).toHaveLength(4);
    expect(report.sent.every((m: { destination: string }) => m.destination === "crm")).toBe(true);
    expect(report.sent.flatMap((m: { alerts: unknown[] }) => m.alerts)).toHaveLength(alerts.length);

    const recovered = await notify(s, "--since", SINCE);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(
      hooksAt(s.hookPath)
        .map((r) => r.body.alerts[0]!.alert_id)
        .sort(),
    ).toEqual(alerts.map((a) => a.alert_id).sort());
    expect(recovered.stdout).not.toContain("crm (");
  }, 240_000);

  it("--dry-run prints what would be sent, sends nothing and writes no ledger", async () => {
    const s = setup(["webhook", "email"]);
    const before = { hooks: webhook.requests.length, mails: smtp.mails.length };
    const text = await notify(s, "--dry-run", "--since", SINCE);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `Dry run: would send ${alerts.length * 2} messages (${alerts.length * 2} alerts); nothing sent, no ledger written.`,
    );
    for (const a of alerts) expect(text.stdout).toContain(`${a.account_name}: ${a.reason}`);
    expect(text.stdout).toContain(`csm-email (email, immediate) to ${FALLBACK}`);
    const json = await notify(s, "--dry-run", "--since", SINCE, "--format", "json");
    const report = JSON.parse(json.stdout);
    expect(report.dry_run).toBe(true);
    expect(report.would_send).toHaveLength(alerts.length * 2);
    expect(report.would_send[0]).toMatchObject({
      destination: expect.any(String),
      key: expect.stringMatching(/^hn-/),
      alerts: [{ reason: expect.any(String), playbook: expect.any(String) }],
    });
    expect(webhook.requests.length).toBe(before.hooks);
    expect(smtp.mails.length).toBe(before.mails);
    expect(existsSync(s.dir)).toBe(false);
  }, 240_000);

  it("sends a weekly digest on the first run on or after its day, one per recipient, and holds alerts until then", async () => {
    const s = setup(["email"], "");
    // the email route becomes a Monday digest
    writeFileSync(
      s.config,
      readFileSync(s.config, "utf8").replace("min_severity: low", "min_severity: low\n    schedule: weekly\n    digest_day: monday"),
    );
    const before = smtp.mails.length;
    const wednesday = await notify(s, "--since", SINCE, "--today", "2026-12-02");
    expect(wednesday.code, wednesday.stderr).toBe(0);
    const digests = mailsTo(before);
    expect(digests).toHaveLength(3); // Kim, Ravi, the fallback for Noor's accounts
    for (const mail of digests) expect(mail.text).toMatch(/Subject: \[health\] Weekly alert digest: \d+ alerts?/);
    expect(digests.reduce((n, m) => n + (m.text.match(/^Playbook: /gm) ?? []).length, 0)).toBe(alerts.length);

    // a new alert for this destination on Friday waits for Monday
    const ledgerFile = path.join(s.dir, "notify-ledger.jsonl");
    const lines = readFileSync(ledgerFile, "utf8").trim().split("\n");
    const dropOne = alerts[0]!.alert_id;
    writeFileSync(
      ledgerFile,
      `${lines
        .map((l) => JSON.parse(l))
        .map((e) => (e.event === "attempt" ? { ...e, alert_ids: e.alert_ids.filter((id: string) => id !== dropOne) } : e))
        .map((e) => JSON.stringify(e))
        .join("\n")}\n`,
    );
    const friday = await notify(s, "--since", SINCE, "--today", "2026-12-04");
    expect(friday.code).toBe(0);
    expect(friday.stdout).toContain("csm-email: 1 alert(s) wait for the weekly digest due 2026-12-07");
    expect(smtp.mails.length).toBe(before + 3);
    const monday = await notify(s, "--since", SINCE, "--today", "2026-12-07");
    expect(monday.code).toBe(0);
    expect(smtp.mails.length).toBe(before + 4);
    expect(smtp.mails.at(-1)!.text).toContain(alerts[0]!.reason);
  }, 240_000);

  it("refuses a bad config with exit 3 naming the file, the key and what was expected", async () => {
    const s = setup(["webhook"]);
    writeFileSync(
      s.config,
      `destinations:\n  team:\n    type: webhook\n    url_env: "https://hooks.example.com/x"\nroutes:\n  - to: team\n    min_severity: urgent\n`,
    );
    const bad = await notify(s);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`invalid notify config ${s.config}`);
    expect(bad.stderr).toContain("destinations.team.url_env (line 4): an environment variable name");
    expect(bad.stderr).toMatch(/routes\.0\.min_severity \(line 7\): .*"high"\|"medium"\|"low"/);
    writeFileSync(s.config, `destinations:\n  team:\n    type: webhook\n    url_env: HOOK\nroutes:\n  - to: teem\n`);
    const unknown = await notify(s);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('routes.0.to (line 6): unknown destination "teem"; destinations are team');
    const missing = await notify({ ...s, config: path.join(root, "nope.yaml") });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`invalid notify config ${path.join(root, "nope.yaml")}`);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("never writes a secret to an output file, the ledger, stdout or stderr", async () => {
    // a connection that fails puts the URL's host in Node's error: it must still not leak the URL
    const s = setup(["webhook", "email"]);
    const { done } = spawnNotify(["--out", out, "--state", s.dir, "--notify-config", s.config, "--since", SINCE], {
      ...envFor(s.hookPath),
      TEST_HEALTH_WEBHOOK: `http://127.0.0.1:9/${WEBHOOK_SECRET}`,
      HEALTH_NOTIFY_RETRIES: "1",
    });
    const refused = await done;
    runs.push(refused);
    expect(refused.code).toBe(4);
    const texts = runs.flatMap((r) => [r.stdout, r.stderr]);
    const files = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]))
        : [];
    for (const file of files(root)) texts.push(readFileSync(file, "latin1"));
    expect(runs.length).toBeGreaterThan(10);
    for (const secret of [WEBHOOK_SECRET, SMTP_PASSWORD, "xoxb-9f8e7d6c5b4a"]) {
      expect(texts.filter((t) => t.includes(secret))).toEqual([]);
    }
    // config files name the variables, never the values
    expect(readFileSync(s.config, "utf8")).toContain("url_env: TEST_HEALTH_WEBHOOK");
  }, 240_000);
});
