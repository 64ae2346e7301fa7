import { describe, expect, it } from "vitest";
import { Fragment, jsx, raw } from "./jsx-runtime";

describe("the report's JSX runtime", () => {
  it("escapes text and attribute values, so cluster data stays text", () => {
    const label = `<img src="http://127.0.0.1:1/x"> & 'quotes'`;
    const html = jsx("td", { className: label, children: [label, 3, null, false] }).html;
    expect(html).toBe(
      `<td class="&lt;img src=&quot;http://127.0.0.1:1/x&quot;&gt; &amp; &#39;quotes&#39;">&lt;img src=&quot;http://127.0.0.1:1/x&quot;&gt; &amp; &#39;quotes&#39;3</td>`,
    );
  });

  it("renders components, fragments, void elements, SVG attribute names and styles", () => {
    const Cell = ({ text }: { text: string }) => jsx("b", { children: text });
    expect(jsx(Fragment, { children: [jsx(Cell, { text: "a" }), jsx("br", {}), jsx("line", { strokeWidth: 2, strokeDasharray: "2 2", style: { display: "contents" } })] }).html).toBe(
      `<b>a</b><br><line stroke-width="2" stroke-dasharray="2 2" style="display:contents"></line>`,
    );
  });

  it("passes only raw() through unescaped", () => {
    expect(jsx("style", { children: raw(`a > b { font-family: "X" }`) }).html).toBe(`<style>a > b { font-family: "X" }</style>`);
  });

  it("refuses element and attribute names that are not names", () => {
    expect(() => jsx("x onload=1", {})).toThrow("invalid element name");
    expect(() => jsx("p", { "a b": 1 })).toThrow("invalid attribute name");
  });
});
