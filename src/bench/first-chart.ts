/**
 * How long a reader waits for each page's first chart: opens every page of a built site in Debian's
 * Chromium (playwright-core, no browser download), served from 127.0.0.1 with a cold cache, and
 * records the page's own clock (performance.now(), from the start of navigation) when the first
 * chart is in the document. The figure is the median of a few loads; the bench prints it, nothing
 * asserts on it (speed targets live in benchmark scripts, not in tests).
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { serveDist } from "../site/serve.ts";

/** Debian's Chromium; CHROMIUM says where another one is. */
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/**
 * In the page: whether a chart has its marks drawn, a Plot SVG in the main column holding a mark
 * other than an axis or a grid (a legend's swatch is an SVG too, without Plot's class, and an empty
 * frame has only axes and grid). A script as text: tsx's transform of a function would refer to
 * helpers the page lacks.
 */
const CHART_DRAWN = `[...document.querySelectorAll('#observablehq-main svg[class^="plot-"] > g[aria-label]')].some(
  (g) => !/axis|grid/.test(g.getAttribute("aria-label")) && g.childElementCount > 0)`;

export interface FirstChart {
  page: string;
  /** median over the loads, in ms from the start of navigation; null = no chart within the timeout */
  first_chart_ms: number | null;
  loads: number;
}

/**
 * Times the first chart of each of `pages` (paths of .html files in `dist`, such as "index.html";
 * `query` adds a query string to a page, as the account viewer's `?id=`), `loads` times each.
 */
export async function firstChartTimes(
  dist: string,
  pages: string[],
  { loads = 3, query = {} as Record<string, string>, timeoutMs = 30_000 } = {},
): Promise<FirstChart[]> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
  const { server, url } = await serveDist(dist);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
  try {
    const figures: FirstChart[] = [];
    for (const page of pages) {
      const times: number[] = [];
      for (let i = 0; i < loads; i++) {
        // a context of its own: nothing cached from the previous load
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const tab = await context.newPage();
        // the page's clock at the first chart, noted by the page itself as the chart arrives
        await tab.addInitScript(`new MutationObserver(() => {
          if (window.__firstChart === undefined && ${CHART_DRAWN}) window.__firstChart = performance.now();
        }).observe(document, { childList: true, subtree: true });`);
        const address = `${url}${page.replace(/\.html$/, "").replace(/^index$/, "")}${query[page] ?? ""}`;
        await tab.goto(address, { waitUntil: "commit" });
        const at = await tab
          .waitForFunction("window.__firstChart", undefined, { timeout: timeoutMs })
          .then((handle) => handle.jsonValue() as Promise<number>)
          .catch(() => null);
        if (at !== null) times.push(at);
        await context.close();
      }
      times.sort((a, b) => a - b);
      figures.push({ page, first_chart_ms: times.length === loads ? Math.round(times[Math.floor(loads / 2)]!) : null, loads });
    }
    return figures;
  } finally {
    await browser.close();
    server.close();
  }
}
