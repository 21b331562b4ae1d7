/**
 * Writes the generated reference files: data/README.md from the export contract and
 * src/formula/formula.schema.json from the formula schema (`npm run docs`).
 */
import { writeFileSync } from "node:fs";
import { generatedFiles } from "./generated-files.ts";

for (const [file, text] of Object.entries(generatedFiles())) {
  writeFileSync(file, text);
  process.stderr.write(`wrote ${file}\n`);
}
