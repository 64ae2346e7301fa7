"use client";

import { useId, useState } from "react";
import { EDGE_STATES, EDGE_STYLES } from "@/components/graph/draw";
import { NO_FILTERS, type GraphFilters } from "@/lib/domain/graph/filter";
import { SEVERITIES } from "@/lib/domain/model";

/** A group of checkboxes over some values, each one's label its value or a given text. */
function Choices<T extends string>({ legend, values, chosen, label = (v) => v, onChange }: { legend: string; values: readonly T[]; chosen: readonly T[]; label?: (value: T) => string; onChange: (next: T[]) => void }) {
  if (values.length === 0) return null;
  return (
    <fieldset className="graph-filter">
      <legend>{legend}</legend>
      {values.map((value) => (
        <label key={value}>
          <input
            type="checkbox"
            checked={chosen.includes(value)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, value] : chosen.filter((c) => c !== value))}
          />{" "}
          {label(value)}
        </label>
      ))}
    </fieldset>
  );
}

export interface FilterOptions {
  namespaces: readonly string[];
  findingKinds: readonly string[];
  protocols: readonly string[];
}

/** The graph's filters (lib/domain/graph/filter.ts says what each keeps). */
export function GraphFiltersForm({ filters, options, onChange }: { filters: GraphFilters; options: FilterOptions; onChange: (next: GraphFilters) => void }) {
  const ids = useId();
  const active = filters.namespaces.length + filters.findingKinds.length + filters.severities.length + filters.protocols.length + filters.states.length;
  // Open from the start when a link brings filters; then the user's to open and close.
  const [open, setOpen] = useState(active > 0);
  return (
    <details className="graph-filters" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Filters{active > 0 ? ` (${active})` : ""}</summary>
      <div className="graph-filter-groups">
        {options.namespaces.length > 0 && (
          <div className="graph-filter">
            <label htmlFor={`${ids}-ns`}>Namespaces</label>
            <select
              id={`${ids}-ns`}
              multiple
              size={Math.min(6, options.namespaces.length)}
              value={[...filters.namespaces]}
              onChange={(e) => onChange({ ...filters, namespaces: [...e.target.selectedOptions].map((o) => o.value) })}
            >
              {options.namespaces.map((ns) => (
                <option key={ns} value={ns}>
                  {ns}
                </option>
              ))}
            </select>
          </div>
        )}
        <Choices legend="Finding kind" values={options.findingKinds} chosen={filters.findingKinds} onChange={(findingKinds) => onChange({ ...filters, findingKinds })} />
        <Choices legend="Severity" values={SEVERITIES} chosen={filters.severities} onChange={(severities) => onChange({ ...filters, severities })} />
        <Choices legend="Protocol" values={options.protocols} chosen={filters.protocols} onChange={(protocols) => onChange({ ...filters, protocols })} />
        <Choices legend="Edge state" values={[...EDGE_STATES].reverse()} chosen={filters.states} label={(s) => EDGE_STYLES[s].label} onChange={(states) => onChange({ ...filters, states })} />
      </div>
      {active > 0 && (
        <button type="button" className="button" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </details>
  );
}
