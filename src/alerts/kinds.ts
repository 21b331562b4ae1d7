/** The kinds of alert the workbench raises, in the order a to-do list groups them. */
export const ALERT_KINDS = ["score_drop", "tier_down", "key_person", "divergence", "p0_opened", "renewal_risk", "external_risk"] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

/** What each kind means, for help texts and the formula's JSON Schema. */
export const ALERT_KIND_DESCRIPTIONS: Record<AlertKind, string> = {
  score_drop: "the score fell by alerts.score_drop.points or more within alerts.score_drop.weeks",
  tier_down: "the account is in a worse tier than at some point of the last alerts.tier_down.weeks",
  key_person: "the current champion or executive sponsor is inactive too long, or the last one left",
  divergence: "a promoter (latest NPS >= min_nps) whose usage trend fell by usage_drop or more",
  p0_opened: "a P0 ticket was opened that week",
  renewal_risk: "the next renewal is within renewal_window_days while in one of renewal_tiers",
  external_risk: "an external risk event (M&A, bankruptcy, regulation, layoffs) became known that week",
};
