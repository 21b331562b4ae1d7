/**
 * Word lists and catalogues the generator draws from: company and person names, industries, the
 * product's feature catalogue, courses, and the free text that appears in CRM and survey exports.
 * Plain data; `loadVocabulary` hands each list to DuckDB as a variable.
 */
import { listValue } from "@duckdb/node-api";
import type { Database } from "../db/duckdb.ts";

/** First word of a company name. */
export const NAME_PREFIXES = [
  "Northwind",
  "Bluebird",
  "Cedar",
  "Summit",
  "Harbor",
  "Ironwood",
  "Silverline",
  "Redstone",
  "Maple",
  "Granite",
  "Brightwater",
  "Falcon",
  "Evergreen",
  "Lakeside",
  "Copperfield",
  "Westbrook",
  "Oakridge",
  "Pioneer",
  "Keystone",
  "Riverbend",
  "Highland",
  "Sterling",
  "Aurora",
  "Cobalt",
  "Meridian",
  "Horizon",
  "Juniper",
  "Atlas",
  "Beacon",
  "Crescent",
  "Driftwood",
  "Emberly",
  "Foxglove",
  "Greyhawk",
  "Hollis",
  "Kestrel",
  "Larkspur",
  "Marlow",
  "Nimbus",
  "Orchard",
  "Quarry",
  "Rosewood",
  "Saffron",
  "Thornbury",
  "Upland",
  "Vantage",
  "Willow",
  "Yarrow",
  "Zenith",
  "Alder",
  "Bramble",
  "Clearwater",
  "Dunmore",
  "Eastgate",
  "Fairhaven",
  "Glenwood",
  "Hartmann",
  "Okafor",
  "Lindqvist",
  "Tanaka",
  "Moreau",
  "Castillo",
  "Brennan",
] as const;

/** Middle word of a company name: what the company does. */
export const NAME_CORES = [
  "Logistics",
  "Analytics",
  "Health",
  "Foods",
  "Capital",
  "Robotics",
  "Media",
  "Energy",
  "Labs",
  "Systems",
  "Manufacturing",
  "Insurance",
  "Retail",
  "Software",
  "Consulting",
  "Freight",
  "Pharma",
  "Learning",
  "Motors",
  "Telecom",
  "Hospitality",
  "Properties",
  "Biotech",
  "Payments",
  "Security",
  "Outfitters",
  "Brewing",
  "Dental",
  "Aerospace",
  "Textiles",
  "Marine",
  "Engineering",
  "Clinics",
  "Solar",
  "Studios",
  "Holdings",
] as const;

/** Legal suffix; empty for none. */
export const NAME_SUFFIXES = ["", "", "", "Inc.", "Ltd", "GmbH", "LLC", "Group", "Co.", "S.A.", "Partners", "AB", "Pty Ltd"] as const;

/**
 * Names that must survive rendering as text: ampersands, angle brackets, quotes, apostrophes and
 * non-ASCII letters. A few accounts get one of these instead of a composed name.
 */
export const TRICKY_NAMES = [
  "Müller & Söhne GmbH",
  "O'Brien <Holdings>",
  'The "Quoted" Company',
  "Zürich Rückversicherung AG",
  "Łódź Logistyka Sp. z o.o.",
  "São Paulo Alimentos Ltda.",
  "Café Lumière & Fils SARL",
  "Ōsaka Trading 株式会社",
  "Smith, Jones & <b>Partners</b>",
  "Ægir Havbruk AS",
  "Nguyễn & Trần Co.",
  "Björk ≥ Berg AB",
] as const;

export const FIRST_NAMES = [
  "Anna",
  "James",
  "Maria",
  "David",
  "Sofia",
  "Michael",
  "Emma",
  "Daniel",
  "Olivia",
  "Lucas",
  "Mia",
  "Noah",
  "Chloé",
  "José",
  "Zoë",
  "Søren",
  "Łukasz",
  "François",
  "Björn",
  "Anaïs",
  "Priya",
  "Arjun",
  "Wei",
  "Mei",
  "Hiroshi",
  "Yuki",
  "Fatima",
  "Omar",
  "Amara",
  "Kwame",
  "Isabella",
  "Mateo",
  "Camila",
  "Diego",
  "Olga",
  "Ivan",
  "Sarah",
  "Thomas",
  "Laura",
  "Peter",
  "Hannah",
  "Jonas",
  "Elena",
  "Marco",
  "Aisha",
  "Samuel",
  "Grace",
  "Liam",
  "Nora",
  "Emil",
  "Ingrid",
  "Sean",
  "Siobhan",
  "Rahul",
  "Ananya",
  "Tomás",
  "Inès",
  "Jürgen",
  "Małgorzata",
  "Chen",
] as const;

