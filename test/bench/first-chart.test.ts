/**
 * The bench's first-chart timer (src/bench/first-chart.ts) in Debian's Chromium, on pages written
 * here: it must wait for a chart with marks drawn, not a legend's swatch or an empty frame.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { firstChartTimes } from "../../src/bench/first-chart.ts";
import { tempDir } from "../helpers/warehouse.ts";

// shaped as Framework and Plot render: the main column, a legend swatch, a Plot SVG with its axes and marks
const SWATCH = '<figure class="plot-d6a7b5-figure"><svg width="15" height="15"><rect width="15" height="15"></rect></svg></figure>';
const FRAME = '<g aria-label="y-grid"><line></line></g><g aria-label="x-axis tick"><path></path></g>';
const page = (body: string) => `<!doctype html><html lang="en"><body><main id="observablehq-main">${body}</main></body></html>`;
const later = (ms: number, html: string) =>
  `<div id="slot"></div><script>setTimeout(() => { document.getElementById("slot").innerHTML = ${JSON.stringify(html)}; }, ${ms});</script>`;

it("times the first chart with marks, waiting past a legend's swatch and an empty frame", async () => {
  const dist = path.join(tempDir(), "dist");
  mkdirSync(dist, { recursive: true });
  const chart = `<svg class="plot-d6a7b5">${FRAME}<g aria-label="bar"><rect></rect></g></svg>`;
  writeFileSync(path.join(dist, "index.html"), page(SWATCH + later(600, chart)));
  writeFileSync(path.join(dist, "empty.html"), page(`${SWATCH}<svg class="plot-d6a7b5">${FRAME}<g aria-label="bar"></g></svg>`));
  writeFileSync(
    path.join(dist, "viewer.html"),
    page(`<script>if (location.search === "?id=A1") document.write(${JSON.stringify(chart)});</script>`),
  );
  const times = await firstChartTimes(dist, ["index.html", "empty.html", "viewer.html"], {
    loads: 1,
    query: { "viewer.html": "?id=A1" },
    timeoutMs: 2_500,
  });
  const byPage = new Map(times.map((t) => [t.page, t.first_chart_ms]));
  // the swatch is there at once; the chart only after 600 ms
  expect(byPage.get("index.html")).toBeGreaterThanOrEqual(600);
  expect(byPage.get("index.html")).toBeLessThan(2_500);
  expect(byPage.get("empty.html")).toBeNull();
  // the query string reaches the page
  expect(byPage.get("viewer.html")).toBeLessThan(600);
}, 60_000);
