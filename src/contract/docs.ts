/**
 * Renders the export contract as Markdown for data/README.md, so the user-facing documentation is
 * generated from the same declaration as the checks (a test keeps the file in step).
 */
import { columnsOf, type ColumnSpec } from "./introspect.ts";
import { ONE_OF_REQUIRED, TABLES } from "./tables.ts";

const INTRO = `# Warehouse export contract

The workbench reads a directory of exports, one table per file (or per folder of files), and
refuses data that breaks this contract with an error naming the file, the column and up to five
rows or keys. Run \`npx health check --data DIR\` to validate a directory.

<!-- Generated from src/contract/tables.ts by \`npm run docs:contract\`; do not edit by hand. -->

## Files

- A table is \`<table>.csv\`, \`<table>.csv.gz\`, \`<table>.parquet\`, parts named \`<table>-*.csv\` (or
  \`.csv.gz\`, \`.parquet\`), or a folder \`<table>/\` holding such files. One format per table.
- CSV files have a header row; column names are case-sensitive; empty fields are nulls.
  Row numbers in error messages count data rows from 1, header excluded, within the named file.
- Timestamps are UTC (\`2025-03-04T10:15:00Z\`; a timestamp without offset, or a date, is read as UTC).
  Dates are \`YYYY-MM-DD\`. Booleans are \`true\`/\`false\`.
- \`export.json\` (optional) records when the export was taken and may map a table to its own glob:
  \`{"exported_at": "2026-11-16T00:00:00Z", "tables": {"usage_events": "events/2026-*.parquet"}}\`.
  A date alone (\`"2026-11-16"\`) is midnight UTC. No timestamp may lie after \`exported_at\` (planned
  dates such as renewals excepted), and \`exported_at\` may lie at most 28 days after the newest dated
  row. Without the file, the current time is used, with a warning naming it.
- Files and folders whose names start with \`_\` or \`.\` are never read (the demo keeps its answers in \`_answers/\`).
- Required tables: ${TABLES.filter((t) => t.presence === "required")
  .map((t) => `\`${t.name}\``)
  .join(", ")}, and at least one of
  ${ONE_OF_REQUIRED.map((group) => group.map((n) => `\`${n}\``).join(" or ")).join("; ")}. Every other table is optional: when it is absent, the
  measures that need it report "no data" and the formula's weights are renormalised over the rest.

## What is checked

Errors (exit code 3): required table or column missing; empty or unreadable file; a value of the
wrong type; an empty required value (or required text that is only white space); NaN or
±Infinity in a numeric column; a value out of range or not among the allowed values; a
timestamp after the export; a duplicate key; a foreign key that matches nothing (or a contact
filed under another account); the cross-column rules listed per table.
Warnings (exit code 0): ignored files, columns not in the contract, accounts without any usage,
contacts who never used the product.
`;

/** The whole data/README.md. */
export function renderContractDocs(): string {
  return `${INTRO}\n## Tables\n\n${TABLES.map(renderTable).join("\n")}`;
}

function renderTable(table: (typeof TABLES)[number]): string {
  const rows = columnsOf(table).map(
    (c) =>
      `| \`${c.name}\` | ${typeText(c)} | ${c.required ? "yes" : "no"}${c.optional ? " (column optional)" : ""} | ${escapeCell(c.description)}${constraintText(c)} |`,
  );
  const rules = (table.rules ?? []).map((r) => `- \`${r.column}\`: ${r.expected}.`);
  return `### \`${table.name}\` (${table.presence})

${table.description}

Grain: ${table.grain}. Key: ${table.key.length ? table.key.map((k) => `\`${k}\``).join(" + ") : "none"}. Usually from: ${table.source.replace("_", " ")}.

| column | type | value required | meaning |
| --- | --- | --- | --- |
${rows.join("\n")}
${rules.length ? `\nRules:\n${rules.join("\n")}\n` : ""}`;
}

function typeText(c: ColumnSpec): string {
  return c.type === "double" ? "number" : c.type;
}

function constraintText(c: ColumnSpec): string {
  const parts: string[] = [];
  if (c.values) parts.push(`one of ${c.values.map((v) => `\`${v}\``).join(", ")}`);
  if (c.min !== undefined && c.max !== undefined) parts.push(`${c.min} to ${c.max}`);
  else if (c.min !== undefined) parts.push(`at least ${c.min}`);
  else if (c.max !== undefined) parts.push(`at most ${c.max}`);
  if (c.references) parts.push(`refers to \`${c.references.table}.${c.references.column}\``);
  if (c.mayBeFuture) parts.push("may lie after the export");
  return parts.length ? ` (${parts.join("; ")})` : "";
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}
