// `meshlens report` as a user runs it: a child process, against the real test database and Chromium.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { disconnectDb } from "@/lib/server/db/client";
import { seedDemo } from "@/lib/server/demo";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";

connectTestDatabase();
const exec = promisify(execFile);
let dir = "";
beforeAll(async () => {
  await emptyDatabase();
  dir = await mkdtemp(join(tmpdir(), "meshlens-cli-report-"));
});
afterAll(async () => {
  await disconnectDb();
  await rm(dir, { recursive: true, force: true });
});

async function report(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/cli/main.ts", "report", ...args], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("meshlens report", () => {
  it("writes the PDF where --out says, with progress on stderr", async () => {
    const { id } = await seedDemo();
    const out = join(dir, "audit.pdf");
    const result = await report([id, "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`Rendering the report of snapshot ${id} with Chromium...`);
    expect(result.stderr).toMatch(new RegExp(`Wrote ${out}: \\d+ pages, \\d+ KiB\\.`));
    expect((await readFile(out)).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  }, 120_000);

  it("says what is wrong for an unknown id, and for a missing Chromium (exit 2)", async () => {
    const unknown = await report(["AAAAAAAAAAAAAAAAAAAAAA", "--out", join(dir, "x.pdf")]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain('meshlens: No snapshot with id "AAAAAAAAAAAAAAAAAAAAAA".');

    const { id } = await seedDemo();
    const noBrowser = await report([id, "--out", join(dir, "y.pdf")], { CHROMIUM_PATH: "/nonexistent/chromium" });
    expect(noBrowser.code, noBrowser.stderr).toBe(2);
    expect(noBrowser.stderr).toContain("meshlens: Cannot render the PDF report: no Chromium at /nonexistent/chromium. Install chromium (apt-get install chromium) or set CHROMIUM_PATH.");
  }, 120_000);
});
