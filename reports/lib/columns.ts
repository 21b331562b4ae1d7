/** The compact column shapes the loaders write (loaders/lib/encode.ts) and the pages decode (reports/components/data.ts). Types only. */

/** A dictionary-encoded text column: repeated values (segment, tier, CSM) cost one small number each. */
export interface DictColumn {
  dict: (string | null)[];
  codes: number[];
}
