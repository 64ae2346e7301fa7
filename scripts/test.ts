/**
 * `npm test`: the whole suite, the same locally and in CI. Checks (and as root installs) the
 * system packages the tests use, then runs typecheck, lint, unit tests, integration tests against
 * a real PostgreSQL, a production build and the end-to-end tests in Chromium.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";

const REPORTS = ".meshlens/test-reports";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian packages the tests need, by the file that shows each is installed. */
const SYSTEM_PACKAGES: { pkg: string; present: () => boolean }[] = [
  { pkg: "chromium", present: () => existsSync(CHROMIUM) },
  { pkg: "docker-compose", present: () => onPath("docker-compose") },
  { pkg: "prometheus", present: () => onPath("prometheus") && onPath("promtool") },
  { pkg: "openssl", present: () => onPath("openssl") },
  // pdftotext, pdftoppm, pdfinfo: the PDF report tests read the rendered reports back with them.
  { pkg: "poppler-utils", present: () => onPath("pdftotext") && onPath("pdftoppm") && onPath("pdfinfo") },
];

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function say(message: string) {
  console.log(`\n[meshlens test] ${message}`);
}

function ensureSystemPackages(): void {
  const missing = SYSTEM_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() === 0 && onPath("apt-get")) {
    say(`Installing missing system packages: ${missing.join(", ")}`);
    const result = spawnSync("sh", ["-c", command], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (result.status === 0) return;
  }
  console.error(`\nThe tests need these Debian packages: ${missing.join(", ")}.\nInstall them as root with:\n  ${command}\n`);
  process.exit(1);
}

interface Step {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** Reads the tests counted by the step, from its JSON report. */
  count?: () => { passed: number; failed: number };
}

const bin = (name: string) => `node_modules/.bin/${name}`;

function vitestCount(file: string) {
  return () => {
    const report = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number };
    return { passed: report.numPassedTests, failed: report.numFailedTests };
  };
}

function playwrightCount(file: string) {
  return () => {
    const report = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number } };
    return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected };
  };
}

const steps: Step[] = [
  { name: "typecheck", command: [bin("tsc"), "--noEmit"] },
  { name: "lint", command: [bin("eslint"), "--max-warnings", "0", "."] },
  {
    name: "unit tests",
    command: [bin("vitest"), "run", "--project", "unit", "--reporter=default", "--reporter=json", `--outputFile.json=${REPORTS}/unit.json`],
    count: vitestCount(`${REPORTS}/unit.json`),
  },
  {
    name: "integration tests",
    command: [bin("vitest"), "run", "--project", "integration", "--reporter=default", "--reporter=json", `--outputFile.json=${REPORTS}/integration.json`],
    count: vitestCount(`${REPORTS}/integration.json`),
  },
  { name: "build", command: [bin("next"), "build"] },
  {
    name: "end-to-end tests",
    command: [bin("playwright"), "test", "--reporter=list,json"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${REPORTS}/e2e.json` },
    count: playwrightCount(`${REPORTS}/e2e.json`),
  },
];

ensureSystemPackages();
mkdirSync(REPORTS, { recursive: true });
const failedSteps: string[] = [];
let passed = 0;
let failed = 0;
const started = Date.now();
for (const step of steps) {
  say(`${step.name}: ${step.command.join(" ")}`);
  const t0 = Date.now();
  const result = spawnSync(step.command[0]!, step.command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, ...step.env },
  });
  let ok = result.status === 0;
  if (step.count) {
    try {
      const counted = step.count();
      passed += counted.passed;
      failed += counted.failed;
      // A runner's exit code alone has been seen to lie (a library's exit hook): trust the counts.
      if (counted.failed > 0 || counted.passed === 0) ok = false;
    } catch {
      ok = false; // the runner died before writing its report
    }
  }
  say(`${step.name}: ${ok ? "ok" : "FAILED"} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (!ok) failedSteps.push(step.name);
}

say(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failedSteps.length) console.log(`Failed steps: ${failedSteps.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failedSteps.length ? 1 : 0);
