/**
 * The generator's profiles: books that break the demo's assumptions, so that a formula (or a
 * calibration) tuned to the demo is tested on behaviour it was not written for. This list is the one
 * place profiles are declared: the CLI validates `--profile` against it, `health generate --help`
 * and the README list it, and the profile book generator (`profile-book.ts`) reads its knobs.
 *
 * Each profile's churn comes from its own behaviour (see `driver`) with noise and an unobserved
 * propensity per account, never from the demo's planted trajectories run backwards.
 */

/** What makes an account of the profile likely to churn in a given week (read only from its past). */
export type ChurnDriver =
  /** the share of recent weeks with any purchase falls below the account's own earlier share */
  | "frequency_decline"
  /** the one user has been quiet for weeks */
  | "user_quiet"
  /** fewer people active than the account's own recent norm */
  | "users_decline"
  /** the account's share of the whole book's volume falls (net of the season that hits everyone) */
  | "share_decline"
  /** volume per seat is low against the rest of the book; steady, no decline before leaving */
  | "low_volume";

/** Optional tables a profile writes besides the required accounts, contacts and usage_events. */
export type ProfileTable = "features" | "support_tickets" | "survey_responses" | "churn_events";

export interface Profile {
  id: string;
  description: string;
  driver: ChurnDriver;
  tables: readonly ProfileTable[];
  /** Contacts carry roles (champion, sponsor...) and key flags; false leaves both empty. */
  roles: boolean;
  /** People per account: `single` is one user and one seat; `team` follows the account's seats. */
  people: "single" | "buyers" | "team";
  /** Median expected events per active person-week (before season and noise). */
  eventsPerPersonWeek: number;
  /** Events per active day: 1 for a purchase log, more for a product used in sessions. */
  eventsPerActiveDay: number;
  /** Week-to-week volatility of the account's own level (AR(1) innovation, log scale). */
  volatility: number;
  /** Depth of the season that hits every account at once (0: none; 0.6: volume falls to 40%). */
  season: number;
}

/** Every profile, by id. `demo` (the default) is the planted demo warehouse and is not listed here. */
export const PROFILES: readonly Profile[] = [
  {
    id: "sparse",
    description:
      "transactional buying: one to four buyers per account, a few purchases per account a month, tickets with no type; churn follows falling purchase frequency",
    driver: "frequency_decline",
    tables: ["support_tickets"],
    roles: true,
    people: "buyers",
    eventsPerPersonWeek: 0.45,
    eventsPerActiveDay: 1,
    volatility: 0.1,
    season: 0.15,
  },
  {
    id: "single_user",
    description: "single-user accounts (one seat, one person); churn follows the user going quiet for weeks",
    driver: "user_quiet",
    tables: ["features", "support_tickets", "survey_responses"],
    roles: true,
    people: "single",
    eventsPerPersonWeek: 6,
    eventsPerActiveDay: 2,
    volatility: 0.2,
    season: 0.15,
  },
  {
    id: "no_roles",
    description:
      "no roles or key contacts recorded anywhere (role and is_key empty), tickets with escalations and first replies, a third of churners come back (churn_events); churn follows fewer active people and support problems",
    driver: "users_decline",
    tables: ["features", "support_tickets", "survey_responses", "churn_events"],
    roles: false,
    people: "team",
    eventsPerPersonWeek: 5,
    eventsPerActiveDay: 2,
    volatility: 0.12,
    season: 0.15,
  },
  {
    id: "minimal",
    description: "only the required tables (accounts, contacts, usage_events); churn follows fewer active people",
    driver: "users_decline",
    tables: [],
    roles: true,
    people: "team",
    eventsPerPersonWeek: 5,
    eventsPerActiveDay: 2,
    volatility: 0.12,
    season: 0.15,
  },
  {
    id: "seasonal",
    description:
      "a strong season hits every account at once (volume falls by half or more in summer and at year end); churn follows the account's share of the book falling",
    driver: "share_decline",
    tables: ["features", "support_tickets", "survey_responses"],
    roles: true,
    people: "team",
    eventsPerPersonWeek: 5,
    eventsPerActiveDay: 2,
    volatility: 0.08,
    season: 0.8,
  },
  {
    id: "low_volume_churn",
    description: "steady use with no decline before leaving; churn follows low volume per seat against the rest of the book",
    driver: "low_volume",
    tables: ["features", "support_tickets", "survey_responses"],
    roles: true,
    people: "team",
    eventsPerPersonWeek: 5,
    eventsPerActiveDay: 2,
    volatility: 0.03,
    season: 0.15,
  },
];

/** Ids `--profile` accepts: the demo, then every profile. */
export const PROFILE_IDS: readonly string[] = ["demo", ...PROFILES.map((p) => p.id)];

/** The profile of an id, or undefined for the demo. Throws on an unknown id. */
export function profileOf(id: string | undefined): Profile | undefined {
  if (id === undefined || id === "demo") return undefined;
  const profile = PROFILES.find((p) => p.id === id);
  if (!profile) throw new Error(`unknown profile "${id}"`);
  return profile;
}

/** Lines for `--help` and the README: `  id  description`. */
export function profileHelp(indent = "  "): string {
  const width = Math.max(...PROFILE_IDS.map((id) => id.length));
  const lines = [`${indent}${"demo".padEnd(width)}  the planted demo warehouse (default)`];
  for (const p of PROFILES) lines.push(`${indent}${p.id.padEnd(width)}  ${p.description}`);
  return lines.join("\n");
}
