/** The development entry of the report's JSX runtime (some compilers import it in dev mode). */
export { Fragment, jsx, jsxDEV, jsxs } from "./jsx-runtime";
export type { JSX } from "./jsx-runtime";
