/** Opening a page of a built site in Chromium for the site tests, recording what went wrong on it. */
import type { Browser, Page } from "playwright-core";

/**
 * Opens `url` in a context of its own (axe needs one; it closes with the page) and waits until
 * Framework has rendered every cell. `errors` collects console errors, page errors, dialogs and
 * failed responses; `requests` every URL the page asked for. `before` runs before the page is
 * opened (to route some of its requests).
 */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1400, height: 1000 },
  before: (page: Page) => Promise<unknown> = async () => {},
) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  // closing after the browser went (afterAll) rejects: nothing is left to close then
  page.on("close", () => context.close().catch(() => {}));
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => {
    errors.push(`dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("request", (r) => requests.push(r.url()));
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  await before(page);
  await page.goto(url, { waitUntil: "networkidle" });
  // Framework renders cells asynchronously after load
  await page.waitForFunction(() => document.querySelectorAll(".observablehq--loading").length === 0);
  return { page, errors, requests };
}
