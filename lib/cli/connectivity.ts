import { Command, Option } from "commander";
import { AppError } from "@/lib/domain/errors";
import { computeConnectivity, formatConnectionsText } from "@/lib/domain/engine/connectivity";
import { readManifests } from "@/lib/domain/manifests";
import { maxUploadBytes } from "@/lib/env";
import { collectManifestFiles } from "@/lib/server/manifest-files";

export function connectivityCommand(): Command {
  return new Command("connectivity")
    .description("Print the connections the policies allow, read from manifests (no database needed)")
    .argument("<paths...>", "files or directories (read recursively: *.yaml, *.yml, *.json)")
    .addOption(new Option("--format <format>", "txt (np-guard's list notation) or json").choices(["txt", "json"]).default("txt"))
    .option("--focus <workload>", "only connections from or to this workload, e.g. shop/cart[Deployment]")
    .action(async (paths: string[], options: { format: "txt" | "json"; focus?: string }) => {
      const files = await collectManifestFiles(paths, { maxBytes: maxUploadBytes() });
      const read = readManifests(files, { maxBytes: maxUploadBytes() });
      for (const w of read.warnings) console.error(`warning: ${w.file}, document ${w.document}: ${w.message}`);
      if (options.focus && !read.workloads.some((w) => w.id === options.focus)) {
        const near = read.workloads.filter((w) => w.name === options.focus || w.id.includes(options.focus!)).map((w) => w.id);
        throw new AppError("bad_request", `--focus: no workload ${options.focus} in the input.${near.length ? ` Did you mean ${near.slice(0, 3).join(", ")}?` : ""}`);
      }
      const report = computeConnectivity(read, { focus: options.focus });
      for (const issue of report.issues) console.error(`warning: ${issue.policy} ${issue.field}: ${issue.message}`);
      if (options.format === "json") {
        console.log(JSON.stringify(report.connections, null, 2));
      } else if (report.connections.length > 0) {
        console.log(formatConnectionsText(report.connections));
      }
    });
}
