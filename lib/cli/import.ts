import { Command } from "commander";
import { env, maxUploadBytes } from "@/lib/env";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { importManifests } from "@/lib/server/snapshots/import";
import { withDatabase } from "./database";

export function importCommand(): Command {
  return new Command("import")
    .description("Store a snapshot from manifest files and directories (YAML/JSON, kubectl -o yaml dumps, Helm output)")
    .argument("<paths...>", "files or directories (read recursively: *.yaml, *.yml, *.json)")
    .option("--name <name>", "snapshot name (default: the first file and the time)")
    .option("--cluster <cluster>", "cluster name", undefined)
    .option("--json", "print the result as JSON")
    .action(async (paths: string[], options: { name?: string; cluster?: string; json?: boolean }) => {
      const files = await collectManifestFiles(paths, { maxBytes: maxUploadBytes() });
      const result = await withDatabase(() =>
        importManifests(files, { name: options.name, cluster: options.cluster, maxBytes: maxUploadBytes() }),
      );
      const url = `${env().MESHLENS_PUBLIC_URL}/snapshots/${result.snapshot.id}`;
      if (options.json) {
        console.log(JSON.stringify({ ...result, url }, null, 2));
        return;
      }
      for (const w of result.warnings) console.error(`warning: ${w.file}, document ${w.document}: ${w.message}`);
      const c = result.snapshot.counts;
      console.error(
        `Stored ${JSON.stringify(result.snapshot.name)}: ${c.namespaces} namespaces, ${c.workloads} workloads, ` +
          `${c.services} services, ${c.policies} policies, ${result.warnings.length} warnings.`,
      );
      console.log(result.snapshot.id);
      console.log(url);
    });
}
