/**
 * Findings as SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), so
 * they show up in code-scanning tools: one rule per finding kind, one result per finding, the
 * finding id as a partial fingerprint (stable across runs), the subjects as logical locations.
 * GitHub code scanning reads `security-severity` (0-10) from the rule and needs a physical
 * location: the manifests' path when the findings come from files.
 */
import { FINDING_KINDS, SEVERITY_RANK, type Finding, type FindingKind, type Severity } from "../model";
import { KIND_DESCRIPTIONS } from "./kinds";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "1.0" };

export function toSarif(findings: readonly Finding[], options: { version: string; artifact?: string }): object {
  // A rule's severity is the worst of its findings (SARIF has one per rule; results carry theirs).
  const worst = new Map<FindingKind, Severity>();
  for (const f of findings) {
    const known = worst.get(f.kind);
    if (!known || SEVERITY_RANK[f.severity] < SEVERITY_RANK[known]) worst.set(f.kind, f.severity);
  }
  const rules = FINDING_KINDS.map((kind) => ({
    id: kind,
    name: kind.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: KIND_DESCRIPTIONS[kind].title },
    fullDescription: { text: KIND_DESCRIPTIONS[kind].description },
    help: { text: KIND_DESCRIPTIONS[kind].description },
    defaultConfiguration: { level: LEVEL[worst.get(kind) ?? "medium"] },
    properties: { tags: ["security", "kubernetes", "istio"], "security-severity": SECURITY_SEVERITY[worst.get(kind) ?? "medium"] },
  }));
  const results = findings.map((f) => ({
    ruleId: f.kind,
    ruleIndex: FINDING_KINDS.indexOf(f.kind),
    level: LEVEL[f.severity],
    message: { text: `${f.title}. ${f.remediation.summary}` },
    ...(options.artifact ? { locations: [{ physicalLocation: { artifactLocation: { uri: options.artifact } }, logicalLocations: f.subjects.map((s) => ({ name: s, kind: "resource" })) }] } : { locations: [{ logicalLocations: f.subjects.map((s) => ({ name: s, kind: "resource" })) }] }),
    partialFingerprints: { meshlensFindingId: f.id },
    properties: { severity: f.severity, subjects: f.subjects, evidence: f.evidence, ...(f.remediation.yaml ? { remediationYaml: f.remediation.yaml } : {}) },
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "Meshlens", version: options.version, informationUri: "https://github.com/meshlens/meshlens", rules } }, results }],
  };
}
