/**
 * Cards that wrap a chart or a table with download buttons. A chart card's PNG and SVG downloads
 * are a slide (1600x900): the chart's own plot (never a legend swatch), re-rendered for the slide
 * and scaled so its text reads at 20 px, under the card's title and subtitle, with the chart's
 * colour legend, and a footer naming the week, the export date, the formula and the account where
 * there is one. A table card downloads its list (filters applied) as CSV.
 */
import * as Plot from "@observablehq/plot";
import { toCsv } from "../lib/csv.js";

export const SLIDE = { width: 1600, height: 900 };

/** Where a slide's figures come from: shown in its footer. */
export interface SlideContext {
  /** The week the figures are as of (its last day). */
  asOf: string | null;
  exportedAt: string | null;
  /** The formula's name and content hash. */
  formula: string;
}

export type ChartRender = (size: { width: number; height?: number }) => SVGSVGElement | HTMLElement;

export interface ChartCardOptions {
  title: string;
  subtitle?: string;
  /** The slide's title, when it differs from the card's (a slide that shows fewer rows says so). */
  slideTitle?: string;
  /** File name without extension. */
  filename: string;
  width: number;
  height?: number;
  /** Week, export date and formula, for the slide's footer. */
  context?: SlideContext;
  /** The account the chart is about, named on the slide. */
  account?: string;
}

/** Narrowest chart drawn: a 390 px phone leaves about this much inside a card. */
export const MIN_CHART_WIDTH = 260;

/** Plot's text is 10 px: the chart is drawn at a size this many times smaller than its place on the slide. */
const SLIDE_SCALE = 2;
const SLIDE_MARGIN = 60;
const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * The width a chart gets inside a card, from the page's `width`: the card's padding taken off and,
 * in a `.grid-2` (two columns of at least 420px, else one), half the row less the gap. Drawing at
 * this width keeps the chart's text at its real size instead of scaling the SVG down.
 */
export function cardWidth(pageWidth: number, columns: 1 | 2 = 1): number {
  const cols = columns === 2 && pageWidth >= 2 * 420 + 16 ? 2 : 1;
  return Math.max(MIN_CHART_WIDTH, Math.floor((pageWidth - 16 * (cols - 1)) / cols) - 32);
}

/**
 * A left margin for labels that fits a narrow chart: `wanted`, but never more than `share` of the
 * width, so the plot keeps a positive width on a phone.
 */
export function fitMargin(width: number, wanted: number, share = 0.4): number {
  return Math.max(20, Math.min(wanted, Math.floor(width * share)));
}

/** A titled card holding `render({width, height})`, with PNG and SVG buttons. */
export function chartCard(render: ChartRender, options: ChartCardOptions): HTMLElement {
  const card = element("figure", "card-figure");
  card.append(element("h3", "", options.title));
  if (options.subtitle) card.append(element("p", "subtitle", options.subtitle));
  const chart = render({ width: Math.max(MIN_CHART_WIDTH, options.width), height: options.height });
  const main = mainSvg(chart);
  if (main) {
    // an accessible name for the chart: its title and subtitle
    main.setAttribute("role", "img");
    main.setAttribute("aria-label", [options.title, options.subtitle].filter(Boolean).join(". "));
    // Plot names each mark group with aria-label, which ARIA allows only on an element with a role
    for (const g of main.querySelectorAll("g[aria-label]")) g.setAttribute("role", "group");
  }
  card.append(chart);
  const buttons = element("div", "downloads");
  const svgButton = button("SVG", options.title, () =>
    downloadBlob(new Blob([slideSvg(render, options)], { type: "image/svg+xml" }), `${options.filename}.svg`),
  );
  const pngButton = button("PNG", options.title, async () => downloadBlob(await slidePng(render, options), `${options.filename}.png`));
  buttons.append(svgButton, pngButton);
  card.append(buttons);
  return card;
}

/**
 * A card holding a table element, with a CSV button for `rows()`: the rows of the list shown, all
 * of them, so a page that shows the first rows of a longer list fetches the rest there.
 */
export function tableCard(
  table: HTMLElement,
  /** The CSV's rows; a promise when they are still to be fetched (the rest of a long list). */
  rows: () => Record<string, unknown>[] | Promise<Record<string, unknown>[]>,
  options: { title?: string; filename: string; columns?: string[] },
): HTMLElement {
  const card = element("div", "card-table");
  if (options.title) card.append(element("h3", "", options.title));
  // the table scrolls: keyboard users reach it, and it has a name
  table.tabIndex = 0;
  table.setAttribute("role", "region");
  table.setAttribute("aria-label", options.title ?? options.filename.replaceAll("-", " "));
  card.append(table);
  const buttons = element("div", "downloads");
  buttons.append(
    button("CSV", options.title, async () =>
      downloadBlob(new Blob([toCsv(await rows(), options.columns)], { type: "text/csv" }), `${options.filename}.csv`),
    ),
  );
  card.append(buttons);
  return card;
}

