/** For tests: the demo manifests as files, read from disk in a fixed order. */
import { readFileSync, readdirSync } from "node:fs";
import type { ManifestFile } from "../domain/manifests";
import { DEMO_MANIFESTS_DIR } from "./snapshot";

export function demoFiles(): ManifestFile[] {
  return readdirSync(DEMO_MANIFESTS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ path: `${DEMO_MANIFESTS_DIR}/${f}`, content: readFileSync(`${DEMO_MANIFESTS_DIR}/${f}`, "utf8") }));
}
