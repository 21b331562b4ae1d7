/** Files generated from code, with their expected content (a test keeps the committed ones in step). */
import path from "node:path";
import { PROJECT_ROOT } from "../core/paths.ts";
import { renderContractDocs } from "../contract/docs.ts";
import { formulaJsonSchema } from "../formula/json-schema.ts";
import { notifyJsonSchema } from "../notify/config.ts";
import { MODELS_DOCS_FILE, modelCatalogue } from "../sql/catalogue.ts";

export const CONTRACT_DOCS_FILE = path.join(PROJECT_ROOT, "data", "README.md");
export const FORMULA_SCHEMA_FILE = path.join(PROJECT_ROOT, "src", "formula", "formula.schema.json");
export const NOTIFY_SCHEMA_FILE = path.join(PROJECT_ROOT, "src", "notify", "notify.schema.json");

/** Each generated file's expected text; the model catalogue builds the whole graph on a small generated warehouse (some 20 s). */
export async function generatedFiles(): Promise<Record<string, string>> {
  return {
    [MODELS_DOCS_FILE]: await modelCatalogue(),
    [CONTRACT_DOCS_FILE]: renderContractDocs(),
    [FORMULA_SCHEMA_FILE]: `${JSON.stringify(formulaJsonSchema(), null, 2)}\n`,
    [NOTIFY_SCHEMA_FILE]: `${JSON.stringify(notifyJsonSchema(), null, 2)}\n`,
  };
}
