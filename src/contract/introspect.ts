/**
 * Reads the contract's zod schemas back as column specs (SQL type, nullability, range, allowed
 * values, foreign key) through zod's JSON Schema export, so checks and casts never restate the contract.
 */
import { z } from "zod";
import type { TableContract } from "./tables.ts";

export type ColumnType = "text" | "integer" | "double" | "boolean" | "date" | "timestamp";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  description: string;
  /** A value must be present in every row. */
  required: boolean;
  /** The column may be missing from the file altogether. */
  optional: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  references?: { table: string; column: string };
  /** A planned date (renewal, target go-live) that may lie after the export date. */
  mayBeFuture: boolean;
}

/** DuckDB type each contract type is cast to in staging. */
export const SQL_TYPES: Record<ColumnType, string> = {
  text: "varchar",
  integer: "integer",
  double: "double",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
};

interface JsonSchemaNode {
  type?: string;
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  references?: string;
  mayBeFuture?: boolean;
  anyOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
}

const cache = new WeakMap<TableContract, ColumnSpec[]>();

/** The columns of a contract table, in declaration order. */
export function columnsOf(table: TableContract): ColumnSpec[] {
  let specs = cache.get(table);
  if (!specs) {
    specs = introspect(table);
    cache.set(table, specs);
  }
  return specs;
}

function introspect(table: TableContract): ColumnSpec[] {
  const schema = z.toJSONSchema(table.columns, { io: "input" }) as JsonSchemaNode;
  const present = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, node]) => {
    const branches = node.anyOf ?? [node];
    const value = branches.find((b) => b.type !== "null");
    if (!value) throw new Error(`contract ${table.name}.${name}: no value type`);
    const nullable = branches.some((b) => b.type === "null");
    const references = node.references ?? value.references;
    const spec: ColumnSpec = {
      name,
      type: columnType(value, `${table.name}.${name}`),
      description: node.description ?? value.description ?? "",
      required: !nullable,
      optional: !present.has(name),
      mayBeFuture: Boolean(node.mayBeFuture ?? value.mayBeFuture),
    };
    // zod's int() reports the safe-integer bounds as its range; only keep bounds the contract set.
    if (value.minimum !== undefined && Math.abs(value.minimum) < Number.MAX_SAFE_INTEGER) spec.min = value.minimum;
    if (value.maximum !== undefined && Math.abs(value.maximum) < Number.MAX_SAFE_INTEGER) spec.max = value.maximum;
    if (value.enum) spec.values = value.enum;
    if (references) {
      const [refTable, refColumn] = references.split(".");
      if (!refTable || !refColumn) throw new Error(`contract ${table.name}.${name}: bad reference "${references}"`);
      spec.references = { table: refTable, column: refColumn };
    }
    return spec;
  });
}

function columnType(node: JsonSchemaNode, where: string): ColumnType {
  switch (node.type) {
    case "string":
      if (node.format === "date-time") return "timestamp";
      if (node.format === "date") return "date";
      return "text";
    case "integer":
      return "integer";
    case "number":
      return "double";
    case "boolean":
      return "boolean";
    default:
      throw new Error(`contract ${where}: unsupported JSON type ${String(node.type)}`);
  }
}
