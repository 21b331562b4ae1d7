/**
 * `npm run validate:profiles`: does the score hold on books that are not the demo? For the demo and
 * every generator profile (`health generate --profile NAME`, listed by src/generate/profiles.ts),
 * runs `health calibrate` and prints one table: later-period AUC of the default formula, the
 * calibrated formula and the fitted peers; the at-risk band's lift; watch-or-worse recall and the
 * share of non-churned weeks it flags. Profile books are generated once under .cache/profiles/.
 * Not a timed test: expect a minute or more per book.
 *
 *   npm run validate:profiles [-- --profiles sparse,no_roles] [--accounts N] [--horizon 90d] [--format text|csv|json]
 *                             [--books name=DIR,name=DIR]   (books already on disk, e.g. real exports; never generated)
 *                             [--reuse]   (print the table from each book's last calibrate.json under .cache/profiles/out, running only the missing)
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CalibrateReport } from "../calibrate/calibrate.ts";
import { main } from "../cli/main.ts";
import { formatRecords, type OutputFormat } from "../core/records.ts";
import { PROFILES } from "../generate/profiles.ts";

const { values } = parseArgs({
  options: {
    profiles: { type: "string" },
    accounts: { type: "string" },
    horizon: { type: "string" },
    format: { type: "string" },
    demo: { type: "string" },
    books: { type: "string" },
    reuse: { type: "boolean" },
  },
});
const format = (values.format ?? "text") as OutputFormat;
const root = path.resolve(".cache/profiles");

async function health(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const wanted = values.profiles
  ?.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const books: { book: string; data: string; given?: boolean }[] = [{ book: "demo", data: path.resolve(values.demo ?? "data/demo") }];
// the demo comes first, from --demo or data/demo; then every generator profile, generated under .cache
for (const { id } of PROFILES) books.push({ book: id, data: path.join(root, id) });
for (const entry of values.books?.split(",").filter(Boolean) ?? []) {
  const [book, dir] = entry.includes("=")
    ? [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]
    : [path.basename(entry), entry];
  books.push({ book: book!, data: path.resolve(dir!), given: true });
}
const selected = books.filter((b) => !wanted || wanted.includes(b.book));

const rows: Record<string, unknown>[] = [];
for (const { book, data, given } of selected) {
  process.stderr.write(`validate:profiles: ${book}\n`);
  if (!given && !existsSync(path.join(data, "export.json"))) {
    const args = [
      "generate",
      "--out",
      data,
      "-q",
      ...(book === "demo" ? [] : ["--profile", book]),
      ...(values.accounts ? ["--accounts", values.accounts] : []),
    ];
    const generated = await health(args);
    if (generated.code !== 0) {
      rows.push({ book, verdict: `generate failed: ${generated.err.trim().split("\n")[0]}` });
      continue;
    }
  }
  const out = path.join(root, "out", book);
  const last = path.join(out, "calibrate.json");
  const run =
    values.reuse && existsSync(last)
      ? { code: 0, out: readFileSync(last, "utf8"), err: "" }
      : await health([
          "calibrate",
          "--data",
          data,
          "--out",
          out,
          "--format",
          "json",
          "-q",
          ...(values.horizon ? ["--horizon", values.horizon] : []),
        ]);
  if (run.code !== 0) {
    rows.push({
      book,
      verdict: `calibrate exit ${run.code}: ${
        run.err
          .replace(/^health calibrate: /, "")
          .trim()
          .split("\n")[0]
      }`,
    });
    continue;
  }
  const r = JSON.parse(run.out) as CalibrateReport;
  const e = r.evaluation;
  rows.push({
    book,
    split: r.split.date,
    churned: `${r.split.fit.churned_accounts}/${r.split.evaluation.churned_accounts}`,
    auc_default: e.default.auc,
    auc_calibrated: e.calibrated.auc,
    auc_peer: e.peer.auc,
    auc_peer_values: e.peer_values.auc,
    within_week_default: e.default.auc_within_week,
    within_week_calibrated: e.calibrated.auc_within_week,
    lift_default: e.default.at_risk?.lift ?? null,
    lift_calibrated: e.calibrated.at_risk?.lift ?? null,
    watch_recall_default: e.default.watch_or_worse?.recall ?? null,
    watch_recall_calibrated: e.calibrated.watch_or_worse?.recall ?? null,
    false_alarms_default: e.default.watch_or_worse?.false_alarm_share ?? null,
    false_alarms_calibrated: e.calibrated.watch_or_worse?.false_alarm_share ?? null,
    at_risk_false_alarms_default: e.default.at_risk?.false_alarm_share ?? null,
    at_risk_false_alarms_calibrated: e.calibrated.at_risk?.false_alarm_share ?? null,
    near_peer: e.calibrated.auc !== null && e.peer.auc !== null ? e.calibrated.auc >= e.peer.auc - 0.01 : null,
    lift_3x: (e.calibrated.at_risk?.lift ?? 0) >= 3,
    candidate: r.fit.candidate?.chosen ?? null,
    verdict: r.improved ? "adopt" : "keep",
  });
}

if (format === "json") process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
else if (format === "csv") process.stdout.write(formatRecords(rows, "csv"));
else {
  const n = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : "-");
  const p = (v: unknown) => (typeof v === "number" ? `${(v * 100).toFixed(0)}%` : "-");
  const x = (v: unknown) => (typeof v === "number" ? `${v.toFixed(1)}x` : "-");
  const yes = (v: unknown) => (v === true ? "yes" : v === false ? "no" : "-");
  process.stdout.write(
    "Later period of each book's calibration split (AUC pooled; lift = at-risk band churn / base rate;\n" +
      "recall and false alarms = churned and non-churned weeks flagged watch or worse, at_risk_false_alarms = non-churned weeks flagged at risk;\n" +
      "default -> calibrated)\n\n" +
      formatRecords(
        rows.map((r) => ({
          book: r.book,
          split: r.split ?? "",
          churned_fit_eval: r.churned ?? "",
          auc_default: n(r.auc_default),
          auc_calibrated: n(r.auc_calibrated),
          auc_peer: n(r.auc_peer),
          auc_peer_values: n(r.auc_peer_values),
          at_risk_lift: `${x(r.lift_default)} -> ${x(r.lift_calibrated)}`,
          watch_recall: `${p(r.watch_recall_default)} -> ${p(r.watch_recall_calibrated)}`,
          false_alarms: `${p(r.false_alarms_default)} -> ${p(r.false_alarms_calibrated)}`,
          at_risk_false_alarms: `${p(r.at_risk_false_alarms_default)} -> ${p(r.at_risk_false_alarms_calibrated)}`,
          candidate: r.candidate ?? "-",
          near_peer: yes(r.near_peer),
          lift_3x: yes(r.lift_3x),
          verdict: r.verdict,
        })),
        "text",
      ) +
      "\nauc_peer: ridge logistic regression on the raw values and on which measures have no data; auc_peer_values: on the values alone.\n" +
      "candidate: the formula calibrate wrote, chosen on an inner time split of the fit period (binned or linear scorecard on book ranks or raw values, or the current formula with refitted tiers):\n" +
      "the linear scorecard on raw values (the peer written as a formula, its missing-value terms as no-data scores) unless another beats it there by more than its AUC's standard error.\n",
  );
}
