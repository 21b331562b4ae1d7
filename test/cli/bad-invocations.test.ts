/**
 * Every mistake a user can make on the command line, in the environment, with paths, formula files
 * or exports: the real `health` command (a child process, as a user runs it) must exit 2 (bad
 * command line or setting) or 3 (bad input) with one clear message, never 1 and never a stack trace.
 */
import { spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/core/paths.ts";
import { tempDir, tinyWarehouse, toCsv, writeCsvWarehouse, type Tables } from "../helpers/warehouse.ts";

const root = tempDir("health-bad-");
const BIN = path.join(PROJECT_ROOT, "src", "cli", "bin.js");
let counter = 0;

function warehouse(change: (tables: Tables) => void = () => {}, exportedAt?: string): string {
  const tables = tinyWarehouse();
  change(tables);
  return writeCsvWarehouse(path.join(root, `w${counter++}`), tables, exportedAt);
}

const good = warehouse();
const out = path.join(root, "out");

function file(name: string, text: string | Buffer): string {
  const full = path.join(root, name);
  writeFileSync(full, text);
  return full;
}

/** Every file under `dir` with its bytes, to show a refused command changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else if (e.isFile()) files[`${prefix}${e.name}`] = readFileSync(path.join(d, e.name)).toString("base64");
    }
  };
  walk(dir, "");
  return files;
}

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  code: 2 | 3;
  /** Text the message must contain. */
  says: string | RegExp;
  /** Run as an unprivileged user (for permission cases when the tests run as root). */
  unprivileged?: boolean;
}

function health(c: Case): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: root, ...c.env };
  const asNobody = c.unprivileged && process.getuid?.() === 0;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...c.args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// inputs for the cases below
