/** Walking a folder, one way for the site check, the loaders' fingerprint and the tests. */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Every file under `dir`, as paths relative to it joined with "/", in a stable order (names in
 * code-unit order, depth first). Symbolic links are followed (a file reached through a link is a
 * file like any other); a dangling link is listed too, so that its appearing or being fixed shows.
 */
export function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statOrUndefined(path.join(dir, name))?.isDirectory()) out.push(...listFiles(path.join(dir, name), rel));
    else out.push(rel);
  }
  return out;
}

/** `statSync`, or undefined for a path that does not resolve (a dangling link). */
export function statOrUndefined(file: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
