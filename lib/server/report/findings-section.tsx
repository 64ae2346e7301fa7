/** @jsxImportSource @/lib/server/report/html */
import { SEVERITIES, SEVERITY_RANK, type Finding, type Severity } from "@/lib/domain/model";
import { compare } from "@/lib/domain/manifests/sort";
import { evidenceText } from "@/lib/domain/report/evidence";
import { REPORT_SECTIONS } from "./sections";
import { SEVERITY_COLORS } from "./svg";

/** Lists in evidence longer than this are cut, with the number left out. */
const EVIDENCE_ITEMS = 6;

const bySeverityThenId = (a: Finding, b: Finding) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compare(a.id, b.id);
const titleCase = (s: Severity) => s.charAt(0).toUpperCase() + s.slice(1);

/** Worst first, grouped by severity (a bookmark per group and per finding). */
export function FindingsSection({ findings }: { findings: readonly Finding[] }) {
  const sorted = [...findings].sort(bySeverityThenId);
  return (
    <section id="findings">
      <h1>{REPORT_SECTIONS[2].title}</h1>
      {sorted.length === 0 && <p>No findings.</p>}
      {SEVERITIES.map((severity) => {
        const group = sorted.filter((f) => f.severity === severity);
        if (group.length === 0) return null;
        return (
          <div key={severity}>
            <h2>{`${titleCase(severity)} (${group.length})`}</h2>
            {group.map((f) => (
              <FindingArticle key={f.id} finding={f} />
            ))}
          </div>
        );
      })}
    </section>
  );
}

function FindingArticle({ finding }: { finding: Finding }) {
  const evidence = evidenceText(finding.evidence, EVIDENCE_ITEMS);
  return (
    <article className="finding">
      <h3>{finding.title}</h3>
      <p className="meta">
        <span className="severity" style={{ color: SEVERITY_COLORS[finding.severity] }}>{finding.severity}</span> · {finding.kind} · <code>{finding.id}</code>
      </p>
      <p>Subjects: {finding.subjects.join(", ")}</p>
      <p>
        <strong>Fix:</strong> {finding.remediation.summary}
      </p>
      <p className="label">Evidence</p>
      <pre>{evidence.text}</pre>
      {evidence.omitted > 0 && <p className="hint">{evidence.omitted} list entries left out; the API and the Findings tab have them all.</p>}
      {finding.remediation.yaml && (
        <>
          <p className="label">Remediation YAML</p>
          <pre>{finding.remediation.yaml}</pre>
        </>
      )}
    </article>
  );
}

