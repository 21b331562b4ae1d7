/** Writes data/README.md from the contract: `npm run docs:contract`. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderContractDocs } from "../contract/docs.ts";
import { PROJECT_ROOT } from "../cli/paths.ts";

const target = path.join(PROJECT_ROOT, "data", "README.md");
writeFileSync(target, renderContractDocs());
process.stderr.write(`wrote ${target}\n`);
