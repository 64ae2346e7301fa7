/**
 * A finding's evidence as the report prints it: JSON, with long lists cut to their first items
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

/** The evidence as indented JSON, lists cut as {@link limitEvidence} does. */
export function evidenceText(evidence: Record<string, unknown>, maxItems: number): { text: string; omitted: number } {
  const { value, omitted } = limitEvidence(evidence, maxItems);
  return { text: JSON.stringify(value, null, 2), omitted };
}
