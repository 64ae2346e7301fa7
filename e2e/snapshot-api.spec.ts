import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { fixture } from "./helpers";

// The two read endpoints behind the snapshot page, and the upload limit as the server enforces it.

test("view and policy endpoints", async ({ request }) => {
  const created = await request.post("/api/snapshots?name=api-e2e&cluster=kind-e2e", {
    headers: { "content-type": "application/yaml" },
    data: readFileSync(fixture("small-mesh.yaml")),
  });
  expect(created.status()).toBe(201);
  const { snapshot } = (await created.json()) as { snapshot: { id: string } };
  const base = `/api/snapshots/${snapshot.id}`;

  const view = await request.get(`${base}/view`);
  expect(view.status()).toBe(200);
  const body = await view.json();
  expect(body.summary.id).toBe(snapshot.id);
  expect(body.figures.workloads).toBe(3);
  expect(body.policies).toHaveLength(3);
  expect(body.policies[0]).not.toHaveProperty("object");

  const ref = "web/frontend-only-from-gateway[AuthorizationPolicy]";
  const policy = await request.get(`${base}/policies?ref=${encodeURIComponent(ref)}`);
  expect(policy.status()).toBe(200);
  expect((await policy.json()).policy).toMatchObject({ id: ref, object: { spec: { action: "ALLOW" } } });

  const missingRef = await request.get(`${base}/policies`);
  expect(missingRef.status()).toBe(400);
  expect((await missingRef.json()).error.message).toContain("ref");

  const unknown = await request.get(`${base}/policies?ref=${encodeURIComponent("web/nope[NetworkPolicy]")}`);
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("not_found");

  const noSnapshot = await request.get("/api/snapshots/AAAAAAAAAAAAAAAAAAAAAA/view");
  expect(noSnapshot.status()).toBe(404);
});

test("the server refuses an oversized multipart upload with 413", async ({ request }) => {
  const response = await request.post("/api/snapshots", {
    multipart: {
      name: "too big",
      files: { name: "big.yaml", mimeType: "application/yaml", buffer: Buffer.alloc(3 * 1024 * 1024, "# x\n") },
    },
  });
  expect(response.status()).toBe(413);
  const { error } = await response.json();
  expect(error.code).toBe("payload_too_large");
  expect(error.message).toContain("limit is 2.0 MiB");
});
