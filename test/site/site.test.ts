/**
 * The report site in a real browser: one build of a small hand-built warehouse (every stage of the
 * main job: health, alerts, expansion, cohorts, backtest), served on 127.0.0.1 and driven by
 * Debian's chromium.
 * Every page must load without console errors or requests to other hosts; charts must draw marks,
 * filters must change tables, downloads must produce files, names must render as text.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type Page } from "playwright-core";
import { openPage } from "../helpers/browser.ts";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineOutputs } from "../../loaders/engine-outputs.ts";
import { parseFormula } from "../../src/formula/load.ts";
import { buildSite } from "../../src/site/build-site.ts";
import { serveDist } from "../../src/site/serve.ts";
import { HOSTILE_ACCOUNT_ID, HOSTILE_NAME, writeSiteWarehouse } from "../helpers/site-warehouse.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { listFiles } from "../../src/core/files.ts";
import { accountPath, PACKED_LISTS, shardFile, shardOf } from "../../reports/lib/account-link.ts";
import { rowsOf, unpackAccount } from "../../reports/components/data.ts";
import { formatInt, formatMoneyShort, formatScore, formatShare } from "../../reports/components/format.ts";
import { withOutputs } from "../../loaders/lib/outputs.ts";
import { portfolio, portfolioAccounts, portfolioSlicesRest } from "../../loaders/portfolio.ts";

const CHROMIUM = "/usr/bin/chromium";
const PAGES = ["", "risk", "alerts", "expansion", "cohorts", "validation", "outcomes", "formula"];

let browser: Browser;
let server: Server;
let base: string;
let dist: string;
let outputsDir: string;
let data: string;
const EXPORTED_ON_A_WEDNESDAY = "2025-07-09T00:00:00Z";

/** Opens `url` in a fresh page that records console errors, failed responses, dialogs and every request. */
const open = (url: string, viewport?: { width: number; height: number }) => openPage(browser, url, viewport);

/** The account viewer's address for `id`, once the built site is known to hold that account. */
function accountUrl(id: string): string {
  if (!accountData(id)) throw new Error(`no account ${id} in the built shards`);
  return `${base}${accountPath(id)}`;
}

/** An account's data as the viewer reads it: its entry in the built shard file its id names. */
function accountData(id: string) {
  const shards = builtData("site").account_shards;
  const entry = JSON.parse(readFileSync(path.join(dist, shardFile(shardOf(id, shards))), "utf8"))[id];
  return entry === undefined ? undefined : unpackAccount(entry, PACKED_LISTS);
}

/** Every file under `dir`, as full paths. */
function filesUnder(dir: string): string[] {
  return listFiles(dir).map((f) => path.join(dir, f));
}

/** A JSON data file of the built site by its name (`site`, `validation`...). */
function builtData(name: string) {
  const file = filesUnder(path.join(dist, "_file", "data")).find((f) => new RegExp(`/${name}\\.[0-9a-f]+\\.json$`).test(f));
  if (!file) throw new Error(`no built ${name}.json`);
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Every file under `dir` (relative path) with the SHA-256 of its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir).map((f) => [
      f,
      createHash("sha256")
        .update(readFileSync(path.join(dir, f)))
        .digest("hex"),
    ]),
  );
}

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

async function download(page: Page, click: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent("download"), click()]);
  const target = path.join(tempDir("site-download-"), file.suggestedFilename());
  await file.saveAs(target);
  return { name: file.suggestedFilename(), bytes: readFileSync(target) };
}

beforeAll(async () => {
  const root = tempDir("site-test-");
  // exported on a Wednesday: renewals counted from the Monday before the export showed two days late
  data = writeSiteWarehouse(path.join(root, "warehouse"), { accounts: 40, weeks: 30, exportedAt: EXPORTED_ON_A_WEDNESDAY });
  const outputs = await engineOutputs({ env: { HEALTH_DATA: data }, cacheDir: path.join(root, "cache") });
  outputsDir = outputs;
  dist = path.join(root, "dist");
  await buildSite({ env: { HEALTH_SITE_OUTPUTS: outputs }, dist, log: () => {} });
  ({ server, url: base } = await serveDist(dist));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe("every page", () => {
  it.each([...PAGES, "account"])("%s loads with no console error and no request to another host", async (name) => {
    const url = name === "account" ? accountUrl("A0002") : `${base}${name}`;
    const { page, errors, requests } = await open(url);
    expect(errors).toEqual([]);
    expect(requests.filter((r) => !r.startsWith(base))).toEqual([]);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    // every chart card drew an SVG with marks
    const cards = page.locator("figure.card-figure");
    // on a loaded machine the cells can still be rendering when the loading markers are gone
    await expect.poll(() => cards.count()).toBeGreaterThan(0);
    for (const card of await cards.all()) expect(await card.locator("svg [aria-label] > *").count()).toBeGreaterThan(0);
    await page.close();
  });
});

/**
 * What a slide export holds, read in the page's DOM: its title and footer, the plot's place and
 * text scale on the slide, the text of its legend and the number of elements in each mark group
 * (axes and grids left out).
 */
async function readSlide(page: Page, text: string) {
  return page.evaluate((svgText) => {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const root = doc.documentElement;
    const plot = root.querySelector("svg.slide-plot");
    const viewBox = (plot?.getAttribute("viewBox") ?? "0 0 1 1").split(/\s+/).map(Number);
    const marks = plot
      ? [...plot.querySelectorAll("g[aria-label]")]
          .filter((g) => !/axis|grid|tick|frame/.test(g.getAttribute("aria-label")!))
          .reduce((n, g) => n + g.children.length, 0)
      : 0;
    return {
      width: Number(root.getAttribute("width")),
      height: Number(root.getAttribute("height")),
      title: root.querySelector(".slide-title")?.textContent ?? null,
      footer: root.querySelector(".slide-footer")?.textContent ?? "",
      text: root.textContent ?? "",
      plotWidth: Number(plot?.getAttribute("width") ?? 0),
      plotHeight: Number(plot?.getAttribute("height") ?? 0),
      // the plot's 10 px text (its font-size attribute) as drawn on the slide
      textPx: Number(plot?.getAttribute("font-size") ?? 10) * (Number(plot?.getAttribute("width") ?? 0) / viewBox[2]!),
      marks,
    };
  }, text);
}

/** Distinct colours and the share of non-white pixels of a PNG, decoded by the page's canvas. */
async function readPng(page: Page, bytes: Buffer) {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      if (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240) inked++;
    }
    return { width: canvas.width, height: canvas.height, colours: colours.size, inked: inked / (data.length / 4) };
  }, bytes.toString("base64"));
}

