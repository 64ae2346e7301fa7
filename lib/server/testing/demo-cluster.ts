/** The demo manifests as objects a (fake) API server stores, for tests that capture the demo cluster. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const DEMO_DIR = "lib/demo/manifests";
/** Kinds in the demo files that Meshlens does not read: a test API server need not serve them. */
const NOT_READ = new Set(["PersistentVolumeClaim", "Gateway", "VirtualService"]);

export function demoClusterObjects(): object[] {
  return readdirSync(DEMO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(readFileSync(join(DEMO_DIR, f), "utf8")).map((d) => d.toJS() as { kind: string } | null))
    .filter((o): o is { kind: string } => o !== null && !NOT_READ.has(o.kind));
}
