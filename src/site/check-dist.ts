/**
 * Checks a built site: no page rendered an error, no contact e-mail address anywhere, every data
 * file a page refers to was built, and how many bytes of data each page ships.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { listFiles } from "../core/files.ts";

export interface DistReport {
  pages: number;
  /**
   * Bytes of `_file/` data each page loads when opened, by page path: the files it attaches, less
   * those it loads only when asked (ON_DEMAND); for the account viewer, plus its largest shard file.
   */
  pageData: Record<string, number>;
  /** Bytes of the files a page loads only when asked (alerts of older weeks...), by page path; pages with none are left out. */
  onDemandData: Record<string, number>;
  /** The largest account shard file (the viewer fetches one per account shown), and how many there are. */
  accountShardMaxData: number;
  accountShards: number;
  problems: string[];
}

/**
 * Attached files a page fetches only on a reader's request: `<name>-older.<hash>.json` (alerts of
 * older weeks), `<name>-rest.<hash>.json` (the rows of a list after the first ones in the page's own
 * file: alerts, expansion, portfolio slices and accounts), and the Portfolio's accounts table, whose first rows it fetches when the reader scrolls to it.
 */
export const ON_DEMAND = /(?:-older|-rest|\/portfolio-accounts)\.[0-9a-f]+\.json$/;
/** Where the build puts the account viewer's shard files (reports/lib/account-link.ts). */
const SHARDS = "_file/data/accounts/";

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** Framework's own and libraries' code contain a few addresses; data never may. */
const ALLOWED_EMAIL_FILES = /^_(node|observablehq|npm)\//;

/** Walks `dist` and returns what it found. */
export function checkDist(dist: string): DistReport {
  const problems: string[] = [];
  if (!existsSync(dist))
    return { pages: 0, pageData: {}, onDemandData: {}, accountShardMaxData: 0, accountShards: 0, problems: [`${dist} does not exist`] };
  const files = listFiles(dist);
  const pages = files.filter((f) => f.endsWith(".html"));
  const pageData: Record<string, number> = {};
  const onDemandData: Record<string, number> = {};
  const shardFiles = files.filter((f) => f.startsWith(SHARDS) && f.endsWith(".json"));
  const accountShardMaxData = Math.max(0, ...shardFiles.map((f) => statSync(path.join(dist, f)).size));
  for (const page of pages) {
    const html = readFileSync(path.join(dist, page), "utf8");
    if (html.includes("observablehq--error")) problems.push(`${page} rendered an error`);
    if (!/<html[^>]*\blang="[a-z]/.test(html)) problems.push(`${page} has no lang attribute on <html>`);
    if (/maximum-scale|user-scalable=no/.test(html)) problems.push(`${page} disables zoom in its viewport`);
    if (/<ol>\s*<label/.test(html)) problems.push(`${page} has a <label> straight inside a list`);
    // data files the page registers: FileAttachment paths under _file/
    const refs = new Set([...html.matchAll(/["'](\.{0,2}\/?(?:\.\.\/)*_file\/[^"']+)["']/g)].map((m) => m[1]!));
    let bytes = 0;
    let onDemand = 0;
    for (const ref of refs) {
      const file = path.resolve(path.dirname(path.join(dist, page)), ref);
      if (!existsSync(file)) problems.push(`${page} refers to ${ref}, which was not built`);
      else if (ON_DEMAND.test(ref)) onDemand += statSync(file).size;
      else bytes += statSync(file).size;
    }
    if (page === "account.html") {
      if (shardFiles.length === 0) problems.push(`${page} has no account shard files in ${SHARDS}`);
      bytes += accountShardMaxData;
    }
    pageData[page] = bytes;
    if (onDemand > 0) onDemandData[page] = onDemand;
  }
  for (const file of files) {
    if (ALLOWED_EMAIL_FILES.test(file) || !/\.(html|js|json|csv|txt|css|svg)$/.test(file)) continue;
    const found = readFileSync(path.join(dist, file), "utf8").match(EMAIL);
    if (found) problems.push(`${file} contains an e-mail address (${found.length}×)`);
  }
  return { pages: pages.length, pageData, onDemandData, accountShardMaxData, accountShards: shardFiles.length, problems };
}

/**
 * The data a page may load when it opens: 2 MiB at 100k accounts (the pages send the top of each
 * long list and the rest on demand, so this holds at any size). A page over it is flagged in the
 * build's report, not failed: the site is still right, only slower to open.
 */
export const PAGE_DATA_BUDGET = 2 * 1024 * 1024;

/** One line per page with its data bytes (flagged when over PAGE_DATA_BUDGET), then the problems. */
export function formatReport(report: DistReport): string {
  const lines = [`checked ${report.pages} pages`];
  for (const [page, bytes] of Object.entries(report.pageData)) {
    const more = report.onDemandData[page];
    const over = bytes > PAGE_DATA_BUDGET ? `  OVER the ${PAGE_DATA_BUDGET / 1024} KiB budget of a page's own data` : "";
    lines.push(
      `  ${page.padEnd(22)} data ${(bytes / 1024).toFixed(1).padStart(8)} KiB${more ? `  (+${(more / 1024).toFixed(1)} KiB on demand)` : ""}${over}`,
    );
  }
  lines.push(`  account shards: ${report.accountShards} files, the largest ${(report.accountShardMaxData / 1024).toFixed(1)} KiB`);
  for (const problem of report.problems) lines.push(`  PROBLEM: ${problem}`);
  return lines.join("\n");
}
