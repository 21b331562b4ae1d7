/**
 * Writes the generated reference files: data/README.md from the export contract and
 * src/formula/formula.schema.json from the formula schema, src/notify/notify.schema.json, and
 * data/MODELS.md, the model catalogue, from the headers of src/sql and a build of the graph (`npm run docs`).
 */
import { writeFileSync } from "node:fs";
import { generatedFiles } from "./generated-files.ts";

for (const [file, text] of Object.entries(await generatedFiles())) {
  writeFileSync(file, text);
  process.stderr.write(`wrote ${file}\n`);
}
