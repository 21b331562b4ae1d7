/** Number and date formats used across pages, so a figure reads the same everywhere. */

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** $1,234,567 */
export const formatMoney = (v: number | null | undefined) => (v === null || v === undefined ? "–" : money.format(v));
/** $1.2M */
export const formatMoneyShort = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `$${compact.format(v)}`);
/** 12,345 */
export const formatInt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en-US"));
/** 72 (scores are shown whole) */
export const formatScore = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(0));
/** +4.2 / −3.1 */
export const formatChange = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v).toFixed(1)}`);
/** 83% */
export const formatShare = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(digits)}%`);
