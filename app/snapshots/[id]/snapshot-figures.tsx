import type { ReactNode } from "react";
import { formatCount } from "@/components/format";
import type { ViewFigures } from "@/lib/domain/snapshot/view";

/** The headline numbers, as a row of cards: each a group named by its label. */
export function SnapshotFigures({ figures: f }: { figures: ViewFigures }) {
  const kinds = Object.entries(f.policiesByKind).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="figures-heading">
      <h2 id="figures-heading" className="visually-hidden">
        Summary
      </h2>
      <div className="figures">
        <Figure id="namespaces" label="Namespaces">{formatCount(f.namespaces)}</Figure>
        <Figure id="workloads" label="Workloads">{formatCount(f.workloads)}</Figure>
        <Figure id="services" label="Services">{formatCount(f.services)}</Figure>
        <Figure id="policies" label="Policies">{formatCount(f.policies)}</Figure>
        <Figure id="sidecars" label="Workloads with a sidecar">
          <OutOf part={f.sidecars} whole={f.workloads} />
        </Figure>
        <Figure id="netpol" label="Namespaces with a NetworkPolicy">
          <OutOf part={f.namespacesWithNetworkPolicy} whole={f.namespaces} />
        </Figure>
        <Figure id="edges" label="Observed traffic edges">{formatCount(f.edges)}</Figure>
        <Figure id="kinds" label="Policies by kind" wide>
          {kinds.length === 0 ? (
            <span className="of">none</span>
          ) : (
            <ul className="kinds">
              {kinds.map(([kind, count]) => (
                <li key={kind}>
                  <span>{kind}</span> <span>{formatCount(count ?? 0)}</span>
                </li>
              ))}
            </ul>
          )}
        </Figure>
      </div>
    </section>
  );
}

function Figure({ id, label, wide, children }: { id: string; label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div role="group" aria-labelledby={`figure-${id}`} className={wide ? "figure figure-wide" : "figure"}>
      <div id={`figure-${id}`} className="figure-label">
        {label}
      </div>
      <div className="figure-value">{children}</div>
    </div>
  );
}

const OutOf = ({ part, whole }: { part: number; whole: number }) => (
  <>
    {formatCount(part)} <span className="of">of {formatCount(whole)}</span>
  </>
);
