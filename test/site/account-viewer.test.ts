/**
 * The account viewer in a real browser: one page (`account?id=...`) shows any account from its id,
 * fetching only the shard file that holds it; an unknown id says so plainly; every account link of
 * the other pages opens it. One build of a small warehouse, served on 127.0.0.1, Debian's chromium.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { openPage } from "../helpers/browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineOutputs } from "../../loaders/engine-outputs.ts";
import { shardCount, shardFile, shardOf } from "../../reports/lib/account-link.ts";
import { buildSite } from "../../src/site/build-site.ts";
import { checkDist } from "../../src/site/check-dist.ts";
import { serveDist } from "../../src/site/serve.ts";
import { HOSTILE_ACCOUNT_ID, HOSTILE_NAME, writeSiteWarehouse } from "../helpers/site-warehouse.ts";
import { tempDir } from "../helpers/warehouse.ts";

const ACCOUNTS = 24;
let browser: Browser;
let server: Server;
let base: string;
let dist: string;

/** Opens `url` in a fresh page that records console errors, failed responses and every request. */
const open = (url: string) => openPage(browser, url);

/** The built shard file that holds `id`, parsed. */
function shardOfBuilt(id: string): Record<string, { account: { name: string }; history: { week_end: string[] } }> {
  return JSON.parse(readFileSync(path.join(dist, shardFile(shardOf(id, shardCount(ACCOUNTS)))), "utf8"));
}

/** The account shard files a page fetched (paths below the site root, query left off). */
const shardRequests = (requests: string[]) =>
  requests.filter((r) => r.includes("/_file/data/accounts/")).map((r) => new URL(r).pathname.slice(1));

beforeAll(async () => {
  const root = tempDir("site-viewer-");
  const data = writeSiteWarehouse(path.join(root, "warehouse"), { accounts: ACCOUNTS, weeks: 26 });
  const outputs = await engineOutputs({ env: { HEALTH_DATA: data }, cacheDir: path.join(root, "cache") });
  dist = path.join(root, "dist");
  await buildSite({ env: { HEALTH_SITE_OUTPUTS: outputs }, dist, log: () => {} });
  ({ server, url: base } = await serveDist(dist));
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe("the build", () => {
  it("renders one account page whatever the number of accounts, and every account in one shard file", () => {
    const html = readdirSync(dist).filter((f) => f.endsWith(".html"));
    expect(html).toContain("account.html");
    expect(existsSync(path.join(dist, "accounts"))).toBe(false);
    const shards = readdirSync(path.join(dist, "_file", "data", "accounts"));
    expect(shards.length).toBe(shardCount(ACCOUNTS));
    const ids = shards.flatMap((f) => Object.keys(JSON.parse(readFileSync(path.join(dist, "_file", "data", "accounts", f), "utf8"))));
    expect(ids.sort()).toEqual(Array.from({ length: ACCOUNTS }, (_, i) => `A${String(i + 1).padStart(4, "0")}`));
    const report = checkDist(dist);
    expect(report.problems).toEqual([]);
    expect(report.accountShards).toBe(shardCount(ACCOUNTS));
    // the viewer's data: its attachments and its largest shard
    expect(report.pageData["account.html"]).toBeGreaterThan(report.accountShardMaxData);
  });
});

describe("the account viewer", () => {
  it("shows the account of the id in the URL, fetching only that account's shard", async () => {
    const { page, errors, requests } = await open(`${base}account?id=A0002`);
    const shard = shardOfBuilt("A0002");
    expect(await page.locator("#account-name").textContent()).toBe(shard.A0002!.account.name);
    // one dot per scored week in the score history
    const history = page.locator("figure.card-figure").first();
    await expect.poll(() => history.locator("svg g[aria-label='dot'] circle").count()).toBe(shard.A0002!.history.week_end.length);
    expect(shardRequests(requests)).toEqual([shardFile(shardOf("A0002", shardCount(ACCOUNTS)))]);
    expect(requests.some((r) => r.includes("/_file/") && r.includes("portfolio"))).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("reads the id from the hash too, and renders a hostile name as text", async () => {
    const { page, errors } = await open(`${base}account#${HOSTILE_ACCOUNT_ID}`);
    expect(await page.locator("#account-name").textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says plainly that an unknown id is no account, and shows nothing else", async () => {
    const { page, errors, requests } = await open(`${base}account?id=${encodeURIComponent("NOPE-42 <b>")}`);
    expect(await page.locator("#no-such-account").textContent()).toBe('No such account: "NOPE-42 <b>" is not in this run\'s outputs.');
    expect(await page.locator("#account-view").isHidden()).toBe(true);
    expect(await page.locator("#account-name").count()).toBe(0);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(shardRequests(requests)).toEqual([shardFile(shardOf("NOPE-42 <b>", shardCount(ACCOUNTS)))]);
    expect(errors).toEqual([]);
    // without an id it asks for one and fetches no shard
    const bare = await open(`${base}account`);
    expect(await bare.page.locator("#no-such-account").textContent()).toMatch(/^No account asked for/);
    expect(shardRequests(bare.requests)).toEqual([]);
    await page.close();
    await bare.page.close();
  });

  it("opens another account from the id box", async () => {
    const { page, errors } = await open(`${base}account?id=A0002`);
    await page.getByLabel("Account id").fill("A0005");
    await Promise.all([page.waitForURL(/account\?id=A0005$/), page.getByRole("button", { name: "Open" }).click()]);
    await page.waitForFunction(() => document.querySelectorAll(".observablehq--loading").length === 0);
    await expect.poll(() => page.locator("#account-name").textContent()).toBe(shardOfBuilt("A0005").A0005!.account.name);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("is what an account link on the alerts page opens, showing that account", async () => {
    const { page, requests } = await open(`${base}alerts`);
    // the older weeks' alerts are fetched only when asked for; a small book's open and last weeks' alerts are all in the page's file
    expect(requests.some((r) => r.includes("/_file/data/alerts-older."))).toBe(false);
    expect(requests.some((r) => r.includes("/_file/data/alerts-rest."))).toBe(false);
    // every alert of the recent weeks (the older ones fetched on demand), so the table has rows whatever is open this week
    await page
      .getByRole("radio", { name: /^Last \d+ weeks/ })
      .last()
      .check();
    await expect.poll(() => requests.filter((r) => r.includes("/_file/data/alerts-older.")).length).toBe(1);
    const link = page.locator("table tbody a").first();
    await expect.poll(() => link.count()).toBe(1);
    const name = (await link.textContent())!;
    const href = (await link.getAttribute("href"))!;
    const id = new URL(href, base).searchParams.get("id")!;
    expect(href).toBe(`./account?id=${encodeURIComponent(id)}`);
    await page.close();
    const viewer = await open(new URL(href, `${base}alerts`).href);
    expect(await viewer.page.locator("#account-name").textContent()).toBe(name);
    expect(shardOfBuilt(id)[id]!.account.name).toBe(name);
    expect(shardRequests(viewer.requests)).toEqual([shardFile(shardOf(id, shardCount(ACCOUNTS)))]);
    expect(viewer.errors).toEqual([]);
    await viewer.page.close();
  });
});
