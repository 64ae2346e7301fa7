/**
 * A tiny JSX runtime that renders straight to an HTML string, for the PDF report (files opt in
 * with a `@jsxImportSource @/lib/server/report/html` pragma).
 *
 * Why not react-dom/server's renderToStaticMarkup: route handlers and the CLI run under the
 * `react-server` export condition, where `react-dom/server` is a module that only throws
 * ("not supported in React Server Components"). This runtime keeps React's guarantee that
 * matters here: every text child and attribute value is escaped, so cluster data (hostile) is
 * always text. The only way to emit markup unescaped is {@link raw}, used for our own CSS.
 */

/** Markup that is already safe HTML. */
export class Html {
  constructor(readonly html: string) {}
  toString() {
    return this.html;
  }
}

type Child = Html | string | number | boolean | null | undefined | readonly Child[];
type Props = Record<string, unknown> & { children?: Child };
type Component = (props: never) => Html | null;

export const Fragment = Symbol("Fragment");

/** Trusted markup (our stylesheet): never pass cluster data here. */
export const raw = (html: string) => new Html(html);

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** React's prop names that differ from the HTML/SVG attribute names. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  className: "class",
  htmlFor: "for",
  httpEquiv: "http-equiv",
  charSet: "charset",
  strokeWidth: "stroke-width",
  strokeDasharray: "stroke-dasharray",
  textAnchor: "text-anchor",
  markerEnd: "marker-end",
  fontSize: "font-size",
};
const VOID = new Set(["meta", "br", "hr", "img", "link", "input"]);

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function attributes(props: Props): string {
  let out = "";
  for (const [name, value] of Object.entries(props)) {
    if (name === "children" || name === "key" || value === undefined || value === null || value === false) continue;
    const attr = ATTRIBUTE_NAMES[name] ?? name;
    if (!/^[A-Za-z][A-Za-z0-9:-]*$/.test(attr)) throw new Error(`invalid attribute name ${JSON.stringify(name)}`);
    const text =
      name === "style" && typeof value === "object"
        ? Object.entries(value as Record<string, unknown>)
            .map(([k, v]) => `${kebab(k)}:${String(v)}`)
            .join(";")
        : value === true
          ? ""
          : String(value);
    out += ` ${attr}="${escapeHtml(text)}"`;
  }
  return out;
}

function children(child: Child): string {
  if (child === null || child === undefined || typeof child === "boolean") return "";
  if (child instanceof Html) return child.html;
  if (Array.isArray(child)) return (child as readonly Child[]).map(children).join("");
  return escapeHtml(String(child));
}

export function jsx(type: string | Component | typeof Fragment, props: Props): Html {
  if (type === Fragment) return new Html(children(props.children));
  if (typeof type === "function") return (type as (p: Props) => Html | null)(props) ?? new Html("");
  if (!/^[a-z][a-z0-9]*$/i.test(type)) throw new Error(`invalid element name ${JSON.stringify(type)}`);
  if (VOID.has(type)) return new Html(`<${type}${attributes(props)}>`);
  return new Html(`<${type}${attributes(props)}>${children(props.children)}</${type}>`);
}
export const jsxs = jsx;
export const jsxDEV = jsx;

// The JSX types of this runtime: any element and attribute; the result is always Html.
// eslint-disable-next-line @typescript-eslint/no-namespace
export namespace JSX {
  export type Element = Html;
  export interface ElementChildrenAttribute {
    children: unknown;
  }
  export interface IntrinsicAttributes {
    key?: string | number;
  }
  export interface IntrinsicElements {
    [tag: string]: Record<string, unknown>;
  }
}
