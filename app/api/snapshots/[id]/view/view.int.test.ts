// The view endpoint against a real PostgreSQL: the demo's rows, served from one prepared body
// (JSON, or gzip for clients that accept it), and gone as soon as the snapshot is deleted.
import { gunzipSync } from "node:zlib";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { SnapshotViewResponse } from "@/components/queries";
import { disconnectDb } from "@/lib/server/db/client";
import { seedDemo } from "@/lib/server/demo";
import { deleteSnapshot } from "@/lib/server/snapshots/store";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { GET } from "./route";

connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

const call = (id: string, accept?: string) =>
  GET(new Request(`http://127.0.0.1/api/snapshots/${id}/view`, { headers: accept ? { accept } : {} }), { params: Promise.resolve({ id }) });

describe("GET /api/snapshots/{id}/view", () => {
  it("serves the demo's rows and summary, the same bytes again, gzipped when accepted, and 404 once deleted", async () => {
    const { id } = await seedDemo();
    const response = await call(id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const text = await response.text();
    const view = JSON.parse(text) as SnapshotViewResponse;
    // The demo's manifests (lib/demo/manifests): 17 workloads, 14 Services, 6 namespaces.
    expect(view.summary.id).toBe(id);
    expect([view.workloads.length, view.services.length, view.namespaces.length]).toEqual([17, 14, 6]);
    expect(await (await call(id)).text()).toBe(text);

    const zipped = await call(id, "application/gzip, application/json;q=0.9");
    expect(zipped.headers.get("content-type")).toBe("application/gzip");
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString("utf8")).toBe(text);

    // The body is cached, but every request reads the summary row: a deleted snapshot is gone.
    await deleteSnapshot(id);
    expect((await call(id)).status).toBe(404);
    // Anything that is not a snapshot id is one that does not exist (the store checks the form).
    expect((await call("x".repeat(500))).status).toBe(404);
  });
});
