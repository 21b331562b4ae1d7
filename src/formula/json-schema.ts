/** The formula's JSON Schema, generated from the zod schema so editors can autocomplete formula files. */
import { z } from "zod";
import { formulaSchema } from "./schema.ts";

export function formulaJsonSchema(): Record<string, unknown> {
  return { title: "Customer health formula", ...z.toJSONSchema(formulaSchema, { io: "input", target: "draft-2020-12" }) };
}
