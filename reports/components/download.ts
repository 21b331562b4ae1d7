/**
 * Cards that wrap a chart or a table with download buttons. A chart card re-renders the chart at
 * slide size (1600x900 by default) for its PNG and SVG downloads, so an exported chart is sharp
 * and laid out for the slide, not a screenshot of the page. A table card downloads its current
 * rows (filters applied) as CSV.
 */
import { toCsv } from "../lib/csv.js";

export const SLIDE = { width: 1600, height: 900 };

export type ChartRender = (size: { width: number; height?: number }) => SVGSVGElement | HTMLElement;

export interface ChartCardOptions {
  title: string;
  subtitle?: string;
  /** File name without extension. */
  filename: string;
  width: number;
  height?: number;
}

/** Narrowest chart drawn: below this, margins would leave Plot negative widths. */
const MIN_CHART_WIDTH = 300;

/**
 * The width a chart gets inside a card, from the page's `width`: the card's padding taken off and,
 * in a `.grid-2` (two columns of at least 420px, else one), half the row less the gap. Drawing at
 * this width keeps the chart's text at its real size instead of scaling the SVG down.
 */
export function cardWidth(pageWidth: number, columns: 1 | 2 = 1): number {
  const cols = columns === 2 && pageWidth >= 2 * 420 + 16 ? 2 : 1;
  return Math.max(MIN_CHART_WIDTH, Math.floor((pageWidth - 16 * (cols - 1)) / cols) - 32);
}

/** A titled card holding `render({width, height})`, with PNG and SVG buttons. */
export function chartCard(render: ChartRender, options: ChartCardOptions): HTMLElement {
  const card = element("figure", "card-figure");
  card.append(element("h3", "", options.title));
  if (options.subtitle) card.append(element("p", "subtitle", options.subtitle));
  card.append(render({ width: Math.max(MIN_CHART_WIDTH, options.width), height: options.height }));
  const buttons = element("div", "downloads");
  const svgButton = button("SVG", () => downloadBlob(new Blob([slideSvg(render, options)], { type: "image/svg+xml" }), `${options.filename}.svg`));
  const pngButton = button("PNG", async () => downloadBlob(await slidePng(render, options), `${options.filename}.png`));
  buttons.append(svgButton, pngButton);
  card.append(buttons);
  return card;
}

/** A card holding a table element, with a CSV button for `rows()` (the rows currently shown). */
export function tableCard(table: HTMLElement, rows: () => Record<string, unknown>[], options: { title?: string; filename: string; columns?: string[] }): HTMLElement {
  const card = element("div", "card-table");
  if (options.title) card.append(element("h3", "", options.title));
  card.append(table);
  const buttons = element("div", "downloads");
  buttons.append(button("CSV", () => downloadBlob(new Blob([toCsv(rows(), options.columns)], { type: "text/csv" }), `${options.filename}.csv`)));
  card.append(buttons);
  return card;
}

/** The chart rendered at slide size, as standalone SVG text on a white background. */
export function slideSvg(render: ChartRender, options: ChartCardOptions): string {
  const node = render({ width: SLIDE.width, height: SLIDE.height });
  const svg = node instanceof SVGSVGElement ? node : node.querySelector("svg");
  if (!svg) throw new Error("chart has no SVG to export");
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(SLIDE.width));
  copy.setAttribute("height", String(SLIDE.height));
  if (!copy.getAttribute("viewBox")) copy.setAttribute("viewBox", `0 0 ${svg.getAttribute("width") ?? SLIDE.width} ${svg.getAttribute("height") ?? SLIDE.height}`);
  copy.style.background = "white";
  copy.style.fontFamily = "system-ui, sans-serif";
  // a title on the slide itself, as text
  const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
  title.textContent = options.title;
  copy.prepend(title);
  return new XMLSerializer().serializeToString(copy);
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
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"));
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

function button(label: string, onClick: () => void | Promise<void>): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.title = label === "CSV" ? "Download the rows shown as CSV" : `Download as ${label}, sized for a slide (${SLIDE.width}×${SLIDE.height})`;
  b.addEventListener("click", () => void onClick());
  return b;
}

function element(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