export const LAST_NAMES = [
  "Smith",
  "Johnson",
  "García",
  "Müller",
  "Schmidt",
  "Rossi",
  "Dubois",
  "Nakamura",
  "Kim",
  "Patel",
  "Nguyen",
  "O'Brien",
  "Østergaard",
  "van der Berg",
  "Kowalski",
  "Novák",
  "Silva",
  "Santos",
  "Hernández",
  "López",
  "Brown",
  "Wilson",
  "Taylor",
  "Anderson",
  "Thompson",
  "Martin",
  "Lefèvre",
  "Fischer",
  "Weber",
  "Becker",
  "Johansson",
  "Larsen",
  "Virtanen",
  "Papadopoulos",
  "Yilmaz",
  "Okonkwo",
  "Mensah",
  "Haddad",
  "Cohen",
  "Singh",
  "Sharma",
  "Wang",
  "Li",
  "Zhang",
  "Sato",
  "Suzuki",
  "Park",
  "Choi",
  "Ivanova",
  "Petrov",
  "Murphy",
  "Kelly",
  "D'Angelo",
  "MacLeod",
  "Fernández",
  "Gómez",
  "Costa",
  "Ferreira",
  "Andersson",
  "Lindgren",
] as const;

export const INDUSTRIES = [
  "Software",
  "Financial Services",
  "Healthcare",
  "Manufacturing",
  "Retail",
  "Logistics",
  "Education",
  "Media",
  "Professional Services",
  "Energy",
  "Public Sector",
  "Telecommunications",
  "Hospitality",
  "Real Estate",
] as const;

export const PLANS = ["starter", "growth", "enterprise"] as const;

/** List price per seat and year, by plan (same order as PLANS). */
export const SEAT_PRICES = [360, 720, 1200] as const;

/**
 * The product's feature catalogue, most used first. Features with a `minPlan` above starter come last,
 * so an account on a lower plan can use a prefix of this list.
 */
export const FEATURES = [
  { feature: "dashboards", isCore: true, minPlan: "starter" },
  { feature: "reports", isCore: true, minPlan: "starter" },
  { feature: "search", isCore: true, minPlan: "starter" },
  { feature: "data_import", isCore: true, minPlan: "starter" },
  { feature: "sharing", isCore: true, minPlan: "starter" },
  { feature: "alerts", isCore: true, minPlan: "starter" },
  { feature: "comments", isCore: true, minPlan: "starter" },
  { feature: "workflows", isCore: true, minPlan: "starter" },
  { feature: "templates", isCore: false, minPlan: null },
  { feature: "exports", isCore: false, minPlan: "starter" },
  { feature: "mobile_app", isCore: false, minPlan: null },
  { feature: "api", isCore: false, minPlan: "growth" },
  { feature: "forecasting", isCore: false, minPlan: "growth" },
  { feature: "sso", isCore: false, minPlan: "enterprise" },
  { feature: "audit_log", isCore: false, minPlan: "enterprise" },
  { feature: "advanced_permissions", isCore: false, minPlan: "enterprise" },
] as const;

/** How many leading FEATURES each plan can use (same order as PLANS). */
export const FEATURES_BY_PLAN = [11, 13, 16] as const;

/**
 * Capabilities customers ask for that the product does not have (yet). Requests may also name a
 * feature of a higher plan than the customer's.
 */
export const REQUESTED_IDEAS = [
  "salesforce_sync",
  "custom_roles",
  "scheduled_exports",
  "slack_integration",
  "bulk_edit",
  "webhooks",
  "data_residency_eu",
  "offline_mode",
  "dark_mode",
  "gantt_view",
  "custom_fields",
  "two_way_calendar_sync",
] as const;

export const COURSES = [
  "Getting started",
  "Building dashboards",
  "Reporting essentials",
  "Automating workflows",
  "Admin fundamentals",
  "Data import deep dive",
  "Alerts and notifications",
  "Collaboration best practices",
] as const;

export const CERTIFICATIONS = ["Certified Administrator", "Certified Power User", "Certified Workflow Architect"] as const;

