import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Command, Option } from "commander";
import { AppError } from "@/lib/domain/errors";
import { atLeast, toSarif } from "@/lib/domain/findings";
import { SEVERITIES, type Finding, type FindingsSummary, type Severity, type Snapshot } from "@/lib/domain/model";
import { recommendPolicies } from "@/lib/domain/remediation/recommend";
import { maxUploadBytes } from "@/lib/env";
import { assembleSnapshot } from "@/lib/server/capture/capture";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { progressPrinter } from "./snapshot";
import { repeatable, telemetryFrom, withTelemetryOptions, type TelemetryCliOptions } from "./telemetry-options";

/** Exit code when a finding is at or above --fail-on (distinct from 1, a failure, and 2, bad input). */
export const EXIT_FINDINGS = 3;

const VERSION = "0.1.0";

/** Reads manifests (and telemetry), and analyses them in memory: no database. */
async function analyzeFiles(paths: string[], options: TelemetryCliOptions): Promise<Snapshot> {
  const files = await collectManifestFiles(paths, { maxBytes: maxUploadBytes() });
  const progress = progressPrinter();
  try {
    const { snapshot, warnings } = await assembleSnapshot({
      topology: { kind: "files", files, maxBytes: maxUploadBytes() },
      telemetry: await telemetryFrom(options),
      onProgress: progress.update,
    });
    progress.done();
    for (const w of warnings) console.error(`warning: ${w.file}, document ${w.document}: ${w.message}`);
    if (snapshot.telemetry?.state === "failed") console.error(`warning: no telemetry: ${snapshot.telemetry.reason}`);
    return snapshot;
  } finally {
    progress.done();
  }
}

export function analyzeCommand(): Command {
  return withTelemetryOptions(new Command("analyze"))
    .description("Find unencrypted traffic, over-permissive paths and unnecessary egress in manifests (and telemetry), without a database")
    .argument("<paths...>", "files or directories (read recursively: *.yaml, *.yml, *.json)")
    .addOption(new Option("--format <format>", "txt, json, or sarif (SARIF 2.1.0, for code scanning)").choices(["txt", "json", "sarif"]).default("txt"))
    .addOption(new Option("--fail-on <severity>", `exit with ${EXIT_FINDINGS} when a finding is at or above this severity`).choices([...SEVERITIES]))
    .action(async (paths: string[], options: TelemetryCliOptions & { format: "txt" | "json" | "sarif"; failOn?: Severity }) => {
      const snapshot = await analyzeFiles(paths, options);
      const { findings } = snapshot;
      const summary = snapshot.findingsSummary!;
      if (options.format === "json") console.log(JSON.stringify({ summary, findings }, null, 2));
      else if (options.format === "sarif") console.log(JSON.stringify(toSarif(findings, { version: VERSION, artifact: paths[0] }), null, 2));
      else console.log(formatText(findings, summary));
      if (options.failOn && findings.some((f) => atLeast(f, options.failOn!))) {
        console.error(`meshlens: ${findings.filter((f) => atLeast(f, options.failOn!)).length} findings at or above ${options.failOn}`);
        process.exit(EXIT_FINDINGS);
      }
    });
}

export function recommendCommand(): Command {
  return withTelemetryOptions(new Command("recommend"))
    .description("Write least-privilege policies (NetworkPolicy, AuthorizationPolicy, PeerAuthentication, Sidecar, ServiceEntry) from the observed traffic")
    .argument("<paths...>", "files or directories (read recursively: *.yaml, *.yml, *.json)")
    .option("--namespace <namespace>", "only this namespace (repeat for several)", repeatable)
    .option("--out <dir>", "write one <namespace>.yaml per namespace here (default: print to stdout)")
    .action(async (paths: string[], options: TelemetryCliOptions & { namespace?: string[]; out?: string }) => {
      if (!options.prometheus) {
        throw new AppError("bad_request", "recommend generates policies from observed traffic: give --prometheus (and --window / --until).");
      }
      const snapshot = await analyzeFiles(paths, options);
      if (snapshot.telemetry?.state !== "captured") throw new AppError("unavailable", "No telemetry could be read, so there is no observed traffic to recommend policies from.");
      const recommendation = recommendPolicies(snapshot, { namespaces: options.namespace });
      for (const ns of recommendation.namespaces) for (const note of ns.notes) console.error(`note: ${ns.namespace}: ${note}`);
      if (!options.out) {
        console.log(recommendation.namespaces.map((ns) => ns.yaml).join("---\n"));
        return;
      }
      await mkdir(options.out, { recursive: true });
      for (const ns of recommendation.namespaces) {
        const file = join(options.out, `${ns.namespace}.yaml`);
        await writeFile(file, ns.yaml);
        console.error(`wrote ${file}: ${ns.objects.length} objects`);
      }
    });
}

const LABEL: Record<Severity, string> = { critical: "CRITICAL", high: "HIGH", medium: "MEDIUM", low: "LOW", info: "INFO" };
const percent = (share: number | null) => (share === null ? "n/a" : `${Math.round(share * 100)}%`);

function formatText(findings: readonly Finding[], s: FindingsSummary): string {
  const counts = SEVERITIES.map((sev) => `${s.findings[sev] ?? 0} ${sev}`).join(", ");
  const lines = [
    `Findings: ${findings.length} (${counts})`,
    `mTLS share: ${percent(s.mtlsRequestShare)} of observed requests, ${percent(s.mtlsByteShare)} of TCP bytes`,
    `Isolated workloads: ${percent(s.isolatedForIngress)} for ingress, ${percent(s.isolatedForEgress)} for egress`,
    `Paths: ${s.allowedPaths} allowed, ${s.observedPaths ?? "n/a (no telemetry)"} observed; ${s.externallyReachable} workloads may reach outside, ${s.externalObserved ?? "n/a"} did`,
    "",
  ];
  for (const f of findings) {
    lines.push(`${LABEL[f.severity].padEnd(8)} ${f.kind.padEnd(27)} ${f.title}`);
    lines.push(`${" ".repeat(9)}fix: ${f.remediation.summary}`);
  }
  return lines.join("\n");
}
