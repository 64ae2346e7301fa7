/** The small cluster of testdata.ts as snapshots, for the diff tests. */
import { withFindings } from "../findings";
import { readManifests } from "../manifests";
import type { Snapshot } from "../model";
import { snapshotFromManifests } from "../snapshot/from-manifests";
import { SHOP_V1, SHOP_V2 } from "./testdata";

/** One version of the small cluster, read as an upload of `shop-v<version>.yaml` and analysed as on store. */
export function shopSnapshot(version: 1 | 2, cluster = "shop-cluster"): Snapshot {
  const file = `shop-v${version}.yaml`;
  const read = readManifests([{ path: file, content: version === 1 ? SHOP_V1 : SHOP_V2 }]);
  return withFindings(snapshotFromManifests(read, { name: `shop v${version}`, cluster, capturedAt: new Date(Date.UTC(2026, 0, version)), files: [file] }));
}
