"use client";

import { useMemo } from "react";
import { stringify } from "yaml";

/** The order kubectl prints a manifest's top-level fields in. */
const LEADING_KEYS = ["apiVersion", "kind", "metadata", "spec"];

/**
 * PostgreSQL's jsonb does not keep key order, so the stored object comes back shuffled; put the
 * top-level fields back in their usual order so the YAML reads like a manifest.
 */
function manifestOrder(value: Record<string, unknown>): Record<string, unknown> {
  const keys = [...LEADING_KEYS.filter((k) => k in value), ...Object.keys(value).filter((k) => !LEADING_KEYS.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, value[k]]));
}

/** An object printed as YAML; long strings stay on one line (no folding) so it reads as given. */
export function YamlBlock({ value, label }: { value: Record<string, unknown>; label: string }) {
  const text = useMemo(
    () => stringify(manifestOrder(value), { lineWidth: 0, aliasDuplicateObjects: false }),
    [value],
  );
  return (
    // A named, focusable region: keyboard users can scroll it, and it is announced as what it is.
    <pre className="yaml" role="region" tabIndex={0} aria-label={label}>
      {text}
    </pre>
  );
}
