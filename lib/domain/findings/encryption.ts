/**
 * Encryption findings: plaintext Istio observed inside the mesh (`unencrypted-traffic`), and the
 * settings that let plaintext in (`mtls-not-enforced`).
 *
 * Severity rules
 * - `unencrypted-traffic` (one finding per source and destination workload):
 *   - high when the plaintext crosses namespaces; or the destination looks like a data store (a
 *     Service or container port named, or numbered, like postgres 5432, mysql 3306, redis 6379,
 *     mongodb 27017, cassandra 9042, elasticsearch 9200...); or it is TCP from an unknown source
 *     (nothing tells who sent it, and a TCP stream carries whatever the protocol is);
 *   - medium otherwise.
 * - `mtls-not-enforced`, one finding per workload (`mtls-not-enforced:<workload>`):
 *   - high when a port's PeerAuthentication mode is DISABLE, or the workload has no sidecar while
 *     workloads with one call it (observed, or allowed by the policies): auto mTLS then falls back
 *     to plaintext, and no proxy enforces its AuthorizationPolicies;
 *   - medium when a port is PERMISSIVE (Istio's default PERMISSIVE, set by no policy, included);
 *   - low when PERMISSIVE but no workload and no address outside the cluster may reach the
 *     PERMISSIVE ports (NetworkPolicies and Istio together), and no traffic to it was observed
 *     (an observed caller may be outside the snapshot, such as an ingress gateway).
 * - `mtls-not-enforced`, one finding per DestinationRule and workload
 *   (`mtls-not-enforced:<rule>,<workload>`): high. The rule's `tls.mode: DISABLE` makes client
 *   sidecars send plaintext to a workload that has a sidecar (or be refused where it is STRICT).
 *   Kept apart from the workload's own finding: it is a different object to fix, owned by the
 *   clients' side.
 *
 * Scope
 * - unencrypted-traffic reads edges from a workload or an unknown source to a workload: edges
 *   leaving the mesh are egress findings, and sources telemetry named but the snapshot lacks
 *   (`unmatched`) have no id to report. For an unknown source the evidence lists likely senders.
 * - A workload without a sidecar is reported when meshed workloads were seen calling it, or when
 *   the policies let them reach it over TCP and it serves something (a TCP port or a Service:
 *   a pure client such as a backup job has no callers). The policy-only case skips kube-system
 *   and Istio's namespace, whose components run without sidecars by design.
 */
import { dump } from "js-yaml";
import { readDestinationRules } from "../engine/istio/destination-rule-read";
import { hostMatches } from "../engine/istio/destination-rule-hosts";
import { selectorMatches } from "../engine/istio/istio-selectors";
import { resolveClientTls, type WorkloadMtls } from "../engine/istio/mtls";
import { compareCreation } from "../engine/istio/mtls-verbatim";
import { readPeerAuthentications, type PeerAuthenticationRule } from "../engine/istio/peer-authentication-read";
import type { Finding, Labels, Policy, Service, Severity, Snapshot, TrafficEdge, Workload } from "../model";
import { findingId, pairKey, type Detector, type FindingContext } from "./context";
import { ALL_TCP, mtlsTargets, portMode, resolveTargetPort, servicesSelecting, setterText, sortedUnique, targetPorts, weakPortsOf, WEAK, type WeakPorts } from "./mtls-targets";
import { scanPaths, type Callers, type Reach } from "./paths";

const NO_CALLERS: Callers = { count: 0, first: [] };

export { setterText };

// ---------------------------------------------------------------------------------------------
// Remediation YAML, shared with egress.ts

/** One object of a remediation and the comment lines printed above it. */
export interface YamlObject {
  comments: string[];
  object: Record<string, unknown>;
}

/** Objects as one multi-document YAML that `kubectl apply -f` accepts, each with its `#` comments. */
export function remediationYaml(objects: readonly YamlObject[]): string {
  return objects
    // js-yaml: an order of magnitude faster than `yaml` here, which matters with thousands of findings.
    .map(({ comments, object }) => [...comments.map((line) => `# ${line}`), dump(object, { lineWidth: -1, noRefs: true }).trimEnd()].join("\n"))
    .join("\n---\n")
    .concat("\n");
}

/** Prefer these label sets for a selector: stable names rather than versions or hashes. */
const SELECTOR_KEYS: readonly (readonly string[])[] = [["app"], ["app.kubernetes.io/name"], ["app.kubernetes.io/name", "app.kubernetes.io/instance"], ["k8s-app"], ["app", "version"]];

/**
 * matchLabels that select the workload's pods and no other workload of its namespace: the
 * first of SELECTOR_KEYS that does, else all its pod labels (which may be `{}`: then the
 * selector takes the whole namespace, and callers say so).
 */
