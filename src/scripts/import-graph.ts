/**
 * The project's import graph, read from the source text with the TypeScript compiler's pre-parser
 * (every `import`, `import type`, `export ... from` and dynamic `import()`),
 * and the layering rules it must keep:
 *
 * - no import cycle, type-only imports included (a cycle in types is a cycle in meaning);
 * - nothing in `src/` outside `src/cli/` (and the scripts, which drive the CLI) imports `src/cli/`:
 *   the CLI is built on the core, never the other way round;
 * - loaders and `src/` import from `reports/lib/` only, never a browser component
 *   (`reports/components/`), and `reports/lib/` imports nothing but itself (DOM-free, no packages),
 *   so Node and the browser run one copy of each rule.
 *
 * `npx tsx src/scripts/import-graph.ts` prints the violations; test/architecture/imports.test.ts
 * fails on any.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { listFiles } from "../core/files.ts";
import { PROJECT_ROOT } from "../core/paths.ts";

/** Folders whose TypeScript and JavaScript make up the graph. */
export const GRAPH_ROOTS = ["src", "loaders", "reports"] as const;

/** One module's imports: relative ones as project-relative paths ("src/run.ts"), packages as "pkg:name". */
export type ImportGraph = Map<string, string[]>;

/** Reads every .ts/.js module under `roots` of `projectRoot` and resolves its relative imports. */
export function readImportGraph(projectRoot = PROJECT_ROOT, roots: readonly string[] = GRAPH_ROOTS): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const root of roots) {
    const dir = path.join(projectRoot, root);
    if (!existsSync(dir)) continue;
    for (const rel of listFiles(dir)) {
      const file = `${root}/${rel}`;
      if (!/\.(ts|js)$/.test(file) || file.includes("/.observablehq/") || file.includes("node_modules/")) continue;
      const text = readFileSync(path.join(projectRoot, file), "utf8");
      const imports = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
      graph.set(
        file,
        imports.map((s) => (s.startsWith(".") ? resolveSpecifier(projectRoot, file, s) : `pkg:${s}`)),
      );
    }
  }
  return graph;
}

/** The project-relative file a relative specifier names; a page's "./x.js" is the "x.ts" beside it. */
function resolveSpecifier(projectRoot: string, from: string, specifier: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  if (target.endsWith(".js") && !existsSync(path.join(projectRoot, target))) {
    const ts_ = `${target.slice(0, -3)}.ts`;
    if (existsSync(path.join(projectRoot, ts_))) return ts_;
  }
  return target;
}

/** Every import cycle, each as the modules on it (strongly connected components of two or more, or a self-import). */
export function importCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm; recursion is fine at this size
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return cycles;
}

/** Imports that break the layering rules above, as "from -> to: why". */
export function layeringViolations(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const why = layeringRule(from, to);
      if (why) found.push(`${from} -> ${to}: ${why}`);
    }
  }
  return found.sort();
}

function layeringRule(from: string, to: string): string | null {
  const cliOrScript = from.startsWith("src/cli/") || from.startsWith("src/scripts/");
  if (to.startsWith("src/cli/") && from.startsWith("src/") && !cliOrScript)
    return "a core module imports the CLI (move the shared part to src/core/)";
  if (to.startsWith("src/cli/") && from.startsWith("loaders/")) return "a loader imports the CLI (import src/core/)";
  if (to.startsWith("reports/components/") && (from.startsWith("loaders/") || from.startsWith("src/"))) {
    return "Node code imports a browser component (put the pure part in reports/lib/)";
  }
  if (from.startsWith("reports/lib/") && !to.startsWith("reports/lib/"))
    return "reports/lib/ must import only reports/lib/ (DOM-free, runs in Node and the browser)";
  return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(PROJECT_ROOT, "src", "scripts", "import-graph.ts")) {
  const graph = readImportGraph();
  const problems = [...importCycles(graph).map((c) => `import cycle: ${c.join(" <-> ")}`), ...layeringViolations(graph)];
  for (const p of problems) process.stdout.write(`${p}\n`);
  process.stdout.write(`${graph.size} modules, ${problems.length} problem(s)\n`);
  process.exitCode = problems.length ? 1 : 0;
}
