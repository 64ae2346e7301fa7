/** @jsxImportSource @/lib/server/report/html */
import { KIND_DESCRIPTIONS } from "@/lib/domain/findings/kinds";
import { FINDING_KINDS, SEVERITIES, type Snapshot } from "@/lib/domain/model";
import { compare } from "@/lib/domain/manifests/sort";
import { coverageRows, defaultDenyText, mtlsText } from "@/lib/domain/report/coverage";
import { REPORT_SECTIONS, telemetryText } from "./sections";
import { Table } from "./table";

export function CoverageSection({ snapshot }: { snapshot: Snapshot }) {
  const rows = coverageRows(snapshot);
  return (
    <section id="coverage">
      <h1>{REPORT_SECTIONS[3].title}</h1>
      <p className="hint">
        Default deny: every workload of the namespace is isolated in that direction by some NetworkPolicy. mTLS: workloads with a sidecar by the
        weakest PeerAuthentication mode on any of their ports, and workloads without a sidecar (which accept plaintext only).
      </p>
      <h2>NetworkPolicies (layer 3/4)</h2>
      <Table
        headers={["Namespace", "#Workloads", "Default deny ingress", "Default deny egress", "#NetworkPolicies"]}
        rows={rows.map((r) => [r.namespace, r.workloads, defaultDenyText(r.isolatedIngress, r.workloads), defaultDenyText(r.isolatedEgress, r.workloads), r.networkPolicies])}
      />
      <h2>Istio (mTLS and authorization)</h2>
      <Table
        headers={["Namespace", "#Sidecars", "mTLS", "#PeerAuthentications", "#AuthorizationPolicies"]}
        rows={rows.map((r) => [r.namespace, `${r.sidecars} of ${r.workloads}`, mtlsText(r), r.peerAuthentications, r.authorizationPolicies])}
      />
      <h2>Namespace labels</h2>
      <p className="hint">What namespaceSelectors match, and whether Istio injects sidecars (istio-injection).</p>
      <Table headers={["Namespace", "Labels"]} rows={snapshot.namespaces.map((n) => [n.name, <code key="labels">{labelsText(n.labels)}</code>])} />
      <p className="hint">
        Mesh: root namespace {snapshot.meshConfig.rootNamespace}, outbound traffic policy {snapshot.meshConfig.outboundTrafficPolicy}
        {snapshot.meshConfig.source ? ` (from ${snapshot.meshConfig.source})` : " (Istio's defaults: no mesh config was read)"}.
      </p>
    </section>
  );
}

/** `k=v, k2=v2` in key order; the name label every namespace has is left out as noise. */
const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .filter(([k]) => k !== "kubernetes.io/metadata.name")
    .sort(([a], [b]) => compare(a, b))
    .map(([k, v]) => `${k}=${v}`)
    .join(", ") || "none";

/** Lists printed in full up to this many entries, then counted. */
const GAP_ITEMS = 100;

export function GapsSection({ snapshot }: { snapshot: Snapshot }) {
  const gaps = snapshot.coverageGaps;
  const unmatched = snapshot.telemetry?.unmatched ?? [];
  const warnings = snapshot.warnings;
  return (
    <section id="gaps">
      <h1>{REPORT_SECTIONS[4].title}</h1>
      <p>What Meshlens could not read, so the analysis may be incomplete there.</p>
      <h2>Telemetry</h2>
      <p>{telemetryText(snapshot)}</p>
      {!snapshot.telemetryWindow && (
        <p className="hint">Without telemetry, findings that compare what is allowed with what was observed (over-permissive paths, unnecessary egress, contradictions) are not reported.</p>
      )}
      <h2>Resources not read ({gaps.length})</h2>
      {gaps.length === 0 ? (
        <p>None: every resource kind Meshlens reads could be listed.</p>
      ) : (
        <Table headers={["Resource", "Namespace", "Reason"]} rows={gaps.slice(0, GAP_ITEMS).map((g) => [g.resource, g.namespace ?? "all", g.reason])} />
      )}
      {gaps.length > GAP_ITEMS && <p className="hint">{gaps.length - GAP_ITEMS} more gaps left out.</p>}
      <h2>Telemetry workloads not in the topology ({unmatched.length})</h2>
      <p>{unmatched.length === 0 ? "None." : unmatched.slice(0, GAP_ITEMS).join(", ") + (unmatched.length > GAP_ITEMS ? `, and ${unmatched.length - GAP_ITEMS} more` : "")}</p>
      <h2>Input skipped on ingest ({warnings.length})</h2>
      {warnings.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {warnings.slice(0, GAP_ITEMS).map((w, i) => (
            <li key={i}>
              {w.file}, document {w.document}: {w.message}
            </li>
          ))}
        </ul>
      )}
      {warnings.length > GAP_ITEMS && <p className="hint">{warnings.length - GAP_ITEMS} more left out.</p>}
    </section>
  );
}

export function MethodSection() {
  return (
    <section id="method">
      <h1>{REPORT_SECTIONS[5].title}</h1>
      <p>
        Meshlens reads the cluster&apos;s workloads, services and policies (NetworkPolicy, and Istio&apos;s AuthorizationPolicy, PeerAuthentication,
        RequestAuthentication, DestinationRule, Sidecar, ServiceEntry and mesh config), computes which workload may connect to which, port by port, as
        Kubernetes and Istio define it, and compares that with the traffic Istio observed over the telemetry window. Each problem becomes a finding
        with its evidence and a remediation. The kinds of finding:
      </p>
      <Table
        headers={["Kind", "Meaning"]}
        rows={FINDING_KINDS.map((k) => [
          <>
            <strong>{KIND_DESCRIPTIONS[k].title}</strong>
            <br />
            <code>{k}</code>
          </>,
          KIND_DESCRIPTIONS[k].description,
        ])}
      />
      <p>
        Severities, worst first: {SEVERITIES.join(", ")}. The snapshot is immutable; its content hash on the cover identifies exactly what was
        analysed.
      </p>
    </section>
  );
}
