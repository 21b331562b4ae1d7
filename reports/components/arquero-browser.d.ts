// arquero's browser build (dist/arquero.min.js), typed as the package.
declare module "arquero/dist/arquero.min.js" {
  const aq: typeof import("arquero");
  export default aq;
}
