/** `health formula`: validate and show the formula in use, or list the measure catalogue. */
import { loadFormula, scorePoints } from "../../formula/load.ts";
import { MEASURES } from "../../health/measures.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../../core/records.ts";

export const formulaCommand: Command = {
  name: "formula",
  summary: "validate the formula and show its categories, measures and weights (or --measures)",
  usage: "health formula [--formula FILE] [--measures] [--format text|csv|json]",
  help: `Exit code 3 with the path and line of each problem when the formula is invalid.
--measures   list every measure the formula can use, with its meaning and the tables it needs.`,
  options: { measures: { type: "boolean" } },
  async run({ locations, format, print, options, log }) {
    if (options.measures) {
      const rows = MEASURES.map((m) => ({
        measure: m.id,
        family: m.family,
        unit: m.unit,
        better: m.higherIsBetter ? "higher" : "lower",
        needs: m.requires.join(m.requiresAny ? " or " : " and ") || "accounts, contacts",
        description: m.description,
      }));
      print(formatRecords(rows, format));
      return 0;
    }
    const loaded = loadFormula(locations.formula);
    log.info(`formula "${loaded.formula.name}" is valid; hash ${loaded.hash}`);
    if (format === "json") {
      print(`${JSON.stringify({ hash: loaded.hash, ...loaded.formula }, null, 2)}\n`);
      return 0;
    }
    const rows = loaded.formula.categories.flatMap((c) =>
      c.measures.map((m) => ({
        category: c.id,
        category_weight: c.weight,
        measure: m.measure,
        measure_weight: m.weight,
        // the share of the whole score the measure carries when every measure has data
        overall_weight: (c.weight * m.weight) / 100,
        score: scorePoints(m.score)
          .map(([x, y]) => `${x}->${y}`)
          .join(" "),
      })),
    );
    if (format === "text")
      print(
        `${loaded.formula.name} (hash ${loaded.hash})\ntiers: ${loaded.formula.tiers.map((t) => `${t.id} >= ${t.min}`).join(", ")}\n\n`,
      );
    print(formatRecords(rows, format));
    return 0;
  },
};
