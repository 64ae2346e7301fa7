/**
 * A finding's evidence as the report prints it: compact JSON, with long lists cut to their first items
 * and a note of how many were left out, so 500 findings stay a readable (and quick) document.
 * The full evidence is in the API and the Findings tab.
 */

/** Lists longer than `maxItems` keep their first `maxItems` entries and a "… N more" entry. */
export function limitEvidence(value: unknown, maxItems: number): { value: unknown; omitted: number } {
  let omitted = 0;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const kept = v.slice(0, maxItems).map(walk);
      if (v.length > maxItems) {
        omitted += v.length - maxItems;
        kept.push(`… ${v.length - maxItems} more`);
      }
      return kept;
    }
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), omitted };
}

/**
 * JSON that stays on one line where it fits in `width` characters and breaks (two-space indent)
 * only where it does not: the same data as JSON.stringify's, in a third of the lines.
 */
export function compactJson(value: unknown, width: number, indent = 0): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return "null";
  if (flat.length + indent <= width || value === null || typeof value !== "object") return flat;
  const pad = " ".repeat(indent + 2);
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => pad + compactJson(v, width, indent + 2)).join(",\n")}\n${" ".repeat(indent)}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${compactJson(v, width - k.length - 4, indent + 2)}`).join(",\n")}\n${" ".repeat(indent)}}`;
}

/** The evidence as compact JSON, lists cut as {@link limitEvidence} does. */
export function evidenceText(evidence: Record<string, unknown>, maxItems: number): { text: string; omitted: number } {
  const { value, omitted } = limitEvidence(evidence, maxItems);
  return { text: compactJson(value, 96), omitted };
}
