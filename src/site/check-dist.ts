/**
 * Checks a built site: no page rendered an error, no contact e-mail address anywhere, every data
 * file a page refers to was built, and how many bytes of data each page ships.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { listFiles } from "../core/files.ts";

export interface DistReport {
  pages: number;
  /** Bytes of `_file/` data each top-level page references, by page path. */
  pageData: Record<string, number>;
  /** The most bytes of data any one account page references (each loads only its own account). */
  accountPageMaxData: number;
  problems: string[];
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** Framework's own and libraries' code contain a few addresses; data never may. */
const ALLOWED_EMAIL_FILES = /^_(node|observablehq|npm)\//;

/** Walks `dist` and returns what it found. */
export function checkDist(dist: string): DistReport {
  const problems: string[] = [];
  if (!existsSync(dist)) return { pages: 0, pageData: {}, accountPageMaxData: 0, problems: [`${dist} does not exist`] };
  const files = listFiles(dist);
  const pages = files.filter((f) => f.endsWith(".html"));
  const pageData: Record<string, number> = {};
  let accountPageMaxData = 0;
  for (const page of pages) {
    const html = readFileSync(path.join(dist, page), "utf8");
    if (html.includes("observablehq--error")) problems.push(`${page} rendered an error`);
    if (!/<html[^>]*\blang="[a-z]/.test(html)) problems.push(`${page} has no lang attribute on <html>`);
    if (/maximum-scale|user-scalable=no/.test(html)) problems.push(`${page} disables zoom in its viewport`);
    if (/<ol>\s*<label/.test(html)) problems.push(`${page} has a <label> straight inside a list`);
    // data files the page registers: FileAttachment paths under _file/
    const refs = new Set([...html.matchAll(/["'](\.{0,2}\/?(?:\.\.\/)*_file\/[^"']+)["']/g)].map((m) => m[1]!));
    let bytes = 0;
    for (const ref of refs) {
      const file = path.resolve(path.dirname(path.join(dist, page)), ref);
      if (!existsSync(file)) problems.push(`${page} refers to ${ref}, which was not built`);
      else bytes += statSync(file).size;
    }
    if (!page.startsWith("accounts/")) pageData[page] = bytes;
    else accountPageMaxData = Math.max(accountPageMaxData, bytes);
  }
  for (const file of files) {
    if (ALLOWED_EMAIL_FILES.test(file) || !/\.(html|js|json|csv|txt|css|svg)$/.test(file)) continue;
    const found = readFileSync(path.join(dist, file), "utf8").match(EMAIL);
    if (found) problems.push(`${file} contains an e-mail address (${found.length}×)`);
  }
  return { pages: pages.length, pageData, accountPageMaxData, problems };
}

/** One line per page with its data bytes, then the problems. */
export function formatReport(report: DistReport): string {
  const lines = [`checked ${report.pages} pages`];
  for (const [page, bytes] of Object.entries(report.pageData))
    lines.push(`  ${page.padEnd(22)} data ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
  for (const problem of report.problems) lines.push(`  PROBLEM: ${problem}`);
  return lines.join("\n");
}