const aFile = file("a-file.txt", "not a directory\n");
const dangling = warehouse();
symlinkSync(path.join(root, "gone.csv"), path.join(dangling, "support_tickets-2.csv"));
const readOnly = path.join(root, "read-only");
mkdirSync(readOnly);
chmodSync(readOnly, 0o555);
const tempFile = file("temp-is-a-file", "");
const formulaDir = path.join(root, "formula-dir");
mkdirSync(formulaDir);
const aliasBomb = file(
  "bomb.yaml",
  `${['a: &a ["x","x","x","x","x","x","x","x","x"]', ...["b", "c", "d", "e", "f", "g", "h", "i"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`)].join("\n")}\n`,
);
const defaultFormula = readFileSync(path.join(PROJECT_ROOT, "src", "formula", "default-formula.yaml"), "utf8");
const nanFormula = file("nan.yaml", defaultFormula.replace(/^(\s+)min: ([\d.]+)$/m, "$1min: .nan"));
const latin1 = warehouse();
writeFileSync(path.join(latin1, "accounts.csv"), Buffer.from(toCsv(tinyWarehouse().accounts!).replace("Globex", "Glöbex"), "latin1"));
const truncated = warehouse((t) => delete (t as Partial<Tables>).support_tickets);
const gz = gzipSync(toCsv(tinyWarehouse().support_tickets!));
writeFileSync(path.join(truncated, "support_tickets.csv.gz"), gz.subarray(0, gz.length >> 1));
const badJson = warehouse();
writeFileSync(path.join(badJson, "export.json"), "{ exported_at: 2025-07-07 }");
const tooLate = warehouse(() => {}, "2031-01-01T00:00:00Z");
const nanArr = warehouse((t) => (t.accounts![0]!.arr = "NaN"));
const dataWithOut = warehouse();
const tuneOut = path.join(root, "calibrate-out");
mkdirSync(tuneOut);
const suggested = path.join(tuneOut, "calibrated-formula.yaml");
writeFileSync(suggested, defaultFormula);

const CASES: Case[] = [
  // the command line
  { name: "an unknown command", args: ["frobnicate"], code: 2, says: 'unknown command "frobnicate"' },
  { name: "an unknown flag", args: ["run", "--bogus"], code: 2, says: "--bogus" },
  { name: "a flag without its value", args: ["run", "--data"], code: 2, says: "--data" },
  { name: "an unknown --format", args: ["check", "--format", "xml"], code: 2, says: "--format must be one of" },
  {
    name: "--since that is no date",
    args: ["alerts", "--since", "2026-13-45", "--out", out],
    code: 2,
    says: '--since must be a date YYYY-MM-DD, got "2026-13-45"',
  },
  { name: "--since in words", args: ["alerts", "--since", "yesterday", "--out", out], code: 2, says: "--since must be a date" },
  {
    name: "--as-of on a day that does not exist",
    args: ["explain", "ACME", "--as-of", "2026-02-30"],
    code: 2,
    says: "--as-of must be a date",
  },
  { name: "explain without an account", args: ["explain"], code: 2, says: "ACCOUNT_ID" },
  { name: "a horizon in words", args: ["backtest", "--horizon", "forever", "--out", out], code: 2, says: "--horizon" },
  { name: "--from that is no date", args: ["backtest", "--from", "2026-02-30", "--out", out], code: 2, says: "--from must be a date" },
  { name: "--split that is no date", args: ["tune", "--split", "2026-99-01", "--out", out], code: 2, says: "--split must be a date" },
  {
    name: "--accounts in words",
    args: ["generate", "--accounts", "many", "--out", path.join(root, "gen")],
    code: 2,
    says: "--accounts must be a whole number",
  },
  // settings in the environment
  {
    name: "a memory limit DuckDB does not read",
    args: ["check", "--data", good],
    env: { HEALTH_DUCKDB_MEMORY_LIMIT: "lots" },
    code: 2,
    says: 'HEALTH_DUCKDB_MEMORY_LIMIT must be a value DuckDB accepts for memory_limit such as 4GB or 512MB, got "lots"',
  },
  {
    name: "zero threads",
    args: ["check", "--data", good],
    env: { HEALTH_DUCKDB_THREADS: "0" },
    code: 2,
    says: 'HEALTH_DUCKDB_THREADS must be a positive integer, got "0"',
  },
  {
    name: "a batch size in words, before any scoring",
    args: ["score", "--data", good, "--out", out],
    env: { HEALTH_CONTACTS_PER_BATCH: "abc" },
    code: 2,
    says: "HEALTH_CONTACTS_PER_BATCH must be a positive integer",
  },
  {
    name: "a spill directory that is a file",
    args: ["check", "--data", good],
    env: { HEALTH_DUCKDB_TEMP_DIR: tempFile },
    code: 2,
    says: "HEALTH_DUCKDB_TEMP_DIR must be a directory",
  },
  {
    name: "a memory limit too small for the book",
    args: ["check", "--data", good],
    env: { HEALTH_DUCKDB_MEMORY_LIMIT: "1MB" },
    code: 2,
    says: "raise HEALTH_DUCKDB_MEMORY_LIMIT",
  },
  // paths
  {
    name: "a data directory that does not exist",
    args: ["check", "--data", path.join(root, "nowhere")],
    code: 3,
    says: "data directory not found",
  },
  { name: "a data directory that is a file", args: ["check", "--data", aFile], code: 3, says: "data directory not found" },
  {
    name: "a dangling symbolic link in the data folder",
    args: ["check", "--data", dangling],
    code: 3,
    says: "support_tickets-2.csv: is a symbolic link to",
  },
  { name: "--out equal to --data", args: ["run", "--data", dataWithOut, "--out", dataWithOut], code: 2, says: "is the data directory" },
  {
    name: "--out inside --data",
    args: ["run", "--data", dataWithOut, "--out", path.join(dataWithOut, "accounts")],
    code: 2,
    says: "is inside the data directory",
  },
  { name: "--out that is a file", args: ["run", "--data", good, "--out", aFile], code: 2, says: "is a file, not a directory" },
  {
    name: "--out below a file",
    args: ["score", "--data", good, "--out", path.join(aFile, "out")],
    code: 2,
    says: "is a file, not a directory",
  },
  {
    name: "--formula that the run would write over",
    args: ["tune", "--data", good, "--formula", suggested, "--out", tuneOut],
    code: 2,
    says: "is one of the files a run writes",
  },
  { name: "--out read-only", args: ["score", "--data", good, "--out", readOnly], code: 2, says: "is not writable", unprivileged: true },
  {
    name: "--out below a read-only folder",
    args: ["score", "--data", good, "--out", path.join(readOnly, "new")],
    code: 2,
    says: "is not writable",
    unprivileged: true,
  },
  // formula files
  {
    name: "a formula file that does not exist",
    args: ["formula", "--formula", path.join(root, "none.yaml")],
    code: 3,
    says: "cannot read the file",
  },
  { name: "a formula that is a folder", args: ["formula", "--formula", formulaDir], code: 3, says: "cannot read the file" },
  { name: "a YAML alias bomb", args: ["formula", "--formula", aliasBomb], code: 3, says: /alias/i },
  { name: "a .nan threshold", args: ["formula", "--formula", nanFormula], code: 3, says: "NaN is not a finite number" },
  {
    name: "a formula that is not YAML",
    args: ["formula", "--formula", file("broken.yaml", "categories: [\n")],
    code: 3,
    says: "not valid YAML",
  },
  { name: "an empty formula", args: ["formula", "--formula", file("empty.yaml", "")], code: 3, says: "invalid formula" },
  // exports
  { name: "a Latin-1 export", args: ["check", "--data", latin1], code: 3, says: "not utf-8 encoded" },
  { name: "a truncated gzip export", args: ["check", "--data", truncated], code: 3, says: "unexpected end of file" },
  { name: "an export.json that is not JSON", args: ["check", "--data", badJson], code: 3, says: "not valid JSON" },
  {
    name: "an exported_at years after the data",
    args: ["check", "--data", tooLate],
    code: 3,
    says: /2031-01-01T00:00:00\.000Z is \d+ days after the newest data, 2025-06-30/,
  },
  { name: "an ARR of NaN", args: ["check", "--data", nanArr], code: 3, says: 'column "arr": value is not a finite number' },
];

describe("a bad invocation exits 2 or 3 with one clear message", () => {
  const dataBefore = snapshot(dataWithOut);
  it.each(CASES)(
    "$name",
    async (c) => {
      const { code, stderr } = await health(c);
      expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack frame
      expect(stderr).not.toContain("unexpected failure");
      if (typeof c.says === "string") expect(stderr).toContain(c.says);
      else expect(stderr).toMatch(c.says);
      expect(code).toBe(c.code);
    },
    120_000,
  );

  it("a refused --out changed nothing in the exports", () => {
    expect(snapshot(dataWithOut)).toEqual(dataBefore);
  });
});

// the unprivileged cases need the runner to reach the worktree; give nobody the temp folder
if (process.getuid?.() === 0) chownSync(root, 65534, 65534);
