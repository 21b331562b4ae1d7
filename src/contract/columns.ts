/**
 * Building blocks for the export contract. Each column is a zod schema carrying its meaning in
 * `.describe()` and any foreign key in `.meta({ references })`; `introspect.ts` reads the SQL type
 * and checks back out of the same schema, so a column is declared exactly once.
 */
import { z } from "zod";

/** A non-empty identifier (account, contact, ticket...). */
export const id = (description: string) => z.string().min(1).describe(description);

/** An identifier that must match `table.column` of another export. */
export const ref = (target: `${string}.${string}`, description: string) =>
  z.string().min(1).describe(description).meta({ references: target });

export const text = (description: string) => z.string().describe(description);

/** A UTC instant. CSV may use `2024-05-01T10:00:00Z`, `2024-05-01 10:00:00` or a date. */
export const timestamp = (description: string) => z.iso.datetime().describe(description);

/** A calendar day (`2024-05-01`). */
export const date = (description: string) => z.iso.date().describe(description);

export const bool = (description: string) => z.boolean().describe(description);

export const int = (description: string, range: { min?: number; max?: number } = {}) => {
  let schema = z.int();
  if (range.min !== undefined) schema = schema.min(range.min);
  if (range.max !== undefined) schema = schema.max(range.max);
  return schema.describe(description);
};

export const num = (description: string, range: { min?: number; max?: number } = {}) => {
  let schema = z.number();
  if (range.min !== undefined) schema = schema.min(range.min);
  if (range.max !== undefined) schema = schema.max(range.max);
  return schema.describe(description);
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z.enum(values).describe(description);