describe("slide exports", () => {
  it.each([...PAGES, "account"])("every chart of %s downloads as a slide with its plot, title, legend and footer", async (name) => {
    const url = name === "account" ? accountUrl("A0002") : `${base}${name}`;
    const { page, errors } = await open(url);
    const site = builtData("site");
    await expect.poll(() => page.locator("figure.card-figure").count()).toBeGreaterThan(0);
    const cards = await page.locator("figure.card-figure").all();
    for (const card of cards) {
      const heading = (await card.locator("h3").textContent())!;
      // on the page: the plot (the largest SVG) and the labels of its legend, if any
      const shown = await card.evaluate((figure) => {
        const svgs = [...figure.querySelectorAll("svg")];
        const plot = svgs.sort(
          (a, b) =>
            Number(b.getAttribute("width")) * Number(b.getAttribute("height")) -
            Number(a.getAttribute("width")) * Number(a.getAttribute("height")),
        )[0]!;
        const marks = [...plot.querySelectorAll("g[aria-label]")]
          .filter((g) => !/axis|grid|tick|frame/.test(g.getAttribute("aria-label")!))
          .reduce((n, g) => n + g.children.length, 0);
        const legend = [...figure.querySelectorAll("[class*='-swatch']:not([class*='-swatches'])")]
          .map((e) => e.textContent!.trim())
          .filter(Boolean);
        return { marks, legend, label: plot.getAttribute("aria-label") };
      });
      expect(shown.label, heading).toContain(heading);
      const svg = await download(page, () => card.getByRole("button", { name: "SVG", exact: true }).click());
      const slide = await readSlide(page, svg.bytes.toString("utf8"));
      expect([slide.width, slide.height], heading).toEqual([1600, 900]);
      // the same title, give or take the number of rows a slide has room for
      expect(slide.title?.replace(/\d+/g, "#"), heading).toBe(heading.replace(/\d+/g, "#"));
      // the plot itself, never a 15x15 legend swatch or a colour ramp, with its text at 20 px or more
      expect(slide.plotWidth, heading).toBeGreaterThan(1000);
      expect(slide.plotHeight, heading).toBeGreaterThan(400);
      expect(slide.textPx, heading).toBeGreaterThanOrEqual(20);
      if (shown.marks > 0) expect(slide.marks, heading).toBeGreaterThanOrEqual(Math.min(shown.marks, 20));
      for (const label of shown.legend) expect(slide.text, `${heading}: legend ${label}`).toContain(label);
      expect(slide.footer, heading).toContain(`Week ending ${site.weeks.last_week_end}`);
      expect(slide.footer, heading).toContain(site.formula.hash);
      if (name === "account") expect(slide.footer, heading).toContain((await page.locator("#account-name").textContent())!);
      const png = await download(page, () => card.getByRole("button", { name: "PNG", exact: true }).click());
      const pixels = await readPng(page, png.bytes);
      expect([pixels.width, pixels.height], heading).toEqual([1600, 900]);
      // not one colour: white, text and the marks' colours, and more ink than a title alone
      expect(pixels.colours, heading).toBeGreaterThan(8);
      expect(pixels.inked, heading).toBeGreaterThan(0.01);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** Scrolls the Portfolio page to its accounts table, which it fetches only then, and waits for its rows. */
async function showAccounts(page: Page) {
  await page.locator("#accounts-section").scrollIntoViewIfNeeded();
  await page.locator("#accounts-shown").waitFor();
}

/** The Portfolio page's data files, by name, that `requests` holds. */
const portfolioFiles = (requests: string[], name: string) =>
  requests.filter((r) => new RegExp(`/_file/data/${name}\\.[0-9a-f]+\\.json$`).test(r));
const ON_DEMAND_FILES = ["portfolio-slices-rest", "portfolio-accounts", "portfolio-accounts-rest"];

/**
 * The Portfolio page's four files as the loaders write them with caps of 2 slices and 10 accounts,
 * so that the 40-account book has the rest of its lists on demand; each rest file is answered only
 * once its gate opens, so a test sees what the page says while it loads.
 */
async function cappedPortfolio() {
  const files: Record<string, string> = await withOutputs(outputsDir, async (o) => ({
    portfolio: JSON.stringify(await portfolio(o, { sliceRows: 2 })),
    "portfolio-slices-rest": JSON.stringify(await portfolioSlicesRest(o, { sliceRows: 2 })),
    "portfolio-accounts": JSON.stringify(await portfolioAccounts(o, { accountRows: 10 })),
    "portfolio-accounts-rest": JSON.stringify(await portfolioAccounts(o, { part: "rest", accountRows: 10 })),
  }));
  const gates = new Map<string, () => void>();
  const opened = new Map(
    ["portfolio-slices-rest", "portfolio-accounts-rest"].map((name) => [name, new Promise<void>((r) => gates.set(name, r))]),
  );
  const route = (page: Page) =>
    page.route(/\/_file\/data\/portfolio(?:-slices-rest|-accounts|-accounts-rest)?\.[0-9a-f]+\.json$/, async (r) => {
      const name = new URL(r.request().url()).pathname
        .split("/")
        .at(-1)!
        .replace(/\.[0-9a-f]+\.json$/, "");
      await opened.get(name);
      await r.fulfill({ contentType: "application/json", body: files[name]! });
    });
  return {
    files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, JSON.parse(v)])),
    open: (name: string) => gates.get(name)!(),
    route,
  };
}

describe("portfolio", () => {
  it("fetches the accounts table's file only when the reader scrolls to it, and draws the health distribution without it", async () => {
    const { page, errors, requests } = await open(base);
    // the histogram is drawn from the distribution: one bar per bin and tier, counts adding up to the scored accounts
    const p = builtData("portfolio");
    const all = rowsOf(p.kpis).find((k) => k.dimension === "all")!;
    const bins = rowsOf(p.distribution).filter((b) => b.dimension === "all");
    expect(bins.reduce((s, b) => s + Number(b.accounts), 0)).toBe(all.scored_accounts);
    const card = page.locator("figure.card-figure", { hasText: "Health distribution" });
    await expect.poll(() => card.locator("svg g[aria-label='rect'] rect").count()).toBe(bins.length);
    for (const name of ON_DEMAND_FILES) expect(portfolioFiles(requests, name), name).toEqual([]);
    expect(await page.locator("#accounts-waiting").textContent()).toContain(formatInt(Number(all.accounts)));
    await showAccounts(page);
    expect(portfolioFiles(requests, "portfolio-accounts")).toHaveLength(1);
    expect(await page.locator("#accounts-shown").textContent()).toMatch(new RegExp(`^${all.accounts} of ${all.accounts} accounts`));
    // a book whose accounts and slices all fit in the page's files never fetches the rest: not to search, filter or slice by CSM
    await page.getByPlaceholder("Search accounts…").fill("onerror");
    await expect.poll(() => page.locator("#accounts-shown").textContent()).toMatch(new RegExp(`^1 of ${all.accounts} accounts`));
    await page.getByLabel("Slice by").selectOption({ label: "CSM" });
    await expect.poll(() => page.locator("#accounts-shown").textContent()).toMatch(/\(csm: /);
    expect(portfolioFiles(requests, "portfolio-slices-rest")).toEqual([]);
    expect(portfolioFiles(requests, "portfolio-accounts-rest")).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("with more accounts and slices than its files' first rows, fetches the rest only when asked, says so, then shows every one", async () => {
    const capped = await cappedPortfolio();
    const { page, errors, requests } = await openPage(browser, base, undefined, capped.route);
    const total = capped.files["portfolio-accounts"].total as number;
    for (const name of ON_DEMAND_FILES) expect(portfolioFiles(requests, name), name).toEqual([]);
    // the first scroll: the table's first 10 rows, said to be so, and nothing more
    await showAccounts(page);
    expect(portfolioFiles(requests, "portfolio-accounts")).toHaveLength(1);
    expect(await page.locator("#accounts-shown").textContent()).toMatch(new RegExp(`^The 10 accounts with the most ARR of ${total} shown`));
    expect(await page.locator("#accounts-table tbody tr").count()).toBe(10);
    expect(portfolioFiles(requests, "portfolio-accounts-rest")).toEqual([]);
    // searching for an account of the rest: the page says it is loading them, then finds it, the box still in use
    const last = rowsOf(capped.files["portfolio-accounts-rest"].accounts).at(-1)!;
    const box = page.getByPlaceholder("Search accounts…");
    await box.fill(String(last.id));
    await expect
      .poll(() => page.locator("#accounts-loading").textContent())
      .toBe(`Loading the other ${total - 10} of the ${total} accounts, to search, filter and sort them all…`);
    capped.open("portfolio-accounts-rest");
    await expect.poll(() => page.locator("#accounts-shown").textContent()).toMatch(new RegExp(`^1 of ${total} accounts shown`));
    expect(await page.locator("#accounts-table tbody a").allTextContents()).toEqual([last.name]);
    expect(await box.evaluate((input) => input === document.activeElement)).toBe(true);
    await box.fill("");
    await expect.poll(() => page.locator("#accounts-shown").textContent()).toMatch(new RegExp(`^${total} of ${total} accounts shown`));
    expect(portfolioFiles(requests, "portfolio-accounts-rest")).toHaveLength(1);
    // slicing by CSM: the 2 in the page's file while the others load, then every CSM, in the mart's order
    const p = capped.files.portfolio;
    const csms = [...rowsOf(p.kpis), ...rowsOf(capped.files["portfolio-slices-rest"].kpis)]
      .filter((k) => k.dimension === "csm")
      .sort((a, b) => Number(a.slice_rank) - Number(b.slice_rank));
    expect(csms.length).toBeGreaterThan(2);
    expect(p.slice_counts.csm).toBe(csms.length);
    await page.getByLabel("Slice by").selectOption({ label: "CSM" });
    await expect
      .poll(() => page.locator("#slices-loading").textContent())
      .toBe(`The 2 CSMs with the most ARR; loading the other ${csms.length - 2}…`);
    expect(await page.getByLabel("CSM", { exact: true }).isDisabled()).toBe(true);
    capped.open("portfolio-slices-rest");
    const picker = page.getByLabel("CSM", { exact: true });
    await expect.poll(() => picker.locator("option").allTextContents()).toEqual(csms.map((k) => String(k.slice)));
    // a CSM of the rest: its key numbers and its accounts
    const smallest = csms.at(-1)!;
    await picker.selectOption({ label: String(smallest.slice) });
    await expect
      .poll(() => page.locator('#portfolio-kpis [data-kpi="accounts"] .value').textContent())
      .toBe(formatInt(Number(smallest.accounts)));
    await expect
      .poll(() => page.locator("#accounts-shown").textContent())
      .toMatch(new RegExp(`^${smallest.accounts} of ${total} accounts shown`));
    expect(portfolioFiles(requests, "portfolio-slices-rest")).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("sorts every account when the reader sorts a table that has only its first rows", async () => {
    const capped = await cappedPortfolio();
    capped.open("portfolio-accounts-rest");
    capped.open("portfolio-slices-rest");
    const { page, errors, requests } = await openPage(browser, base, undefined, capped.route);
    await showAccounts(page);
    const scores = [...rowsOf(capped.files["portfolio-accounts"].accounts), ...rowsOf(capped.files["portfolio-accounts-rest"].accounts)]
      .map((a) => a.score as number | null)
      .filter((s) => s !== null);
    // the lowest score of all 40 is not among the 10 with the most ARR (else this test could not tell)
    const lowest = Math.min(...scores);
    expect(rowsOf(capped.files["portfolio-accounts"].accounts).some((a) => a.score === lowest)).toBe(false);
    await page.locator("#accounts-table thead th", { hasText: "Health" }).click();
    await expect.poll(() => page.locator("#accounts-shown").textContent()).toMatch(/^\d+ of \d+ accounts shown/);
    expect(portfolioFiles(requests, "portfolio-accounts-rest")).toHaveLength(1);
    // ascending, as a first click on a column sorts it
    await expect.poll(() => page.locator("#accounts-table tbody tr").first().locator("td").nth(6).textContent()).toBe(formatScore(lowest));
    expect(await page.locator("#accounts-table thead th", { hasText: "Health" }).textContent()).toContain("▴");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a filter changes the accounts table", async () => {
    const { page } = await open(base);
    await showAccounts(page);
    const shown = page.locator("#accounts-shown");
    const count = async () => Number((await shown.textContent())!.match(/^(\d+)/)![1]);
    const before = await count();
    await page.getByLabel("Slice by").selectOption({ label: "Segment" });
    // segment codes read as words: smb as SMB
    await page.getByLabel("Segment").selectOption({ label: "SMB" });
    await expect.poll(count).toBeLessThan(before);
    // the slice select re-renders with its first value before SMB applies: wait for SMB's rows
    const rows = () => page.locator("#accounts-table tbody tr").allTextContents();
    await expect.poll(async () => (await rows()).length).toBeGreaterThan(0);
    await expect.poll(async () => (await rows()).every((row) => row.includes("SMB"))).toBe(true);
    await page.close();
  });

  it("chart and table downloads produce PNG, SVG and CSV files", async () => {
    const { page } = await open(base);
    const card = page.locator("figure.card-figure").first();
    const png = await download(page, () => card.getByRole("button", { name: "PNG" }).click());
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    // slide size: 1600x900 in the PNG header
    expect(png.bytes.readUInt32BE(16)).toBe(1600);
    expect(png.bytes.readUInt32BE(20)).toBe(900);
    const svg = await download(page, () => card.getByRole("button", { name: "SVG" }).click());
    expect(svg.bytes.toString("utf8")).toMatch(/^<svg[^>]*width="1600"/);
    await showAccounts(page);
    const csv = await download(page, () => page.locator("#accounts-table").getByRole("button", { name: "CSV" }).click());
    const lines = csv.bytes.toString("utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^account_id,account,tier,score/);
    expect(lines.length).toBe(1 + Number((await page.locator("#accounts-shown").textContent())!.match(/^(\d+)/)![1]));
    await page.close();
  });

  it("shows a hostile account name as text", async () => {
    const { page, errors } = await open(base);
    await showAccounts(page);
    await page.getByPlaceholder("Search accounts…").fill("onerror");
    await expect.poll(() => page.locator("#accounts-table tbody a").allTextContents()).toEqual([HOSTILE_NAME]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("portfolio key numbers, from the site marts", () => {
  const portfolioJson = () =>
    JSON.parse(readFileSync(filesUnder(path.join(dist, "_file", "data")).find((f) => /\/portfolio\.[0-9a-f]+\.json$/.test(f))!, "utf8"));
  const tileText = (page: Page, id: string) => page.locator(`#portfolio-kpis [data-kpi="${id}"] .value`).textContent();

  it("shows each tile's figure as its mart has it, for the book and for a slice", async () => {
    const p = portfolioJson();
    const { page, errors } = await open(base);
    const expected = (k: Record<string, number | null>) => ({
      accounts: formatInt(k.accounts),
      arr: formatMoneyShort(k.arr),
      not_best_arr: formatMoneyShort(k.not_best_arr),
      renewals_due_arr: formatMoneyShort(k.renewals_due_arr),
      churned_arr_12m: formatMoneyShort(k.churned_arr_12m),
      nrr_12m: formatShare(k.nrr_12m, 1),
      grr_12m: formatShare(k.grr_12m, 1),
      alerts_this_week: formatInt(k.alerts_this_week),
      mean_score: formatScore(k.mean_score),
    });
    const kpis = rowsOf(p.kpis);
    const all = kpis.find((k) => k.dimension === "all") as Record<string, number | null>;
    for (const [id, text] of Object.entries(expected(all))) expect(await tileText(page, id), id).toBe(text);
    await page.getByLabel("Slice by").selectOption({ label: "Segment" });
    await page.getByLabel("Segment").selectOption({ label: "SMB" });
    const smb = kpis.find((k) => k.dimension === "segment" && k.slice === "smb") as Record<string, number | null>;
    await expect.poll(() => tileText(page, "arr")).toBe(formatMoneyShort(smb.arr));
    for (const [id, text] of Object.entries(expected(smb))) expect(await tileText(page, id), id).toBe(text);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("counts renewals due within 90 days of a Wednesday export from the contracts' own dates", async () => {
    // straight from the warehouse's accounts.csv, not from any output
    const [header, ...lines] = readFileSync(path.join(data, "accounts.csv"), "utf8").trim().split("\n");
    const columns = header!.split(",");
    const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [columns[i], v])));
    const days = (d: string) => Math.round((Date.parse(`${d}T00:00:00Z`) - Date.parse(EXPORTED_ON_A_WEDNESDAY)) / 86_400_000);
    const due = rows.filter((r) => r.churned_at === "" && days(r.renewal_date!) >= 0 && days(r.renewal_date!) <= 90);
    expect(due.length).toBeGreaterThan(0);
    const { page } = await open(base);
    expect(await tileText(page, "renewals_due_arr")).toBe(formatMoneyShort(due.reduce((s, r) => s + Number(r.arr), 0)));
    expect(await page.locator('#portfolio-kpis [data-kpi="renewals_due_arr"] .kpi-note').textContent()).toMatch(
      new RegExp(`^${due.length} accounts`),
    );
    // the accounts table shows each contract's renewal date, counted from the export's date
    await showAccounts(page);
    await page.getByLabel("Renewal within").selectOption({ label: "90 days" });
    await expect.poll(() => page.locator("#accounts-shown").textContent()).toMatch(new RegExp(`^${due.length} of`));
    const soonest = due.sort((a, b) => a.renewal_date!.localeCompare(b.renewal_date!))[0]!;
    await page.getByPlaceholder("Search accounts…").fill(soonest.account_id!);
    await expect
      .poll(() => page.locator("#accounts-table tbody tr").first().textContent())
      .toContain(`${soonest.renewal_date} (${days(soonest.renewal_date!) === 0 ? "today" : `in ${days(soonest.renewal_date!)} days`})`);
    await page.close();
  });

  it("lists the accounts that need attention this week once each, linked to their pages", async () => {
    const p = portfolioJson();
    const { page } = await open(base);
    const rows = page.locator("#attention .account-row");
    expect(await rows.count()).toBe(p.attention.rows.length);
    const ids = await rows.evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.accountId));
    expect(ids).toEqual(p.attention.rows.map((r: { account_id: string }) => r.account_id));
    expect(new Set(ids).size).toBe(ids.length);
    const first = p.attention.rows[0];
    await expect.poll(() => rows.first().locator(".why").textContent()).toContain(first.reason);
    const href = await rows.first().locator(".account a").getAttribute("href");
    expect(`${base}${href!.replace(/^\.\//, "")}`).toBe(accountUrl(first.account_id));
    expect(await page.locator("#attention-rule").textContent()).toMatch(/renewals due within 90 days first, then by ARR at stake/);
    // the first ten at once, the rest one click away
    expect(await page.locator("#attention .account-row:visible").count()).toBe(Math.min(10, p.attention.rows.length));
    if (p.attention.rows.length > 10) {
      await page.getByRole("button", { name: `Show all ${p.attention.rows.length}` }).click();
      await expect.poll(() => page.locator("#attention .account-row:visible").count()).toBe(p.attention.rows.length);
    }
    await page.close();
  });
});

describe("account page", () => {
  it("shows that account's history", async () => {
    const { page } = await open(accountUrl("A0002"));
    const name = (await page.locator("#account-name").textContent())!;
    expect(name).toMatch(/\S/);
    const pageData = accountData("A0002");
    expect(name).toBe(pageData.account.name);
    // one dot per scored week in the score history
    const history = page.locator("figure.card-figure").first();
    expect(await history.locator("svg g[aria-label='dot'] circle").count()).toBe(pageData.history.week_end.length);
    await page.close();
  });

  it("renders a hostile name as text, never as HTML", async () => {
    const { page, errors } = await open(accountUrl(HOSTILE_ACCOUNT_ID));
    expect(await page.locator("#account-name").textContent()).toBe(HOSTILE_NAME);
    // the interventions on its history: a hostile owner and kind as text, an owner's e-mail address withheld
    const interventions = page.locator("table").filter({ hasText: "(address withheld)" });
    await expect.poll(() => interventions.count()).toBe(1);
    expect(await interventions.textContent()).toContain(HOSTILE_NAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("loads only its own account's shard", async () => {
    const { page, requests } = await open(accountUrl("A0002"));
    const data = requests.filter((r) => r.includes("/_file/"));
    const shard = shardFile(shardOf("A0002", builtData("site").account_shards));
    expect(data.filter((r) => r.includes("/_file/data/accounts/")).map((r) => new URL(r).pathname.slice(1))).toEqual([shard]);
    expect(data.some((r) => r.includes("portfolio"))).toBe(false);
    await page.close();
  });
});

describe("validation what-if", () => {
  it("re-scores in the browser when a weight moves", async () => {
    const { page, errors } = await open(`${base}validation`);
    const kpis = page.locator("#whatif-kpis");
    const before = await kpis.textContent();
    const slider = page.locator("form input[type=range]").first();
    await slider.fill("0");
    await expect.poll(() => kpis.textContent()).not.toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("validation what-if controls", () => {
  it("says it runs on a sample and shows the full book's figures beside it", async () => {
    const report = JSON.parse(readFileSync(path.join(outputsDir, "backtest.json"), "utf8"));
    const sample = builtData("whatif");
    const { page } = await open(`${base}validation`);
    expect(await page.locator("#whatif-sample").textContent()).toContain(
      `a sample of ${sample.rows.toLocaleString("en-US")} account-weeks`,
    );
    const kpis = (await page.locator("#whatif-kpis").textContent())!;
    expect(kpis).toContain(`full book ${report.overall.auc.toFixed(3)}`);
    await page.close();
  });

  it("resets the sliders to the formula's weights and copies them as formula YAML", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    const page = await context.newPage();
    await page.goto(`${base}validation`, { waitUntil: "networkidle" });
    await page.waitForFunction(() => document.querySelectorAll(".observablehq--loading").length === 0);
    const kpis = page.locator("#whatif-kpis");
    const before = await kpis.textContent();
    const firstTile = await kpis.locator(".kpi").first().textContent();
    const slider = page.locator("form input[type=range]").first();
    const formulaWeight = await slider.inputValue();
    await slider.fill("0");
    await expect.poll(() => kpis.textContent()).not.toBe(before);
    // the YAML has the slider's weight: the first category at 0, the others scaled to sum to 100
    await page.locator("#whatif-copy-yaml").click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain("categories:");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await page.locator("#whatif-yaml").textContent());
    const parsed = parseFormula(copied, "what-if.yaml").formula;
    expect(parsed.categories[0]!.weight).toBe(0);
    expect(parsed.categories.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(100, 6);
    expect(parseYaml(copied).name).toMatch(/what-if weights/);
    // reset: the slider and the figures are the formula's again
    await page.locator("#whatif-reset").click();
    await expect.poll(() => slider.inputValue()).toBe(formulaWeight);
    // the AUC tile (the last tile's timing varies)
    await expect.poll(() => kpis.locator(".kpi").first().textContent()).toBe(firstTile);
    await context.close();
  });
});

describe("validation signals", () => {
  it("charts each category's AUC alone and the first alert's lead time, from backtest.json", async () => {
    const report = JSON.parse(readFileSync(path.join(outputsDir, "backtest.json"), "utf8"));
    const categories = report.signals.filter((s: { kind: string; auc: number | null }) => s.kind === "category" && s.auc !== null);
    expect(categories.length).toBeGreaterThan(3);
    const { page, errors } = await open(`${base}validation`);
    const chart = page.locator("figure.card-figure", { has: page.locator("h3", { hasText: "Which categories predict churn" }) });
    await expect.poll(() => chart.locator('g[aria-label="bar"] rect').count()).toBe(categories.length);
    const alertLead = page.locator("figure.card-figure", { has: page.locator("h3", { hasText: "Lead time of the first alert" }) });
    expect(await alertLead.locator("svg").count()).toBeGreaterThan(0);
    const table = page.locator("div.card-table", { has: page.locator("h3", { hasText: "Signals: the AUC of each alone" }) });
    expect(await table.locator("tbody tr").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("churned accounts", () => {
  it("Validation lists every churned account by name, each linked to its page", async () => {
    const churned = rowsOf(builtData("validation").lead_times.columns) as { account_id: string; account_name: string }[];
    expect(churned.length).toBeGreaterThan(1);
    // every churned account is in the viewer's data
    for (const c of churned) expect(accountData(c.account_id)?.account.name, c.account_id).toBe(c.account_name);
    const { page, errors, requests } = await open(`${base}validation`);
    const table = page.locator("div.card-table", { has: page.locator("h3", { hasText: "Churned accounts and their warning" }) });
    const links = await table
      .locator("tbody a")
      .evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: (a as HTMLAnchorElement).href })));
    expect(links.length).toBe(churned.length);
    expect(links.map((l) => l.text).sort()).toEqual(churned.map((c) => c.account_name).sort());
    for (const link of links) expect((await page.request.get(link.href)).status(), link.href).toBe(200);
    // a book under the page's cap: the count is the loader's, no note, no second fetch, and the CSV has every churn
    expect(builtData("validation").lead_times.total).toBe(churned.length);
    expect(await table.locator("h3").textContent()).toBe(
      `Churned accounts and their warning (${formatInt(builtData("validation").lead_times.total)})`,
    );
    expect(await table.locator("#churned-shown").count()).toBe(0);
    const csv = await download(page, () => table.getByRole("button", { name: "CSV" }).click());
    expect(csv.bytes.toString("utf8").trimEnd().split("\n").length).toBe(churned.length + 1);
    expect(requests.some((r) => r.includes("/_file/data/validation-churned-older."))).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a churned account's page says churned, marks the churn on its history and offers no playbook", async () => {
    const site = builtData("site");
    const churned = rowsOf(builtData("validation").lead_times.columns) as { account_id: string; churned_at: string }[];
    const { page, errors } = await open(accountUrl(churned[0]!.account_id));
    const date = churned[0]!.churned_at.slice(0, 10);
    expect(await page.locator(".kpis .churn-badge").textContent()).toBe(`Churned ${date}`);
    const playbook = (await page.locator("#playbook").textContent())!;
    expect(playbook).toContain(`Churned ${date}`);
    for (const tier of site.tiers) expect(playbook).not.toContain(tier.playbook);
    const history = page.locator("figure.card-figure").first();
    expect(await history.locator("svg g[aria-label='text'] text", { hasText: `Churned ${date}` }).count()).toBe(1);
    // a live account keeps its tier and playbook
    const live = await open(accountUrl("A0002"));
    expect(await live.page.locator(".kpis .churn-badge").count()).toBe(0);
    expect(await live.page.locator("#playbook").textContent()).toMatch(/Playbook \(/);
    expect(errors).toEqual([]);
    await page.close();
    await live.page.close();
  });
});

describe("the alerts and expansion lists", () => {
  const csvRows = async (page: Page) => {
    const csv = await download(page, () => page.locator(".card-table").getByRole("button", { name: "CSV" }).click());
    return csv.bytes.toString("utf8").trim().split("\n").length - 1;
  };

  it("show each alerts view's true count, and download every alert of the view", async () => {
    const { counts } = builtData("alerts");
    const { page, errors, requests } = await open(`${base}alerts`);
    const radios = await page.getByRole("radio").evaluateAll((inputs) => inputs.map((i) => i.closest("label")!.textContent));
    expect(radios).toEqual([
      `This week (${counts.this_week})`,
      `Open (${counts.open})`,
      expect.stringMatching(new RegExp(`^Last \\d+ weeks \\(${counts.short}\\)$`)),
      expect.stringMatching(new RegExp(`^Last \\d+ weeks \\(${counts.recent}\\)$`)),
    ]);
    await expect.poll(() => page.locator("#alerts-shown").textContent()).toBe(`${counts.open} open alerts.`);
    expect(await csvRows(page)).toBe(counts.open);
    await page.getByRole("radio", { name: /^This week/ }).check();
    await expect.poll(() => page.locator("#alerts-shown").textContent()).toBe(`${counts.this_week} alerts raised this week.`);
    expect(await csvRows(page)).toBe(counts.this_week);
    // a small book's open and last weeks' alerts are all in the page's own file
    expect(requests.filter((r) => /\/_file\/data\/alerts-(rest|older)\./.test(r))).toEqual([]);
    await page
      .getByRole("radio", { name: /^Last \d+ weeks/ })
      .last()
      .check();
    await expect.poll(() => page.locator("#alerts-shown").textContent()).toMatch(new RegExp(`^${counts.recent} alerts open or raised`));
    expect(await csvRows(page)).toBe(counts.recent);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("say how many expansion opportunities there are, search them and download them all", async () => {
    const { total } = builtData("expansion");
    const { page, errors } = await open(`${base}expansion`);
    await expect.poll(() => page.locator("#expansion-shown").textContent()).toBe(`${total} opportunities, by rank.`);
    expect(await csvRows(page)).toBe(total);
    await page.getByLabel("Search").fill("no such account anywhere");
    await expect.poll(() => page.locator("#expansion-shown").textContent()).toBe(`0 of the ${total} opportunities match.`);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("words, not codes", () => {
  it("alert kinds, segments and table headers read as words", async () => {
    const codes = /\b(p0_opened|tier_down|score_drop|renewal_risk|key_person|mid_market|signup_quarter|at_least|max_score)\b/;
    for (const name of ["alerts", "validation", "formula", "", "cohorts"]) {
      const { page } = await open(`${base}${name}`);
      const text = await page.locator("main").evaluate((m) => {
        const copy = m.cloneNode(true) as HTMLElement;
        // the collapsed raw formula and the what-if's YAML are code on purpose
        copy.querySelectorAll("details, pre, script").forEach((e) => e.remove());
        return copy.innerText;
      });
      expect(text.match(codes)?.[0] ?? null, name || "portfolio").toBeNull();
      await page.close();
    }
  });
});

describe("narrow screens and accessibility", () => {
  const ALL = [...PAGES, "account", "churned account"];
  const urlOf = (name: string) =>
    name === "account"
      ? accountUrl("A0002")
      : name === "churned account"
        ? accountUrl(String(rowsOf(builtData("validation").lead_times.columns)[0]!.account_id))
        : `${base}${name}`;

  it.each(ALL)("%s does not overflow a 390 px screen and draws no negative size", async (name) => {
    const { page, errors } = await open(urlOf(name), { width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const negative = await page.evaluate(
      () => [...document.querySelectorAll("svg *")].filter((e) => ["width", "height"].some((a) => Number(e.getAttribute(a)) < 0)).length,
    );
    expect(negative).toBe(0);
    // Plot's negative widths show as console errors too
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the alerts table fits a laptop's 1440 px screen, each playbook by its name with the whole text on hover", async () => {
    const { page, errors } = await open(`${base}alerts`, { width: 1440, height: 900 });
    const card = page.locator(".card-table", { has: page.locator("table") }).first();
    await card.locator("tbody tr").first().waitFor();
    expect(await card.evaluate((c) => c.scrollWidth - c.clientWidth)).toBeLessThanOrEqual(0);
    const playbook = card.locator("tbody tr td:last-child .wrap-short").first();
    const [name, whole] = [await playbook.textContent(), await playbook.getAttribute("title")];
    expect(name?.length).toBeGreaterThan(0);
    expect(whole?.startsWith(name!)).toBe(true);
    expect(whole!.length).toBeGreaterThan(name!.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each(ALL)("%s has no critical or serious accessibility violation (axe)", async (name) => {
    const { page } = await open(urlOf(name));
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations
      .filter((v) => v.impact === "critical" || v.impact === "serious")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")})`);
    expect(bad).toEqual([]);
    await page.close();
  });
});

describe("the build", () => {
  it("fails when a data loader fails", async () => {
    // an output set missing a file the account loader reads: that loader throws, the others work
    const broken = tempDir("site-broken-");
    for (const file of readdirSync(outputsDir))
      if (file.endsWith(".json") || (file.endsWith(".parquet") && file !== "account_measures_weekly.parquet"))
        copyFileSync(path.join(outputsDir, file), path.join(broken, file));
    // built over the published site: a failed build must leave it, pages and data, byte for byte
    const before = snapshot(dist);
    expect(Object.keys(before).length).toBeGreaterThan(20);
    // and a folder left by a killed build beside it is cleared
    const killed = path.join(path.dirname(dist), `.${path.basename(dist)}.building-${deadPid()}-1700000000000`);
    mkdirSync(path.join(killed, "_file"), { recursive: true });
    const failure = await buildSite({ env: { HEALTH_SITE_OUTPUTS: broken }, dist, log: () => {} }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(existsSync(dist)).toBe(true);
    expect(snapshot(dist)).toEqual(before);
    expect(failure?.message).toMatch(
      /(data loader failed|observable build exited with code [1-9]).*the site published in .* was left as it was/s,
    );
    expect(readdirSync(path.dirname(dist)).filter((f) => f.startsWith(`.${path.basename(dist)}.`))).toEqual([]);
  }, 300_000);

  it("refuses a Framework heap size that is not a positive integer, before clearing the last build", async () => {
    const before = readdirSync(dist).sort();
    process.env.HEALTH_SITE_HEAP_MB = "lots";
    try {
      await expect(buildSite({ env: { HEALTH_SITE_OUTPUTS: outputsDir }, dist, log: () => {} })).rejects.toThrow(
        'HEALTH_SITE_HEAP_MB must be a positive integer, got "lots"',
      );
    } finally {
      delete process.env.HEALTH_SITE_HEAP_MB;
    }
    expect(readdirSync(dist).sort()).toEqual(before);
  });
});

describe("outcomes", () => {
  it("shows the save rate of each response with its count and interval, from outcomes.json", async () => {
    const outcomes = JSON.parse(readFileSync(path.join(outputsDir, "outcomes.json"), "utf8"));
    const { page } = await open(`${base}outcomes`);
    const table = page.locator("table").filter({ hasText: "Acted on early (proactive)" });
    await expect.poll(() => table.count()).toBe(1);
    const rows = await table.locator("tbody tr").allTextContents();
    expect(rows).toHaveLength(3);
    for (const [i, rate] of outcomes.save_rates.entries()) expect(rows[i]).toContain(String(rate.episodes));
    expect(rows[2]).toContain("Not acted on");
    const matched = page.locator("p").filter({ hasText: "Not acted on, matched to acted episodes:" });
    await expect.poll(() => matched.count()).toBe(1);
    expect(await matched.textContent()).toMatch(
      outcomes.no_action_matched.save_rate === null
        ? /nothing like-with-like to compare/
        : /saved \(95% interval .+; effective count [\d.]+ from [\d,]+ unacted episodes/,
    );
    await page.close();
  });
});

describe("the built site", () => {
  it("contains no contact e-mail address", () => {
    const files = filesUnder(dist);
    const leaks = files.filter((f) => /\.(html|js|json|csv)$/.test(f) && readFileSync(f, "utf8").includes("@customer.example"));
    expect(leaks).toEqual([]);
  });
});
