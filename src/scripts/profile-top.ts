/**
 * `npm run profile:top -- FILE.json [N]`
 *
 * Prints the N (default 15) slowest operators of a DuckDB JSON profile (one model's, written with
 * HEALTH_PROFILE_MODELS=DIR, see src/sql/graph.ts): operator time, rows out, the operator and what
 * it works on, and the query's total, so a plan's waste is read from the file, not guessed.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  operator_name?: string;
  operator_type?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

const [file, count = "15"] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: npm run profile:top -- FILE.json [N]\n");
  process.exit(2);
}
const root = JSON.parse(readFileSync(file, "utf8")) as ProfileNode & { latency?: number };
const operators: { seconds: number; rows: number; name: string; detail: string; depth: number }[] = [];
function walk(node: ProfileNode, depth: number): void {
  if (node.operator_name || node.operator_type) {
    const info = node.extra_info ?? {};
    // the parts of extra_info that say which join, which keys or which table
    const detail = ["Join Type", "Conditions", "Table", "Groups", "Aggregates", "Projections"]
      .filter((key) => info[key] !== undefined)
      .map((key) => `${key}: ${String(info[key]).replace(/\s+/g, " ").slice(0, 90)}`)
      .join(" | ");
    operators.push({
      seconds: node.operator_timing ?? 0,
      rows: node.operator_cardinality ?? 0,
      name: (node.operator_name ?? node.operator_type ?? "").trim(),
      detail,
      depth,
    });
  }
  for (const child of node.children ?? []) walk(child, depth + 1);
}
walk(root, 0);
const total = operators.reduce((sum, o) => sum + o.seconds, 0);
process.stdout.write(`${file}: latency ${root.latency?.toFixed(2) ?? "?"} s, operator time ${total.toFixed(2)} s\n`);
for (const o of operators.sort((a, b) => b.seconds - a.seconds).slice(0, Number(count))) {
  process.stdout.write(`${o.seconds.toFixed(2).padStart(8)} s ${String(o.rows).padStart(11)} rows  d${o.depth} ${o.name}  ${o.detail}\n`);
}