export function matchLabelsFor(workload: Workload, workloads: readonly Workload[]): Labels {
  let cache = selectorCache.get(workloads);
  if (!cache) selectorCache.set(workloads, (cache = { byNamespace: groupByNamespace(workloads), labels: new Map() }));
  let labels = cache.labels.get(workload.id);
  if (!labels) cache.labels.set(workload.id, (labels = distinguishingLabels(workload, cache.byNamespace.get(workload.namespace) ?? [])));
  return labels;
}

/** Per workload list (a snapshot's), its workloads by namespace and the selectors worked out so far. */
const selectorCache = new WeakMap<readonly Workload[], { byNamespace: Map<string, Workload[]>; labels: Map<string, Labels> }>();

function groupByNamespace(workloads: readonly Workload[]): Map<string, Workload[]> {
  const byNamespace = new Map<string, Workload[]>();
  for (const w of workloads) {
    const list = byNamespace.get(w.namespace);
    if (list) list.push(w);
    else byNamespace.set(w.namespace, [w]);
  }
  return byNamespace;
}

function distinguishingLabels(workload: Workload, namespaceWorkloads: readonly Workload[]): Labels {
  const others = namespaceWorkloads.filter((w) => w.id !== workload.id);
  for (const keys of SELECTOR_KEYS) {
    if (!keys.every((key) => workload.labels[key] !== undefined)) continue;
    const labels = Object.fromEntries(keys.map((key) => [key, workload.labels[key]!]));
    if (!others.some((w) => keys.every((key) => w.labels[key] === labels[key]))) return labels;
  }
  return Object.fromEntries(Object.entries(workload.labels).sort(([a], [b]) => compareText(a, b)));
}

