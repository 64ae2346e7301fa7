import { describe, expect, it } from "vitest";
import { readDocuments } from "./parse-documents";
import { catchAppError } from "./test-helpers";

const docs = (path: string, content: string) => [...readDocuments({ path, content })];

/** The classic "billion laughs": 9 levels of 9 aliases each, 9^9 (387 million) strings if expanded. */
function billionLaughs(): string {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    const previous = String.fromCharCode(96 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`);
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n${levels.map((l) => `  ${l}`).join("\n")}\n`;
}

describe("readDocuments", () => {
  it("reads YAML multi-document streams, counting documents from 1", () => {
    const read = docs("a.yaml", "kind: A\n---\nkind: B\n---\nkind: C\n");
    expect(read.map((d) => [d.location, d.value])).toEqual([
      [{ file: "a.yaml", document: 1 }, { kind: "A" }],
      [{ file: "a.yaml", document: 2 }, { kind: "B" }],
      [{ file: "a.yaml", document: 3 }, { kind: "C" }],
    ]);
  });

  it("skips empty and comment-only documents (Helm output) but keeps counting them", () => {
    const helm = [
      "---",
      "# Source: shop/templates/hpa.yaml",
      "# (disabled in values.yaml, so this template rendered nothing)",
      "---",
      "# Source: shop/templates/service.yaml",
      "kind: Service",
      "---",
      "---",
      "# Source: shop/templates/deployment.yaml",
      "kind: Deployment",
      "",
    ].join("\n");
    expect(docs("helm.yaml", helm).map((d) => [d.location.document, d.value])).toEqual([
      [2, { kind: "Service" }],
      [4, { kind: "Deployment" }],
    ]);
  });

  it("reads empty and whitespace-only files as no documents", () => {
    expect(docs("empty.yaml", "")).toEqual([]);
    expect(docs("empty.json", " \n")).toEqual([]);
  });

  it("reads a JSON file as one document", () => {
    expect(docs("ns.json", '{"apiVersion": "v1", "kind": "Namespace"}').map((d) => d.value)).toEqual([
      { apiVersion: "v1", kind: "Namespace" },
    ]);
  });

  it("reads JSON without a .json name, and YAML flow style that is not JSON", () => {
    expect(docs("body", '{"kind": "A"}')[0]!.value).toEqual({ kind: "A" });
    expect(docs("body", "{kind: A, metadata: {name: x}}")[0]!.value).toEqual({ kind: "A", metadata: { name: "x" } });
  });

  it("strips a byte-order mark", () => {
    expect(docs("bom.json", '\uFEFF{"kind": "A"}')[0]!.value).toEqual({ kind: "A" });
    expect(docs("bom.yaml", "\uFEFFkind: A\n")[0]!.value).toEqual({ kind: "A" });
  });

  it("reports malformed YAML with file, document, line and column", () => {
    const error = catchAppError(() => docs("shop.yaml", "kind: A\n---\nkind: B\nmetadata: { name: x\n"));
    expect(error.code).toBe("invalid_manifest");
    expect(error.message).toMatch(/^shop\.yaml, document 2: line \d+, column \d+: .+/);
    expect(error.details).toMatchObject({ file: "shop.yaml", document: 2 });
    expect(error.details?.line).toBeGreaterThanOrEqual(4);
  });

  it("refuses keys given twice (which copy would win is a guess)", () => {
    const error = catchAppError(() => docs("dup.yaml", "metadata:\n  labels:\n    app: a\n    app: b\n"));
    expect(error.message).toBe("dup.yaml, document 1: line 4, column 5: duplicated mapping key");
  });

  it("reports malformed JSON in JSON terms, with line and column", () => {
    const error = catchAppError(() => docs("deploy.json", '{\n  "kind": "Deployment",\n}'));
    expect(error.message).toMatch(/^deploy\.json, document 1: line 3, column 1: invalid JSON: /);
    expect(error.details).toMatchObject({ file: "deploy.json", document: 1, line: 3, column: 1 });
  });

  it("refuses a billion-laughs alias bomb quickly, naming file and document", () => {
    const started = performance.now();
    const error = catchAppError(() => docs("bomb.yaml", `kind: Namespace\n---\n${billionLaughs()}`));
    // A guard, not a benchmark: expanding the bomb would take minutes and gigabytes.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.code).toBe("invalid_manifest");
    expect(error.message).toMatch(/^bomb\.yaml, document 2: YAML aliases were expanded too much/);
    expect(error.message).toContain("alias bomb");
  });

  it("accepts ordinary anchors, aliases and merge keys", () => {
    const yaml = "base: &base { app: web, tier: front }\nlabels:\n  <<: *base\n  tier: back\ncopy: *base\n";
    expect(docs("a.yaml", yaml)[0]!.value).toEqual({
      base: { app: "web", tier: "front" },
      labels: { app: "web", tier: "back" },
      copy: { app: "web", tier: "front" },
    });
  });

  it("refuses an alias that contains itself", () => {
    const error = catchAppError(() => docs("loop.yaml", "a: &x { b: *x }\n"));
    expect(error.message).toBe("loop.yaml, document 1: a YAML alias refers to its own anchor (a circular structure)");
  });

  it("refuses absurdly deep nesting without crashing", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(catchAppError(() => docs("deep.yaml", deep)).message).toMatch(/nested too deeply|levels deep/);
    expect(catchAppError(() => docs("deep.json", deep)).message).toBe(
      "deep.json, document 1: the document is nested more than 256 levels deep",
    );
  });

  it("gives the line of a field, or of its nearest parent when the field is missing", () => {
    const [doc] = docs("a.yaml", "kind: A\nspec:\n  containers:\n    - name: x\n      ports: []\n");
    expect(doc!.lineOf(["spec", "containers", 0, "ports"])).toBe(5);
    expect(doc!.lineOf(["spec", "containers", 0, "image"])).toBe(4);
    expect(doc!.lineOf([])).toBe(1);
  });
});
