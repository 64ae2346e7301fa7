/**
 * The findings of a snapshot: what the policies allow (the engine) compared with what was
 * observed (telemetry), as the problems security teams act on, each with evidence and a fix.
 * Pure: same snapshot, same findings, in the same order.
 */
import { SEVERITY_RANK, type Finding, type FindingsSummary, type Severity, type Snapshot } from "../model";
import { buildContext, type Detector } from "./context";
import { egressBlocksDns, unnecessaryEgress, unregisteredEgress } from "./egress";
import { mtlsNotEnforced, unencryptedTraffic } from "./encryption";
import { noDefaultDeny, overPermissivePath } from "./permissive";
import { policySelectsNothing, trafficContradictsPolicy } from "./policy-hygiene";
import { summarize } from "./summary";

export { KIND_DESCRIPTIONS } from "./kinds";
export { toSarif } from "./sarif";

const DETECTORS: readonly Detector[] = [
  trafficContradictsPolicy,
  unencryptedTraffic,
  mtlsNotEnforced,
  unregisteredEgress,
  noDefaultDeny,
  overPermissivePath,
  unnecessaryEgress,
  policySelectsNothing,
  egressBlocksDns,
];


/** Findings (worst first, then by kind and id) and the summary figures. */
export function analyzeSnapshot(snapshot: Snapshot): { findings: Finding[]; summary: FindingsSummary } {
  const context = buildContext(snapshot);
  const findings = DETECTORS.flatMap((detect) => detect(context)).sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compare(a.kind, b.kind) || compare(a.id, b.id),
  );
  return { findings, summary: summarize(context, findings) };
}

/** The snapshot with its findings and summary filled in. */
export function withFindings(snapshot: Snapshot): Snapshot {
  const { findings, summary } = analyzeSnapshot(snapshot);
  return { ...snapshot, findings, findingsSummary: summary };
}

/** Whether a finding is at or above a severity (for `--fail-on`). */
export const atLeast = (finding: Finding, severity: Severity) => SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[severity];

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