/** What an object of the snapshot looks like for `kubectl apply`: its identity and spec, no status or server fields. */
export function applicable(policy: Policy): Record<string, unknown> & { spec: Record<string, unknown> } {
  const metadata = (policy.object.metadata ?? {}) as { labels?: Labels; annotations?: Record<string, string> };
  const annotations = Object.fromEntries(Object.entries(metadata.annotations ?? {}).filter(([key]) => key !== "kubectl.kubernetes.io/last-applied-configuration"));
  const spec = policy.object.spec;
  return {
    apiVersion: policy.apiVersion,
    kind: policy.kind,
    metadata: {
      name: policy.name,
      namespace: policy.namespace,
      // Kept: leaving them out would make `kubectl apply` remove labels it applied before.
      ...(metadata.labels && Object.keys(metadata.labels).length > 0 ? { labels: metadata.labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: typeof spec === "object" && spec !== null && !Array.isArray(spec) ? (structuredClone(spec) as Record<string, unknown>) : {},
  };
}

/** Findings in id order: each detector's output is deterministic. */
export const byFindingId = (a: Finding, b: Finding) => compareText(a.id, b.id);


const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// unencrypted-traffic

/** The edges of one source (workload id or "unknown") toward one destination workload. */
interface EdgePair {
  source: Workload | null;
  destination: Workload;
  edges: TrafficEdge[];
}

export const unencryptedTraffic: Detector = (context) => {
  const byId = workloadsById(context);
  const pairs = new Map<string, EdgePair>();
  for (const edge of context.snapshot.edges) {
    if (edge.destination.kind !== "workload" || (edge.source.kind !== "workload" && edge.source.kind !== "unknown")) continue;
    const destination = byId.get(edge.destination.id);
    const source = edge.source.kind === "workload" ? byId.get(edge.source.id) : null;
    if (!destination || source === undefined) continue;
    const key = pairKey(source?.id ?? "unknown", destination.id);
    const pair = pairs.get(key);
    if (pair) pair.edges.push(edge);
    else pairs.set(key, { source, destination, edges: [edge] });
  }
  const findings: Finding[] = [];
  for (const pair of pairs.values()) {
    const finding = unencryptedFinding(context, pair);
    if (finding) findings.push(finding);
  }
  return findings.sort(byFindingId);
};

/**
 * The share of an edge that was plaintext, or null when its encryption is unknown. Only the
 * destination proxy knows how a connection arrived (`connection_security_policy`); traffic only
 * the source proxy saw went to a destination without a sidecar, which cannot terminate mTLS, so
 * the source sent it in plaintext (auto mTLS falls back to plaintext there).
 */
function plaintextShare(edge: TrafficEdge, destination: Workload): number | null {
  if (edge.reportedBy === "destination") return edge.mtlsShare === null ? null : 1 - edge.mtlsShare;
  return destination.sidecar.injected ? null : 1;
}

function unencryptedFinding(context: FindingContext, { source, destination, edges }: EdgePair): Finding | null {
  const totals = { requests: 0, plaintextRequests: 0, connections: 0, plaintextConnections: 0, bytes: 0, plaintextBytes: 0 };
  const counted: TrafficEdge[] = [];
  for (const edge of edges) {
    const share = plaintextShare(edge, destination);
    if (share === null) continue;
    counted.push(edge);
    const bytes = edge.requestBytes + edge.responseBytes;
    totals.requests += edge.requests;
    totals.plaintextRequests += edge.requests * share;
    totals.connections += edge.connections;
    totals.plaintextConnections += edge.connections * share;
    totals.bytes += bytes;
    totals.plaintextBytes += bytes * share;
  }
  if (totals.plaintextRequests + totals.plaintextConnections + totals.plaintextBytes === 0) return null;
  const plaintext = {
    requests: Math.round(totals.plaintextRequests),
    connections: Math.round(totals.plaintextConnections),
    bytes: Math.round(totals.plaintextBytes),
  };
  // Requests and connections are what mtlsShare is a share of; bytes only when neither was counted.
  const units = totals.requests + totals.connections;
  const share = units > 0 ? (totals.plaintextRequests + totals.plaintextConnections) / units : totals.plaintextBytes / totals.bytes;

  const sourceId = source?.id ?? "unknown";
  const protocols = sortedUnique(counted.flatMap((edge) => edge.protocols));
  const services = servicesBehind(context, destination, counted);
  const store = dataStore(services, destination);
  const crossNamespace = source !== null && source.namespace !== destination.namespace;
  const unknownTcp = source === null && protocols.includes("tcp");
  const severity: Severity = crossNamespace || store !== null || unknownTcp ? "high" : "medium";
  const mtls = context.analysis.mtls.get(destination.id);
  const ports = targetPorts(services, destination);
  const likelySources = source === null ? likelySourcesOf(context, destination) : [];

  return {
    id: findingId("unencrypted-traffic", sourceId, destination.id),
    kind: "unencrypted-traffic",
    severity,
    title: `Plaintext traffic from ${source ? source.id : "an unknown source"} to ${destination.id}`,
    subjects: [sourceId, destination.id],
    evidence: {
      source: sourceId,
      destination: destination.id,
      services: sortedUnique(counted.flatMap((edge) => (edge.service ? [edge.service] : []))),
      protocols,
      reportedBy: sortedUnique(counted.map((edge) => edge.reportedBy)),
      requests: totals.requests,
      plaintextRequests: plaintext.requests,
      connections: totals.connections,
      plaintextConnections: plaintext.connections,
      bytes: totals.bytes,
      plaintextBytes: plaintext.bytes,
      plaintextShare: Math.round(share * 1000) / 1000,
      window: context.window ?? context.snapshot.telemetryWindow,
      destinationMode: destination.sidecar.injected && mtls ? mtls.mode.mode : "no sidecar",
      destinationModeSetBy: destination.sidecar.injected && mtls ? setterText(mtls.mode.setBy) : destination.sidecar.reason,
      destinationPorts: destination.sidecar.injected && mtls ? ports.map((port) => portMode(mtls, port)) : ports.map((port) => ({ port })),
      crossNamespace,
      dataStore: store,
      ...(source === null ? { likelySources } : {}),
    },
    remediation: unencryptedRemediation(context, { source, destination, likelySources }),
  };
}

/**
 * Workloads that may have sent plaintext an unknown source is blamed for: those whose own proxy
 * reported traffic to the destination that the destination could not attribute (plaintext TCP
 * carries no peer metadata), and those without a sidecar that the policies let reach it over TCP.
 */
function likelySourcesOf(context: FindingContext, destination: Workload): string[] {
  const found = new Set<string>();
  for (const edge of context.observedTo.get(destination.id) ?? []) {
    if (edge.source.kind === "workload" && edge.reportedBy === "source") found.add(edge.source.id);
  }
  const d = context.index.get(destination.id);
  if (d !== undefined) {
    context.snapshot.workloads.forEach((w, s) => {
      if (w.sidecar.injected || s === d) return;
      if (!context.analysis.connectionsBetween(s, d).intersect(ALL_TCP).isEmpty()) found.add(w.id);
    });
  }
  return sortedUnique(found);
}

function unencryptedRemediation(context: FindingContext, input: { source: Workload | null; destination: Workload; likelySources: string[] }): Finding["remediation"] {
  const { source, destination } = input;
  const steps: string[] = [];
  const objects = new Map<string, YamlObject>();
  const add = (fix: Fix) => {
    steps.push(fix.summary);
    for (const object of fix.objects) objects.set(objectKey(object), object);
  };
  if (!destination.sidecar.injected) {
    add(injectionFix(context, destination));
  } else {
    const byId = workloadsById(context);
    const disabled = disabledClientTls(context).filter((entry) => entry.destination.id === destination.id);
    const senders = source ? [source] : input.likelySources.flatMap((id) => byId.get(id) ?? []);
    for (const sender of senders) if (!sender.sidecar.injected) add(injectionFix(context, sender));
    // A known sender: the rules that apply to it. An unknown one: any rule that turns TLS off
    // toward the destination is the first suspect (plaintext TCP carries no peer metadata).
    for (const entry of disabled) if (!source || entry.clients.includes(source.id)) add(destinationRuleFix(context, entry));
    if (!source && senders.length === 0 && disabled.length === 0) {
      steps.push("Find the client: telemetry cannot name it (plaintext TCP, or a client outside the mesh); give it a sidecar.");
    }
    const mtls = context.analysis.mtls.get(destination.id);
    const weak = mtls ? weakPortsOf(destination, mtls, servicesSelecting(context, destination)) : null;
    if (mtls && weak) {
      const strict = `make ${destination.id} refuse plaintext (PeerAuthentication STRICT), only once every caller sends mTLS: callers without a sidecar are refused after that.`;
      steps.push(steps.length > 0 ? `Then ${strict}` : `${strict[0]!.toUpperCase()}${strict.slice(1)}`);
      for (const object of strictFix(context, destination, mtls, weak)) objects.set(objectKey(object), object);
    }
  }
  // STRICT everywhere now: plaintext could only have arrived before a policy changed within the window.
  if (steps.length === 0) steps.push(`${destination.id} accepts only mTLS now: a policy probably changed within the window; check that no caller still sends plaintext.`);
  const summary = [...new Set(steps)].join(" ");
  return objects.size > 0 ? { summary, yaml: remediationYaml([...objects.values()]) } : { summary };
}

// ---------------------------------------------------------------------------------------------
// mtls-not-enforced

export const mtlsNotEnforced: Detector = (context) => {
  const findings = [...workloadFindings(context), ...destinationRuleFindings(context)];
  return findings.sort(byFindingId);
};


function workloadFindings(context: FindingContext): Finding[] {
  const { weak } = mtlsTargets(context);
  const { reach } = scanPaths(context);
  const findings: Finding[] = [];
  context.snapshot.workloads.forEach((w, i) => {
    const mtls = context.analysis.mtls.get(w.id);
    if (!mtls) return;
    const ports = weak.get(i);
    if (ports) findings.push(weakModeFinding(context, w, mtls, ports, reach));
    else if (!w.sidecar.injected) {
      const finding = unmeshedFinding(context, w, reach.meshedCallers.get(i) ?? NO_CALLERS);
      if (finding) findings.push(finding);
    }
  });
  return findings;
}

function weakModeFinding(context: FindingContext, workload: Workload, mtls: WorkloadMtls, ports: WeakPorts, reach: Reach): Finding {
  const i = context.index.get(workload.id)!;
  const { exampleCaller, unmeshedCallers, fromOutside } = reach.weak.get(i) ?? { exampleCaller: null, unmeshedCallers: NO_CALLERS, fromOutside: false };
  // Observed callers count too: they may be outside the snapshot (an ingress gateway istioctl installed).
  const observedCallers = sortedUnique((context.observedTo.get(workload.id) ?? []).map((edge) => peerLabel(edge.source)));
  const reachable = exampleCaller !== null || fromOutside || observedCallers.length > 0;
  const plaintextCallers = unmeshedCallers.first;
  const named = unmeshedCallers.count > 5 ? `${plaintextCallers.slice(0, 5).join(", ")} and ${unmeshedCallers.count - 5} more` : plaintextCallers.join(", ");
  const severity: Severity = ports.disable ? "high" : reachable ? "medium" : "low";
  const weakListed = ports.listed.filter((p) => WEAK.has(p.mode));
  const modes = sortedUnique(ports.wholeWorkload ? [mtls.mode.mode, ...weakListed.map((p) => p.mode)] : weakListed.map((p) => p.mode));
  const where = ports.wholeWorkload ? "" : ` on port${weakListed.length > 1 ? "s" : ""} ${weakListed.map((p) => p.port).join(", ")}`;
  // Clients a DestinationRule makes send plaintext would be refused by STRICT: that rule comes first.
  const ruleFixes = disabledClientTls(context)
    .filter((entry) => entry.destination.id === workload.id)
    .map((entry) => destinationRuleFix(context, entry));
  const fix = [...ruleFixes.flatMap((f) => f.objects), ...strictFix(context, workload, mtls, ports)];
  return {
    id: findingId("mtls-not-enforced", workload.id),
    kind: "mtls-not-enforced",
    severity,
    title: `${workload.id} accepts plaintext${where} (${modes.join(", ")})`,
    subjects: [workload.id],
    evidence: {
      workload: workload.id,
      sidecar: true,
      mode: mtls.mode.mode,
      setBy: setterText(mtls.mode.setBy),
      ports: ports.listed,
      weakPorts: ports.wholeWorkload ? (ports.listed.some((p) => !WEAK.has(p.mode)) ? "every port not listed as STRICT" : "all") : weakListed.map((p) => p.port),
      exampleCaller,
      callersWithoutSidecar: plaintextCallers,
      reachableFromOutside: fromOutside,
      observedCallers,
    },
    remediation: {
      summary:
        ruleFixes.map((f) => `${f.summary} `).join("") +
        `${ruleFixes.length > 0 ? "Then require" : "Require"} mTLS (STRICT) for ${workload.id} with the PeerAuthentication below. ` +
        `Only safe once every caller sends mTLS: callers without a sidecar${named ? ` (${named})` : ""}, or with a DestinationRule tls DISABLE toward it, are refused after that.` +
        (reachable ? "" : " Nothing may reach these ports now, so nothing breaks today."),
      ...(fix.length > 0 ? { yaml: remediationYaml(fix) } : {}),
    },
  };
}

function unmeshedFinding(context: FindingContext, workload: Workload, allowed: Callers): Finding | null {
  const byId = workloadsById(context);
  const observed = sortedUnique(
    (context.observedTo.get(workload.id) ?? []).flatMap((edge) => (edge.source.kind === "workload" && byId.get(edge.source.id)?.sidecar.injected ? [edge.source.id] : [])),
  );
  if (observed.length === 0 && allowed.count === 0) return null;
  const fix = injectionFix(context, workload);
  const authz = context.analysis.authorization.policiesFor(workload);
  return {
    id: findingId("mtls-not-enforced", workload.id),
    kind: "mtls-not-enforced",
    severity: "high",
    title: `${workload.id} has no sidecar, but workloads with one ${observed.length > 0 ? "call" : "may call"} it: that traffic is plaintext`,
    subjects: [workload.id],
    evidence: {
      workload: workload.id,
      sidecar: false,
      sidecarReason: workload.sidecar.reason,
      ports: workload.ports.filter((p) => p.protocol === "TCP").map((p) => p.port),
      observedMeshedCallers: observed,
      allowedMeshedCallers: allowed.count,
      allowedMeshedCallerExamples: allowed.first,
      // No proxy runs beside it, so nothing enforces these.
      unenforcedAuthorizationPolicies: sortedUnique(authz),
    },
    remediation: {
      summary: `${fix.summary} Auto mTLS then encrypts its meshed callers' traffic${authz.length > 0 ? ", and its AuthorizationPolicies take effect" : ""}.`,
      ...(fix.objects.length > 0 ? { yaml: remediationYaml(fix.objects) } : {}),
    },
  };
}

function destinationRuleFindings(context: FindingContext): Finding[] {
  return disabledClientTls(context).map((entry) => {
    const { rule, destination } = entry;
    const mtls = context.analysis.mtls.get(destination.id);
    const serverModes = sortedUnique(entry.ports.flatMap((p) => (p.targetPort === null ? [] : [p.targetPort]))).map((port) => (mtls ? portMode(mtls, port) : { port }));
    const observed = sortedUnique(
      (context.observedTo.get(destination.id) ?? []).flatMap((edge) => (edge.source.kind === "workload" && entry.clients.includes(edge.source.id) ? [edge.source.id] : [])),
    );
    const fix = destinationRuleFix(context, entry);
    return {
      id: findingId("mtls-not-enforced", rule, destination.id),
      kind: "mtls-not-enforced",
      severity: "high",
      title: `${rule} turns TLS off (DISABLE) toward ${destination.id}, which has a sidecar`,
      subjects: [rule, destination.id],
      evidence: {
        rule,
        fields: entry.fields,
        destination: destination.id,
        servicePorts: entry.ports.map((p) => `${p.service}:${p.port}`),
        serverModes,
        clients: entry.clients.length,
        clientExamples: entry.clients.slice(0, 10),
        observedClients: observed,
      },
      remediation: { summary: fix.summary, ...(fix.objects.length > 0 ? { yaml: remediationYaml(fix.objects) } : {}) },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// DestinationRules with tls DISABLE toward workloads with a sidecar

interface DisabledTls {
  rule: string;
  /** Where in the rule the DISABLE is (`spec.trafficPolicy.tls.mode`, a portLevelSettings entry...). */
  fields: string[];
  destination: Workload;
  /** Service ports it applies to, and the workload port each sends to (null: a named port the workload lacks). */
  ports: { service: string; port: number; targetPort: number | null }[];
  /** Workloads with a sidecar whose sidecar the rule makes send plaintext (sorted). */
  clients: string[];
}

const disabledCache = new WeakMap<FindingContext, DisabledTls[]>();

/**
 * Every (DestinationRule, workload) where a client sidecar resolves `tls.mode: DISABLE` for a
 * Service port of a workload that has a sidecar, with resolveClientTls (Istio's lookup: the
 * client's namespace, then the service's, then the root namespace). Clients are tried one per
 * namespace and label set, as that is all the lookup reads of them.
 */
function disabledClientTls(context: FindingContext): DisabledTls[] {
  const known = disabledCache.get(context);
  if (known) return known;
  const { snapshot } = context;
  const rules = readDestinationRules(snapshot.policies).rules.filter(
    (rule) => rule.trafficPolicy !== null && (rule.trafficPolicy.tls?.mode === "DISABLE" || [...rule.trafficPolicy.ports.values()].some((p) => p.tls?.mode === "DISABLE")),
  );
  const found = new Map<string, DisabledTls & { fieldSet: Set<string>; clientSet: Set<string>; portKeys: Set<string> }>();
  if (rules.length > 0) {
    const clientGroups = new Map<string, Workload[]>();
    for (const w of snapshot.workloads) {
      if (!w.sidecar.injected) continue;
      const key = `${w.namespace}|${JSON.stringify(Object.entries(w.labels).sort(([a], [b]) => compareText(a, b)))}`;
      clientGroups.set(key, [...(clientGroups.get(key) ?? []), w]);
    }
    for (const destination of snapshot.workloads) {
      if (!destination.sidecar.injected) continue;
      for (const service of servicesSelecting(context, destination)) {
        const host = `${service.name}.${service.namespace}.svc.cluster.local`;
        if (!rules.some((rule) => hostMatches(rule.host, host))) continue;
        for (const sp of service.ports) {
          if (sp.protocol !== "TCP") continue;
          for (const group of clientGroups.values()) {
            const decision = resolveClientTls({
              source: group[0]!,
              destinationHost: host,
              destinationNamespace: service.namespace,
              port: sp.port,
              policies: snapshot.policies,
              meshConfig: snapshot.meshConfig,
            });
            if (decision.mode !== "DISABLE" || decision.setBy === null) continue;
            const key = `${decision.setBy}|${destination.id}`;
            let entry = found.get(key);
            if (!entry) {
              entry = { rule: decision.setBy, fields: [], destination, ports: [], clients: [], fieldSet: new Set(), clientSet: new Set(), portKeys: new Set() };
              found.set(key, entry);
            }
            if (decision.field) entry.fieldSet.add(decision.field);
            for (const w of group) if (w.id !== destination.id) entry.clientSet.add(w.id);
            const portKey = `${service.name}:${sp.port}`;
            if (!entry.portKeys.has(portKey)) {
              entry.portKeys.add(portKey);
              entry.ports.push({ service: service.name, port: sp.port, targetPort: resolveTargetPort(sp, destination) });
            }
          }
        }
      }
    }
  }
  const result = [...found.values()]
    .filter((entry) => entry.clientSet.size > 0)
    .map(({ rule, destination, ports, fieldSet, clientSet }) => ({
      rule,
      destination,
      fields: sortedUnique(fieldSet),
      ports: ports.sort((a, b) => compareText(a.service, b.service) || a.port - b.port),
      clients: sortedUnique(clientSet),
    }))
    .sort((a, b) => compareText(a.rule, b.rule) || compareText(a.destination.id, b.destination.id));
  disabledCache.set(context, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Fixes

interface Fix {
  summary: string;
  objects: YamlObject[];
}

const objectKey = ({ object }: YamlObject) => {
  const metadata = object.metadata as { name?: string; namespace?: string } | undefined;
  return `${String(object.kind)}|${metadata?.namespace ?? ""}|${metadata?.name ?? ""}`;
};

/**
 * How a workload gets a sidecar: Istio injects pods of namespaces labelled
 * `istio-injection=enabled` (or with an `istio.io/rev` revision label), unless the pod template
 * opts out with `sidecar.istio.io/inject: "false"`
 * (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/). Injection happens
 * when pods are created, so running pods need a restart.
 */
function injectionFix(context: FindingContext, workload: Workload): Fix {
  const namespace = context.snapshot.namespaces.find((n) => n.name === workload.namespace);
  const labels = namespace?.labels ?? {};
  const enabled = labels["istio-injection"] === "enabled" || (labels["istio.io/rev"] !== undefined && labels["istio-injection"] !== "disabled");
  const optedOut = workload.labels["sidecar.istio.io/inject"] === "false";
  const steps: string[] = [];
  const objects: YamlObject[] = [];
  if (!enabled) {
    steps.push(`label namespace ${workload.namespace} istio-injection=enabled`);
    const kept = Object.fromEntries(Object.entries(labels).filter(([key]) => key !== "kubernetes.io/metadata.name" && key !== "istio-injection"));
    objects.push({
      comments: [
        `Turns on Istio sidecar injection for the pods created in ${workload.namespace} from now on.`,
        `Running pods get a sidecar when restarted, e.g. kubectl rollout restart deployment,statefulset -n ${workload.namespace}`,
      ],
      object: { apiVersion: "v1", kind: "Namespace", metadata: { name: workload.namespace, labels: { ...kept, "istio-injection": "enabled" } } },
    });
  }
  if (optedOut) steps.push(`remove the sidecar.istio.io/inject: "false" label from ${workload.id}'s pod template`);
  if (enabled && !optedOut) steps.push(`give ${workload.id} a sidecar (now: ${workload.sidecar.reason})`);
  return { summary: `Inject a sidecar into ${workload.id}: ${steps.join(", and ")}; then restart its pods.`, objects };
}

/** The DestinationRule with ISTIO_MUTUAL where it said DISABLE, everything else kept. */
function destinationRuleFix(context: FindingContext, entry: DisabledTls): Fix {
  const policy = context.snapshot.policies.find((p) => p.id === entry.rule);
  const summary = `Set tls.mode ISTIO_MUTUAL instead of DISABLE in ${entry.rule} (or remove its tls block, so that auto mTLS decides), so that client sidecars send mTLS to ${entry.destination.id}.`;
  if (!policy) return { summary, objects: [] };
  const object = applicable(policy);
  for (const field of entry.fields) setField(object, field.endsWith(".tls") ? `${field}.mode` : field, "ISTIO_MUTUAL");
  return {
    summary,
    objects: [
      {
        comments: [
          `${entry.rule}: ISTIO_MUTUAL where it said DISABLE (${entry.fields.join(", ")}),`,
          `so that client sidecars send Istio mTLS to ${entry.destination.id}. Everything else is as it was.`,
        ],
        object,
      },
    ],
  };
}

const paCache = new WeakMap<readonly Policy[], PeerAuthenticationRule[]>();

function peerAuthentications(policies: readonly Policy[]): PeerAuthenticationRule[] {
  let rules = paCache.get(policies);
  if (!rules) paCache.set(policies, (rules = readPeerAuthentications(policies).rules.sort((a, b) => compareCreation(a.order, b.order))));
  return rules;
}

/**
 * PeerAuthentication STRICT where the workload is weak, changing the policy that made it weak
 * (Istio's scopes: workload > namespace > mesh, see peer-authentication.ts):
 * - a namespace-wide policy of its namespace set the weak mode: that policy, STRICT (the whole
 *   namespace: its other workloads get the same finding);
 * - else the workload-specific policy selecting it (the oldest, the one istiod uses), STRICT,
 *   with its weak portLevelMtls entries STRICT;
 * - else a new workload-specific policy `<name>-strict`, selector from its labels.
 */
const policyIndexes = new WeakMap<Snapshot, { rules: ReturnType<typeof peerAuthentications>; policyById: Map<string, Policy> }>();

/** The snapshot's PeerAuthentications read once, and its policies by id. */
function policyIndex(snapshot: Snapshot) {
  let index = policyIndexes.get(snapshot);
  if (!index) policyIndexes.set(snapshot, (index = { rules: peerAuthentications(snapshot.policies), policyById: new Map(snapshot.policies.map((p) => [p.id, p])) }));
  return index;
}

function strictFix(context: FindingContext, workload: Workload, mtls: WorkloadMtls, weak: WeakPorts): YamlObject[] {
  const { snapshot } = context;
  const root = snapshot.meshConfig.rootNamespace;
  const { rules, policyById } = policyIndex(snapshot);
  const workloadRule = rules.find((r) => r.namespace === workload.namespace && r.selector !== null && selectorMatches(r.selector, workload.labels));
  const namespaceRule = rules.find((r) => r.id === mtls.mode.setBy && r.selector === null && r.namespace === workload.namespace && r.namespace !== root);
  const consequence = "Apply once every caller sends mTLS: plaintext callers are refused after this.";
  const policyOf = (rule: PeerAuthenticationRule | undefined) => (rule ? policyById.get(rule.id) : undefined);
  if (workload.namespace === root) {
    // istiod ignores policies with a selector in the root namespace: there only the mesh-wide one counts.
    const mesh = policyOf(rules.find((r) => r.namespace === root && r.selector === null));
    const object = mesh ? applicable(mesh) : { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: root }, spec: {} as Record<string, unknown> };
    object.spec.mtls = { mode: "STRICT" };
    return [{ comments: [`Mesh-wide STRICT: ${workload.id} is in the root namespace ${root}, where only the mesh-wide policy applies.`, consequence], object }];
  }
  const objects: YamlObject[] = [];
  const namespacePolicy = weak.wholeWorkload ? policyOf(namespaceRule) : undefined;
  if (namespacePolicy) {
    const object = applicable(namespacePolicy);
    object.spec.mtls = { ...(isRecord(object.spec.mtls) ? object.spec.mtls : {}), mode: "STRICT" };
    objects.push({ comments: [`${namespacePolicy.id}: STRICT instead of ${mtls.mode.mode}, for every workload of ${workload.namespace}.`, consequence], object });
  }
  const portsToFix = weak.listed.filter((p) => WEAK.has(p.mode) && p.setBy === workloadRule?.id).map((p) => p.port);
  const workloadPolicy = policyOf(workloadRule);
  if (workloadPolicy && ((weak.wholeWorkload && !namespacePolicy) || portsToFix.length > 0)) {
    const object = applicable(workloadPolicy);
    if (weak.wholeWorkload && !namespacePolicy) object.spec.mtls = { ...(isRecord(object.spec.mtls) ? object.spec.mtls : {}), mode: "STRICT" };
    if (portsToFix.length > 0) {
      const existing = isRecord(object.spec.portLevelMtls) ? object.spec.portLevelMtls : {};
      const entries = new Map<number, unknown>(Object.entries(existing).map(([port, value]) => [Number(port), value]));
      for (const port of portsToFix) entries.set(port, { mode: "STRICT" });
      // Integer keys: a plain object keeps them in ascending order.
      object.spec.portLevelMtls = Object.fromEntries(entries);
    }
    const what = [weak.wholeWorkload && !namespacePolicy ? "mode STRICT" : null, portsToFix.length > 0 ? `port${portsToFix.length > 1 ? "s" : ""} ${portsToFix.join(", ")} STRICT` : null].filter(Boolean).join(", ");
    objects.push({ comments: [`${workloadPolicy.id}: ${what}, for ${workload.id}.`, consequence], object });
  } else if (!workloadPolicy && weak.wholeWorkload && !namespacePolicy) {
    const matchLabels = matchLabelsFor(workload, snapshot.workloads);
    const everyPod = Object.keys(matchLabels).length === 0;
    objects.push({
      comments: [
        `Only mutual TLS into ${workload.id} (was ${mtls.mode.mode}, set by ${setterText(mtls.mode.setBy)}).`,
        ...(everyPod ? [`Its pods have no labels: without a selector this applies to every workload of ${workload.namespace}.`] : []),
        consequence,
      ],
      object: {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: `${workload.name}-strict`, namespace: workload.namespace },
        spec: { ...(everyPod ? {} : { selector: { matchLabels } }), mtls: { mode: "STRICT" } },
      },
    });
  }
  return objects;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Sets `value` at a field path such as `spec.trafficPolicy.portLevelSettings[0].tls.mode` (the path must exist up to its parent). */
function setField(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let at: unknown = root;
  for (const key of keys.slice(0, -1)) {
    at = Array.isArray(at) ? at[Number(key)] : isRecord(at) ? at[key] : undefined;
  }
  const last = keys.at(-1);
  if (last !== undefined && isRecord(at)) at[last] = value;
}

// ---------------------------------------------------------------------------------------------
// Services and ports

const workloadsByIdCache = new WeakMap<FindingContext, Map<string, Workload>>();

/** The snapshot's workloads by id, built once per context. */
export function workloadsById(context: FindingContext): Map<string, Workload> {
  let map = workloadsByIdCache.get(context);
  if (!map) workloadsByIdCache.set(context, (map = new Map(context.snapshot.workloads.map((w) => [w.id, w]))));
  return map;
}


/** The Services the edges went through (`destination_service`), else every Service selecting the destination. */
function servicesBehind(context: FindingContext, destination: Workload, edges: readonly TrafficEdge[]): Service[] {
  const selecting = servicesSelecting(context, destination);
  const named = selecting.filter((s) => edges.some((edge) => edge.service === `${s.name}.${s.namespace}.svc.cluster.local`));
  return named.length > 0 ? named : selecting;
}


/** A traffic peer as evidence names it: a workload id, `namespace/name` for one outside the snapshot, or its kind. */
function peerLabel(peer: TrafficEdge["source"]): string {
  if (peer.kind === "workload") return peer.id;
  if (peer.kind === "unmatched") return `${peer.namespace}/${peer.name}`;
  return peer.kind === "external" ? peer.host : "unknown";
}

/** Well-known ports of data stores: plaintext there is usually personal or business data. */
const DATA_STORE_PORTS: ReadonlyMap<number, string> = new Map([
  [1433, "sql server"],
  [1521, "oracle"],
  [2379, "etcd"],
  [3306, "mysql"],
  [5432, "postgres"],
  [5984, "couchdb"],
  [6379, "redis"],
  [7687, "neo4j"],
  [8086, "influxdb"],
  [9042, "cassandra"],
  [9200, "elasticsearch"],
  [11211, "memcached"],
  [26257, "cockroachdb"],
  [27017, "mongodb"],
]);
const DATA_STORE_NAME = /postgres|mysql|mariadb|redis|mongo|memcache|cassandra|elasticsearch|opensearch|couchdb|cockroach|mssql|oracle|etcd|influx|clickhouse|neo4j/i;

/** Why the destination looks like a data store (its Services' and container ports' names and numbers), or null. */
function dataStore(services: readonly Service[], workload: Workload): string | null {
  const ports = [
    ...services.flatMap((s) => s.ports.flatMap((sp) => [{ name: sp.name, port: sp.port }, ...(typeof sp.targetPort === "number" ? [{ name: undefined, port: sp.targetPort }] : [])])),
    ...workload.ports.map((p) => ({ name: p.name, port: p.port })),
  ];
  for (const { name, port } of ports) {
    if (name && DATA_STORE_NAME.test(name)) return `port ${port} named ${name}`;
    const known = DATA_STORE_PORTS.get(port);
    if (known) return `port ${port} (${known})`;
  }
  return null;
}