/**
 * The chart's plot: the largest SVG in what Plot returned (a figure holds legend swatches of
 * 15x15 and a colour ramp besides the plot).
 */
export function mainSvg(node: Element): SVGSVGElement | null {
  const svgs = [...(node instanceof SVGSVGElement ? [node] : []), ...node.querySelectorAll("svg")] as SVGSVGElement[];
  let best: SVGSVGElement | null = null;
  let bestArea = -1;
  for (const svg of svgs) {
    const area = Number(svg.getAttribute("width") ?? 0) * Number(svg.getAttribute("height") ?? 0);
    if (area > bestArea) [best, bestArea] = [svg, area];
  }
  return best;
}

/** Words of `text` in lines of at most `chars` characters. */
function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function svgElement(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

type ColorScale = { type?: string; domain?: unknown[]; range?: unknown[] } & Record<string, unknown>;

/** The colour scale of a chart Plot drew with a legend, else null. */
function legendScale(chart: Element, main: SVGSVGElement): ColorScale | null {
  const hasLegend = [...chart.querySelectorAll("svg")].some((svg) => svg !== main) || chart.querySelector("[class*='swatch']") !== null;
  if (!hasLegend) return null;
  const owner = (chart as unknown as { scale?: (name: string) => ColorScale | undefined }).scale ? chart : main;
  const scale = (owner as unknown as { scale?: (name: string) => ColorScale | undefined }).scale?.("color");
  return scale ?? null;
}

/**
 * The legend for the slide, `width` wide from (x, y): swatches with their labels for a
 * categorical scale, Plot's colour ramp for a continuous one. Returns it and its height.
 */
function slideLegend(scale: ColorScale, x: number, y: number, width: number): { node: SVGElement; height: number } {
  const g = svgElement("g", { transform: `translate(${x},${y})`, "font-size": 22 }) as SVGGElement;
  const categorical = scale.type === "ordinal" || scale.type === "categorical";
  if (categorical && scale.domain && scale.range) {
    const size = 22;
    let cx = 0;
    let cy = 0;
    scale.domain.forEach((value, i) => {
      const label = String(value);
      const itemWidth = size + 10 + label.length * 12 + 36;
      if (cx > 0 && cx + itemWidth > width) [cx, cy] = [0, cy + size + 14];
      g.append(svgElement("rect", { x: cx, y: cy, width: size, height: size, rx: 3, fill: String(scale.range![i % scale.range!.length]) }));
      g.append(svgElement("text", { x: cx + size + 10, y: cy + size - 4, fill: "#333" }, label));
      cx += itemWidth;
    });
    return { node: g, height: cy + size };
  }
  // a continuous scale: Plot's ramp at twice its size
  const ramp = Plot.legend({ color: { ...scale, legend: "ramp" } as never, width: 320 }) as unknown as Element;
  const svg = mainSvg(ramp);
  if (!svg) return { node: g, height: 0 };
  const w = Number(svg.getAttribute("width") ?? 320);
  const h = Number(svg.getAttribute("height") ?? 50);
  const nested = svg.cloneNode(true) as SVGSVGElement;
  nested.setAttribute("width", String(w * SLIDE_SCALE));
  nested.setAttribute("height", String(h * SLIDE_SCALE));
  nested.setAttribute("viewBox", `0 0 ${w} ${h}`);
  g.append(nested);
  return { node: g, height: h * SLIDE_SCALE };
}

/**
 * The chart as a 1600x900 slide, standalone SVG text on a white background: title, subtitle,
 * legend, the chart's plot drawn at half size and scaled up (so its 10 px text reads at 20 px),
 * and a footer with the week, the export date, the formula and the account.
 */
export function slideSvg(render: ChartRender, options: ChartCardOptions): string {
  const { width: W, height: H } = SLIDE;
  const inner = W - 2 * SLIDE_MARGIN;
  const slide = svgElement("svg", {
    xmlns: SVG_NS,
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    "font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
  }) as SVGSVGElement;
  slide.setAttribute("role", "img");
  slide.setAttribute("aria-label", options.slideTitle ?? options.title);
  const title = options.slideTitle ?? options.title;
  slide.append(svgElement("title", {}, options.account ? `${title} · ${options.account}` : title));
  slide.append(svgElement("rect", { width: W, height: H, fill: "white" }));
  let y = SLIDE_MARGIN + 28;
  slide.append(svgElement("text", { x: SLIDE_MARGIN, y, "font-size": 44, "font-weight": 700, fill: "#111", class: "slide-title" }, title));
  y += 14;
  if (options.account && !title.includes(options.account)) {
    y += 34;
    slide.append(
      svgElement(
        "text",
        { x: SLIDE_MARGIN, y, "font-size": 30, "font-weight": 600, fill: "#333", class: "slide-account" },
        options.account,
      ),
    );
  }
  for (const line of options.subtitle ? wrap(options.subtitle, 110).slice(0, 3) : []) {
    y += 34;
    slide.append(svgElement("text", { x: SLIDE_MARGIN, y, "font-size": 24, fill: "#555", class: "slide-subtitle" }, line));
  }
  const footerY = H - 30;
  const footer = [
    options.context?.asOf ? `Week ending ${options.context.asOf}` : null,
    options.context?.exportedAt ? `data exported ${options.context.exportedAt.slice(0, 10)}` : null,
    options.context ? `formula ${options.context.formula}` : null,
    options.account ? options.account : null,
  ]
    .filter(Boolean)
    .join(" · ");
  if (footer)
    slide.append(svgElement("text", { x: SLIDE_MARGIN, y: footerY, "font-size": 20, fill: "#666", class: "slide-footer" }, footer));

  // the chart, drawn small enough that scaling it up makes its text readable
  const legendWidth = inner;
  const probe = render({ width: inner / SLIDE_SCALE, height: 300 });
  const probeMain = mainSvg(probe);
  const scale = probeMain ? legendScale(probe, probeMain) : null;
  y += 24;
  if (scale) {
    const legend = slideLegend(scale, SLIDE_MARGIN, y, legendWidth);
    slide.append(legend.node);
    y += legend.height + 20;
  }
  const bottom = footerY - 40;
  const available = Math.max(100, bottom - y);
  const node = render({ width: inner / SLIDE_SCALE, height: Math.floor(available / SLIDE_SCALE) });
  const svg = mainSvg(node);
  if (!svg) throw new Error("chart has no SVG to export");
  const w = Number(svg.getAttribute("width") ?? inner / SLIDE_SCALE);
  const h = Number(svg.getAttribute("height") ?? available / SLIDE_SCALE);
  const fit = Math.min(inner / w, available / h);
  const plot = svg.cloneNode(true) as SVGSVGElement;
  plot.setAttribute("class", `${plot.getAttribute("class") ?? ""} slide-plot`.trim());
  plot.setAttribute("x", String(SLIDE_MARGIN + (inner - w * fit) / 2));
  plot.setAttribute("y", String(y));
  plot.setAttribute("width", String(w * fit));
  plot.setAttribute("height", String(h * fit));
  if (!plot.getAttribute("viewBox")) plot.setAttribute("viewBox", `0 0 ${w} ${h}`);
  plot.removeAttribute("role");
  plot.removeAttribute("aria-label");
  // Plot's stylesheet sets the text colour and size: kept, as it travels inside the plot's <style>
  // and Plot's `height: auto; max-width: 100%` would resize it: its place on the slide is fixed
  plot.setAttribute("style", `overflow: visible; width: ${w * fit}px; height: ${h * fit}px; max-width: none`);
  slide.append(plot);
  return new XMLSerializer().serializeToString(slide);
}

/** The slide-size SVG drawn on a canvas, as a PNG blob. */
export async function slidePng(render: ChartRender, options: ChartCardOptions): Promise<Blob> {
  const text = slideSvg(render, options);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const image = new Image(SLIDE.width, SLIDE.height);
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error("could not draw the chart"));
      image.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = SLIDE.width;
    canvas.height = SLIDE.height;
    const context = canvas.getContext("2d")!;
    context.fillStyle = "white";
    context.fillRect(0, 0, SLIDE.width, SLIDE.height);
    context.drawImage(image, 0, 0, SLIDE.width, SLIDE.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function button(label: string, what: string | undefined, onClick: () => void | Promise<void>): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.title =
    label === "CSV"
      ? `Download the list shown${what ? ` (${what})` : ""}, every row of it, as CSV`
      : `Download “${what}” as ${label}, a ${SLIDE.width}×${SLIDE.height} slide`;
  b.addEventListener("click", () => void onClick());
  return b;
}

function element(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