/** Survey comments by sentiment. Some carry commas and quotes on purpose. */
export const PROMOTER_COMMENTS = [
  "Great product, the team relies on it daily.",
  "Dashboards save us hours every week.",
  "Support is quick and helpful.",
  'Love the "alerts" feature, it keeps us on top of things.',
  "Easy to roll out to new colleagues.",
] as const;
export const PASSIVE_COMMENTS = [
  "Does the job, but reporting could be more flexible.",
  "Good overall; the price increase hurt.",
  "Useful, though onboarding new users takes time.",
  "Fine for us, we only use a few features.",
] as const;
export const DETRACTOR_COMMENTS = [
  "Too many outages lately.",
  "Hard to use, our people went back to spreadsheets.",
  "Support tickets take far too long to resolve.",
  "Missing integrations we need, so adoption stalled.",
  "Not worth the cost for how little we use it.",
] as const;

export const RISK_DESCRIPTIONS = {
  merger_acquisition: [
    "Announced acquisition by a larger competitor",
    "Merger with a peer company announced",
    "Acquired by a private-equity firm",
  ],
  bankruptcy: ["Filed for insolvency protection", "Entered administration", "Announced restructuring under court protection"],
  layoffs: ["Announced a workforce reduction of about 10%", "Closed a regional office", "Hiring freeze and layoffs reported"],
  regulatory_change: [
    "New data-protection rules in its main market",
    "Sector regulator announced stricter reporting",
    "Procurement rules changed for its public-sector clients",
  ],
} as const;

/** Free text of CRM churn reasons, as sales teams record them. */
export const CHURN_REASONS = {
  adoption: ["Low adoption", "No longer needed", "Moved to spreadsheets"],
  people: ["Key contact left", "New leadership chose another tool"],
  quality: ["Product quality", "Reliability issues"],
  onboarding: ["Implementation failed", "Never went live"],
  corporate: ["Acquired by another company", "Vendor consolidation"],
  bankruptcy: ["Bankruptcy", "Went out of business"],
  budget: ["Budget cuts", "Switched to competitor", "Price"],
} as const;

/** Lists handed to DuckDB as variables of the same (snake_case) name. */
function vocabularyLists(): Record<string, readonly string[]> {
  return {
    name_prefixes: NAME_PREFIXES,
    name_cores: NAME_CORES,
    name_suffixes: NAME_SUFFIXES,
    tricky_names: TRICKY_NAMES,
    first_names: FIRST_NAMES,
    last_names: LAST_NAMES,
    industries: INDUSTRIES,
    plans: PLANS,
    feature_names: FEATURES.map((f) => f.feature),
    requested_ideas: REQUESTED_IDEAS,
    courses: COURSES,
    certifications: CERTIFICATIONS,
    promoter_comments: PROMOTER_COMMENTS,
    passive_comments: PASSIVE_COMMENTS,
    detractor_comments: DETRACTOR_COMMENTS,
    risk_merger_acquisition: RISK_DESCRIPTIONS.merger_acquisition,
    risk_bankruptcy: RISK_DESCRIPTIONS.bankruptcy,
    risk_layoffs: RISK_DESCRIPTIONS.layoffs,
    risk_regulatory_change: RISK_DESCRIPTIONS.regulatory_change,
    churn_adoption: CHURN_REASONS.adoption,
    churn_people: CHURN_REASONS.people,
    churn_quality: CHURN_REASONS.quality,
    churn_onboarding: CHURN_REASONS.onboarding,
    churn_corporate: CHURN_REASONS.corporate,
    churn_bankruptcy: CHURN_REASONS.bankruptcy,
    churn_budget: CHURN_REASONS.budget,
  };
}

/** Sets every word list as a DuckDB variable and creates the `gen_features` catalogue table. */
export async function loadVocabulary(db: Database): Promise<void> {
  for (const [name, values] of Object.entries(vocabularyLists())) {
    // The variable name is one of ours (not input); the values are bound.
    await db.run(`set variable ${name} = $values::varchar[]`, { values: listValue([...values]) });
  }
  await db.run("set variable seat_prices = $values::double[]", { values: listValue([...SEAT_PRICES]) });
  await db.run("set variable features_by_plan = $values::integer[]", { values: listValue([...FEATURES_BY_PLAN]) });
  await db.run(
    `create or replace table gen_features as
     select unnest($features::varchar[]) as feature,
            unnest($core::boolean[]) as is_core,
            unnest($plans::varchar[]) as min_plan,
            unnest(range(len($features::varchar[]))) as feature_index`,
    {
      features: listValue(FEATURES.map((f) => f.feature)),
      core: listValue(FEATURES.map((f) => f.isCore)),
      plans: listValue(FEATURES.map((f) => f.minPlan)),
    },
  );
}
