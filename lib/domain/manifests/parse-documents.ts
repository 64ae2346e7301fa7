import jsYaml, { CORE_SCHEMA, loadAll, YAMLException, type Type } from "js-yaml";
import { isNode, LineCounter, parseAllDocuments, type Document } from "yaml";
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

/**
 * YAML is read with js-yaml, about ten times faster than the `yaml` package on big dumps (5 MiB:
 * 0.4 s against 4.5 s here). The stream is first cut into documents the way kubectl does
 * (k8s.io/apimachinery/pkg/util/yaml YAMLReader: a line that is `---` and nothing but space), so
 * a syntax error names its document even though js-yaml stops at the first error. The slower
 * `yaml` package is only used to find the line of a field when a schema error is reported.
 */
function* readYaml(file: string, content: string): Generator<SourceDocument> {
  let document = 0;
  for (const chunk of splitDocuments(content)) {
    const first = document + 1;
    let values: unknown[];
    try {
      values = loadAll(chunk.text, undefined, { schema: SCHEMA, filename: file });
    } catch (error) {
      if (!(error instanceof YAMLException)) throw error;
      throw invalidManifest({ file, document: first }, error.reason || error.message, {
        line: chunk.firstLine + error.mark.line,
        column: error.mark.column + 1,
      });
    }
    // A chunk that holds no document (only comments or space) still counts as one when it was
    // opened by a `---`: that is the empty template Helm prints as `# Source: ...`.
    if (values.length === 0 && chunk.explicit) values = [null];
    for (const [index, raw] of values.entries()) {
      document++;
      const location = { file, document };
      if (raw === null || raw === undefined) continue;
      const value = checkAliases(raw, location);
      checkShape(value, location);
      const text = values.length === 1 ? chunk.text : undefined;
      yield { location, value, lineOf: (path) => (text === undefined ? undefined : lineInText(text, path, chunk.firstLine, index)) };
    }
  }
}

/**
 * YAML 1.2 core types plus `<<` merge keys (which Kubernetes' go-yaml decoder accepts). Not
 * js-yaml's default schema: it would turn an unquoted `2026-01-01` label value into a Date.
 */
// `types` is exported at run time but missing from @types/js-yaml.
const mergeType = (jsYaml as unknown as { types: { merge: Type } }).types.merge;
const SCHEMA = CORE_SCHEMA.extend({ implicit: [mergeType] });

interface Chunk {
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  firstLine: number;
  /** Whether a `---` line opened it. */
  explicit: boolean;
}

function splitDocuments(content: string): Chunk[] {
  const chunks: Chunk[] = [];
  const lines = content.split("\n");
  let current: string[] = [];
  let firstLine = 1;
  let explicit = false;
  const flush = () => {
    const text = current.join("\n");
    if (explicit || text.trim() !== "") chunks.push({ text, firstLine, explicit });
  };
  lines.forEach((line, i) => {
    if (/^---\s*$/.test(line)) {
      flush();
      current = [];
      firstLine = i + 2;
      explicit = true;
    } else {
      current.push(line);
    }
  });
  flush();
  return chunks;
}

/**
 * js-yaml resolves an alias to the very object of its anchor, so a "billion laughs" document is
 * small in memory but explodes when anything walks or stores it. Count the nodes the document
 * would have once every alias is expanded (memoised per shared object: linear time) and refuse
 * it when aliases add more than {@link MAX_ALIAS_NODES}. Real manifests that reuse an anchor for
 * a block of env vars add a few dozen. Expanded copies are then made, so nothing downstream
 * sees shared objects.
 */
export const MAX_ALIAS_NODES = 10_000;

function checkAliases(value: unknown, location: SourceLocation): unknown {
  const size = new Map<object, number>();
  const active = new Set<object>();
  let shared = false;
  const expanded = (node: unknown): number => {
    if (node === null || typeof node !== "object") return 1;
    const known = size.get(node);
    if (known !== undefined) {
      shared = true;
      return known;
    }
    if (active.has(node)) throw invalidManifest(location, "a YAML alias refers to its own anchor (a circular structure)");
    active.add(node);
    let total = 1;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      total += expanded(child);
      if (total > Number.MAX_SAFE_INTEGER / 2) break;
    }
    active.delete(node);
    size.set(node, total);
    return total;
  };
  const total = expanded(value);
  if (!shared) return value;
  if (total - size.size > MAX_ALIAS_NODES) {
    throw invalidManifest(
      location,
      `YAML aliases were expanded too much (more than ${MAX_ALIAS_NODES} extra values); ` +
        'this looks like an alias bomb ("billion laughs") and is refused.',
    );
  }
  return expandCopy(value);
}

/** A deep copy in which every alias becomes its own copy (structuredClone would keep sharing). */
function expandCopy(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(expandCopy);
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) copy[key] = expandCopy(child);
  return copy;
}

/**
 * Refuses data that later steps could not walk or store: nesting deeper than {@link MAX_DEPTH}
 * (or a circular structure, which only a hostile parser result could hold).
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

/** The line of `path` in one document's text, found with the (slower, position-aware) `yaml` parser. */
function lineInText(text: string, path: readonly PropertyKey[], firstLine: number, index: number): number | undefined {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  const doc = Array.isArray(docs) ? docs[index] : undefined;
  if (!doc) return undefined;
  const line = lineOfPath(doc, lines, path);
  return line === undefined ? undefined : firstLine + line - 1;
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
