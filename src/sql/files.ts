/** Reads the project's .sql model files, which live beside this module. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SQL_DIR = fileURLToPath(new URL(".", import.meta.url));
const cache = new Map<string, string>();

/** The text of `src/sql/<relativePath>`. */
export function sqlFile(relativePath: string): string {
  let text = cache.get(relativePath);
  if (text === undefined) {
    text = readFileSync(SQL_DIR + relativePath, "utf8");
    cache.set(relativePath, text);
  }
  return text;
}

/**
 * Fills `{{ name }}` placeholders with SQL fragments built by the engine (a source relation, a
 * list of columns). Values never go through here: they are bound as `$parameters`.
 */
export function render(template: string, fragments: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const fragment = fragments[name];
    if (fragment === undefined) throw new Error(`SQL template needs a fragment named "${name}"`);
    return fragment;
  });
}

/**
 * The subset of `params` that `sql` refers to as `$name`: a model file is run with the whole set
 * of a stage's parameters, and DuckDB refuses parameters a statement does not use.
 */
export function paramsFor<T extends Record<string, unknown>>(sql: string, params: T): Partial<T> {
  const used = new Set([...sql.matchAll(/\$(\w+)/g)].map((m) => m[1]!));
  return Object.fromEntries(Object.entries(params).filter(([name]) => used.has(name))) as Partial<T>;
}
