/**
 * The suggested formula of `health tune`: the current formula file with only its category weights
 * rewritten in place (comments, order and layout kept), and a readable diff against it.
 */
import { isScalar, parseDocument } from "yaml";
import { parseFormula } from "../formula/load.ts";

export type WeightChange = { id: string; label: string; current: number; suggested: number };

/**
 * The formula text with each category's weight replaced by `weights[id]`, preceded by `header`
 * comment lines (YAML only; JSON has no comments). Throws if a category has no weight to rewrite,
 * and validates the result with the formula loader, so what it returns always loads.
 */
export function suggestedFormulaText(text: string, file: string, weights: Record<string, number>, header: readonly string[] = []): string {
  const doc = parseDocument(text);
  const categories = doc.get("categories", true) as { items?: unknown[] } | undefined;
  const edits: { start: number; end: number; value: string }[] = [];
  (categories?.items ?? []).forEach((_, index) => {
    const id = doc.getIn(["categories", index, "id"]);
    const node = doc.getIn(["categories", index, "weight"], true);
    if (typeof id !== "string" || !(id in weights)) return;
    if (!isScalar(node) || !node.range) throw new Error(`formula ${file}: categories[${index}] (${id}) has no weight to rewrite`);
    edits.push({ start: node.range[0], end: node.range[1], value: formatWeight(weights[id]!) });
  });
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.value + out.slice(edit.end);
  if (header.length > 0 && !file.endsWith(".json")) out = header.map((line) => `# ${line}`.trimEnd()).join("\n") + "\n" + out;
  parseFormula(out, file);
  return out;
}

/** A weight as the file should show it: whole numbers plainly, others to at most 4 decimals. */
export function formatWeight(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : String(Math.round(weight * 1e4) / 1e4);
}

/**
 * A unified diff (zero context lines, each hunk titled with the category it is in) between two
 * versions of a formula file that differ by added leading comment lines and changed lines in
 * place, which is how `suggestedFormulaText` changes it.
 */
export function formulaDiff(current: string, suggested: string, currentName: string, suggestedName: string): string {
  const a = current.split("\n");
  const b = suggested.split("\n");
  const added = b.length - a.length;
  const out = [`--- ${currentName}`, `+++ ${suggestedName}`];
  if (added > 0) {
    out.push(`@@ -0,0 +1,${added} @@`);
    for (let i = 0; i < added; i++) out.push(`+${b[i]}`);
  }
  let category = "";
  for (let i = 0; i < a.length; i++) {
    const line = a[i]!;
    const id = /^\s*(?:-\s*)?"?id"?\s*:\s*"?([\w-]+)"?/.exec(line);
    if (id) category = id[1]!;
    const other = b[i + Math.max(0, added)];
    if (other === line) continue;
    out.push(`@@ -${i + 1} +${i + 1 + Math.max(0, added)} @@ ${category}`.trimEnd(), `-${line}`, `+${other ?? ""}`);
  }
  return `${out.join("\n")}\n`;
}
