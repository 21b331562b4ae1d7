/**
 * `npm run dev`: Framework's live preview for analysts. Framework re-runs a data loader only when
 * the loader file itself changes, so this script watches the formula file and the warehouse folder
 * and, on a change, touches every entry under reports/data/: the preview re-runs them (the engine
 * outputs are fingerprinted, so the first loader recomputes them once) and the open pages update.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, utimesSync, watch } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT, resolveLocations } from "../core/paths.ts";
import { prepareOfflineNpmCache } from "./offline-npm-cache.ts";

const root = PROJECT_ROOT;
const reports = path.join(root, "reports");
const { data, formula } = resolveLocations({});

/** Every loader entry file under reports/data. */
function loaderEntries(dir = path.join(reports, "data")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? loaderEntries(path.join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

let timer: NodeJS.Timeout | undefined;
function touchLoaders(reason: string): void {
  clearTimeout(timer);
  timer = setTimeout(() => {
    const now = new Date();
    for (const file of loaderEntries()) utimesSync(file, now, now);
    process.stderr.write(`[dev] ${reason} changed: data loaders will re-run\n`);
  }, 300);
}

prepareOfflineNpmCache(reports, root);
if (existsSync(formula)) watch(formula, () => touchLoaders(path.basename(formula)));
if (existsSync(data)) watch(data, { recursive: true }, (_, file) => touchLoaders(`warehouse ${file ?? ""}`));
const preview = spawn(
  process.execPath,
  [
    path.join(root, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js"),
    "preview",
    "--host",
    "127.0.0.1",
    "--no-open",
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      OBSERVABLE_TELEMETRY_DISABLE: "true",
      PATH: `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
    },
  },
);
preview.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => preview.kill(signal));
