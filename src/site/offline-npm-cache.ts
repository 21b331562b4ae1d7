/**
 * Lets Observable Framework build with no network. Its client references about 30 `npm:` names
 * (Plot, React, Leaflet...) and the build looks up each one's version on the npm registry, unless
 * `<root>/.observablehq/cache/_npm/<name>@<version>/` already exists. Our pages import everything
 * from node_modules, so nothing is ever fetched from those folders: they only answer the lookups.
 * The version is the installed one when the package is in node_modules, else a fixed known release.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PROJECT_ROOT } from "../core/paths.ts";

/** Every bare `npm:` name Framework 1.13's client and build may look up, with a fallback version. */
export const FRAMEWORK_NPM_NAMES: Record<string, string> = {
  "@observablehq/dot": "0.2.0",
  "@observablehq/duckdb": "0.1.0",
  "@observablehq/inputs": "0.12.0",
  "@observablehq/mermaid": "0.1.0",
  "@observablehq/plot": "0.6.17",
  "@observablehq/runtime": "6.0.0",
  "@observablehq/sample-datasets": "1.0.1",
  "@observablehq/sqlite": "0.1.0",
  "@observablehq/stdlib": "5.8.8",
  "@observablehq/tex": "0.1.0",
  "@uwdata/vgplot": "0.16.2",
  "@viz-js/viz": "3.11.0",
  "apache-arrow": "21.2.0",
  arquero: "8.0.3",
  d3: "7.9.0",
  "d3-dsv": "3.0.1",
  echarts: "6.0.0",
  exceljs: "4.4.0",
  htl: "0.3.1",
  isoformat: "0.2.1",
  jszip: "3.10.1",
  katex: "0.16.22",
  leaflet: "1.9.4",
  lodash: "4.17.21",
  "mapbox-gl": "3.15.0",
  mermaid: "11.12.0",
  "parquet-wasm": "0.6.1",
  react: "19.2.0",
  "react-dom": "19.2.0",
  "sql.js": "1.13.0",
  "topojson-client": "3.1.0",
  vega: "6.2.0",
  "vega-lite": "6.4.1",
  "vega-lite-api": "5.6.0",
};

/** Creates the version folders under `<reportsRoot>/.observablehq/cache/_npm`; returns how many it made. */
export function prepareOfflineNpmCache(reportsRoot: string, projectRoot = PROJECT_ROOT): number {
  const cache = path.join(reportsRoot, ".observablehq", "cache", "_npm");
  let made = 0;
  for (const [name, fallback] of Object.entries(FRAMEWORK_NPM_NAMES)) {
    if (hasAnyVersion(cache, name)) continue;
    const dir = path.join(cache, `${name}@${installedVersion(projectRoot, name) ?? fallback}`);
    mkdirSync(dir, { recursive: true });
    made++;
  }
  return made;
}

function hasAnyVersion(cache: string, name: string): boolean {
  const parent = path.join(cache, path.dirname(name));
  if (!existsSync(parent)) return false;
  const base = path.basename(name);
  return readdirSync(parent).some((entry) => entry.startsWith(`${base}@`));
}

function installedVersion(projectRoot: string, name: string): string | undefined {
  const file = path.join(projectRoot, "node_modules", name, "package.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, "reports"));
  const made = prepareOfflineNpmCache(root);
  console.error(`offline npm cache: ${made} version folder(s) created under ${root}/.observablehq/cache/_npm`);
}
