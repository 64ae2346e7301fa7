import { Command } from "commander";
import { formatDiffText } from "@/lib/domain/diff/text";
import { env } from "@/lib/env";
import { DiffQuerySchema, snapshotDiff } from "@/lib/server/snapshots/diff";
import { withDatabase } from "./database";
import { wholeNumber } from "./list";

export function diffCommand(): Command {
  return new Command("diff")
    .description("Compare two stored snapshots of one cluster: workloads, policies, allowed paths, observed traffic, findings")
    .argument("<from>", "id of the base snapshot (the older one, usually; see `meshlens list`)")
    .argument("<to>", "id of the snapshot to compare it with")
    .option("--limit <n>", "list at most this many items per category (totals count all)", wholeNumber(1, 100_000), 1000)
    .option("--json", "print the whole result as JSON")
    .action(async (from: string, to: string, options: { limit: number; json?: boolean }) => {
      const result = await withDatabase(() => snapshotDiff(DiffQuerySchema.parse({ from, to, limit: options.limit })));
      if (options.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      const side = (s: typeof result.from) => `${JSON.stringify(s.name)} (${s.id}, captured ${s.capturedAt.slice(0, 16).replace("T", " ")} UTC)`;
      const heading = `Cluster ${result.from.cluster}: ${side(result.from)} -> ${side(result.to)}`;
      console.log(formatDiffText(result.diff, heading));
      console.log(`\n${env().MESHLENS_PUBLIC_URL}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    });
}
