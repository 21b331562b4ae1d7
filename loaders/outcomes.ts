/**
 * `data/outcomes.json`: the Outcomes page's data, outcomes.json of the run as the outcomes stage
 * wrote it (save rates with their intervals, time to first action by CSM, before/after), with
 * `available: false` when the run has none (a book without an interventions export).
 */
import type { OutcomesReport } from "../src/outcomes/outcomes.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

export type OutcomesPage = { available: false } | ({ available: true } & OutcomesReport);

/** The page data for the outputs open in `outputs`. */
export async function outcomesPage(outputs: Outputs): Promise<OutcomesPage> {
  if (!outputs.has("outcomes")) return { available: false };
  return { available: true, ...outputs.json<OutcomesReport>("outcomes") };
}

/** Loader core: JSON text for the outputs in `dir`. */
export async function outcomesLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, outcomesPage));
}
