/**
 * Observable Framework configuration for the report site. Everything is built offline: no theme
 * fonts from a remote host (globalStylesheets: []), libraries imported from node_modules by the
 * pages. Accounts are shown by one viewer page (reports/account.md); the build copies the
 * account shard files beside the pages (src/site/build-site.ts), so the page count does not grow with the book.
 */
export default {
  root: "reports",
  // the browser tests build into a temporary folder
  output: process.env.HEALTH_SITE_DIST ?? "dist",
  title: "Customer health",
  globalStylesheets: [],
  style: "style.css",
  // no favicon request (it would 404 and show as a console error)
  head: '<link rel="icon" href="data:,">',
  pages: [
    { name: "Portfolio", path: "/" },
    { name: "Risk categories", path: "/risk" },
    { name: "Alerts", path: "/alerts" },
    { name: "Expansion", path: "/expansion" },
    { name: "Cohorts", path: "/cohorts" },
    { name: "Validation", path: "/validation" },
    { name: "Outcomes", path: "/outcomes" },
    { name: "Formula", path: "/formula" },
  ],
  pager: false,
  search: false,
  footer:
    "Customer health workbench. Every number comes from the engine's output files for the data and formula named at the top of each page.",
};
