import { Composer, isNode, LineCounter, Parser, type Document, type YAMLError } from "yaml";
import { invalidManifest, type SourceLocation } from "./location";
import type { ManifestFile } from "./types";

/**
 * How much YAML aliases may expand (the `yaml` package's resource-exhaustion guard). Real
 * manifests reuse an anchor a handful of times; a "billion laughs" document needs millions.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * Deepest nesting accepted. Kubernetes objects, CRDs included, stay far below this; the limit
 * keeps a hostile document from exhausting the stack later on.
 */
export const MAX_DEPTH = 256;

/** One non-empty document of a file, as plain JSON-like data. */
export interface SourceDocument {
  location: SourceLocation;
  value: unknown;
  /** The line of the value at `path` (or of its nearest parent that exists); undefined for JSON. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/**
 * The documents of a file, one at a time. YAML multi-document streams and JSON are both read.
 * Empty and comment-only documents (Helm's `# Source: ...` for a template that rendered nothing)
 * are skipped but still counted, so "document 3" is the third document a reader sees.
 */
export function* readDocuments(file: ManifestFile): Generator<SourceDocument> {
  const content = file.content.replace(/^\uFEFF/, ""); // a byte-order mark is not content
  if (content.trim() === "") return;
  if (/\.json$/i.test(file.path)) {
    const value = parseJson(file.path, content);
    if (value !== null) yield { location: { file: file.path, document: 1 }, value, lineOf: () => undefined };
    return;
  }
  if (/^\s*[[{]/.test(content)) {
    // Probably JSON without a .json name (e.g. a request body): JSON.parse is faster than the
    // YAML parser. YAML flow style also starts with `{`, so on failure read it as YAML.
    const value = tryJson(content);
    if (value !== undefined) {
      if (value !== null) {
        const location = { file: file.path, document: 1 };
        checkShape(value, location);
        yield { location, value, lineOf: () => undefined };
      }
      return;
    }
  }
  yield* readYaml(file.path, content);
}

function* readYaml(file: string, content: string): Generator<SourceDocument> {
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  // uniqueKeys: a key given twice is an error, as in kubectl's strict field validation; which
  // copy "wins" must not be a guess when the key is a label a policy selects on.
  // merge: `<<` merge keys, which Kubernetes' YAML 1.1 decoder (go-yaml) accepts.
  const composer = new Composer({ uniqueKeys: true, merge: true, prettyErrors: false });
  let document = 0;
  // The composer yields documents as the parser reaches them, so only one AST is alive at a time.
  for (const doc of composer.compose(parser.parse(content))) {
    document++;
    const location = { file, document };
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lines.linePos(error.pos[0]);
      throw invalidManifest(location, yamlReason(error), { line, column: col });
    }
    if (doc.contents === null) continue;
    const value = toPlainData(doc, location);
    if (value === null || value === undefined) continue;
    yield { location, value, lineOf: (path) => lineOfPath(doc, lines, path) };
  }
}

function yamlReason(error: YAMLError): string {
  if (error.code === "RESOURCE_EXHAUSTION") return "the document is nested too deeply";
  return error.message;
}

function toPlainData(doc: Document, location: SourceLocation): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /excessive alias count/i.test(error.message)) {
      throw invalidManifest(
        location,
        `YAML aliases were expanded too much (more than ${MAX_ALIAS_COUNT} expansions); ` +
          "this looks like an alias bomb (\"billion laughs\") and is refused.",
      );
    }
    if (error instanceof ReferenceError) throw invalidManifest(location, error.message); // e.g. an undefined alias
    if (error instanceof RangeError) throw invalidManifest(location, "the document is nested too deeply");
    throw error;
  }
  checkShape(value, location);
  return value;
}

/**
 * Refuses data that later steps could not walk or store: an alias that contains itself (`&a
 * [*a]` becomes a circular structure) or nesting deeper than {@link MAX_DEPTH}.
 */
function checkShape(value: unknown, location: SourceLocation): void {
  const ancestors = new Set<object>();
  const visit = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== "object") return;
    if (depth > MAX_DEPTH) throw invalidManifest(location, `the document is nested more than ${MAX_DEPTH} levels deep`);
    if (ancestors.has(node)) throw invalidManifest(location, "a YAML alias refers to its own anchor (a circular structure)");
    ancestors.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) visit(child, depth + 1);
    ancestors.delete(node);
  };
  visit(value, 0);
}

function lineOfPath(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function tryJson(content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return undefined;
  }
}

function parseJson(file: string, content: string): unknown {
  const location = { file, document: 1 };
  let value: unknown;
  try {
    value = JSON.parse(content) as unknown;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // V8 says "... in JSON at position 8"; turn the offset into the line and column editors show.
    const match = /at position (\d+)/.exec(error.message);
    const reason = error.message
      .replace(/\s*(?:in JSON )?at position \d+/, "")
      .replace(/\s*\(line \d+ column \d+\)/, "");
    const where = match ? lineAndColumn(content, Number(match[1])) : /end of JSON input/.test(reason) ? lineAndColumn(content, content.length) : {};
    throw invalidManifest(location, `invalid JSON: ${reason}`, where);
  }
  checkShape(value, location);
  return value;
}

function lineAndColumn(content: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < content.length; i++) {
    if (content.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
