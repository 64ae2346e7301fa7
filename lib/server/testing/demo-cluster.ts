/** The demo manifests as objects a (fake) API server stores, for tests that capture the demo cluster. */
import { parseAllDocuments } from "yaml";
import { demoFiles } from "@/lib/demo/demo-files";

/** Kinds in the demo files that Meshlens does not read: a test API server need not serve them. */
const NOT_READ = new Set(["PersistentVolumeClaim", "Gateway", "VirtualService"]);

export function demoClusterObjects(): object[] {
  return demoFiles()
    .flatMap((file) => parseAllDocuments(file.content).map((d) => d.toJS() as { kind: string } | null))
    .filter((o): o is { kind: string } => o !== null && !NOT_READ.has(o.kind));
}
