/** For integration tests: the CLI as a user runs it, a child process against the test database. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { inject } from "vitest";

const exec = promisify(execFile);

/** Runs `meshlens ARGS...`; never throws: the exit code, stdout and stderr. */
export async function meshlens(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "lib/cli/main.ts", ...args],
      { env: { ...process.env, DATABASE_URL: inject("databaseUrl"), MESHLENS_PUBLIC_URL: "https://meshlens.example" } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
