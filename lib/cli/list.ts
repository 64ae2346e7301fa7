import { Command, InvalidArgumentError } from "commander";
import { listSnapshots } from "@/lib/server/snapshots/store";
import { withDatabase } from "./database";

/** A commander option parser for a whole number from `min` to `max`. */
export const wholeNumber = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

export function listCommand(): Command {
  return new Command("list")
    .description("List stored snapshots, newest first")
    .option("--limit <n>", "how many", wholeNumber(1, 200), 50)
    .option("--json", "print the result as JSON")
    .action(async (options: { limit: number; json?: boolean }) => {
      const page = await withDatabase(() => listSnapshots({ limit: options.limit }));
      if (options.json) {
        console.log(JSON.stringify(page.items, null, 2));
        return;
      }
      if (page.items.length === 0) {
        console.log("No snapshots yet. Store one with: npm run meshlens -- import <paths...>");
        return;
      }
      const rows = page.items.map((s) => [
        s.id,
        s.capturedAt.slice(0, 16).replace("T", " "),
        s.cluster,
        `${s.counts.workloads} workloads`,
        `${s.counts.policies} policies`,
        s.name,
      ]);
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
    });
}
