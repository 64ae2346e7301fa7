// The snapshot API against a real PostgreSQL: route handlers called with real Requests.
process.env.MESHLENS_MAX_UPLOAD_MB = "1";

import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/server/db/client";
import { emptyDatabase, connectTestDatabase } from "@/lib/server/testing/database";
import { DELETE, GET as getOne } from "./[id]/route";
import { GET as list, POST } from "./route";

const prisma = connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

const BASE = "http://127.0.0.1/api/snapshots";
const none = {} as never;
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  selector: { matchLabels: { app: cart } }
  template:
    metadata: { labels: { app: cart } }
    spec:
      serviceAccountName: cart
      containers:
        - name: server
          image: cart:1
          ports: [{ name: grpc, containerPort: 7070 }]
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec:
  selector: { app: cart }
  ports: [{ name: grpc, port: 7070, targetPort: grpc }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;

function postYaml(body: string, query = "name=shop&cluster=prod") {
  return POST(new Request(`${BASE}?${query}`, { method: "POST", body, headers: { "content-type": "application/yaml" } }), none);
}

async function count() {
  return { snapshots: await prisma.snapshot.count(), contents: await prisma.snapshotContent.count() };
}

describe("POST /api/snapshots", () => {
  it("stores manifests sent as a YAML body and returns the summary", async () => {
    const response = await postYaml(SHOP);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.snapshot).toMatchObject({
      name: "shop",
      cluster: "prod",
      source: "upload",
      counts: { namespaces: 1, workloads: 1, services: 1, policies: 1, warnings: 0 },
    });
    expect(body.snapshot.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.url).toBe(`/snapshots/${body.snapshot.id}`);
    expect(response.headers.get("location")).toBe(body.url);

    const stored = await (await getOne(new Request(`${BASE}/${body.snapshot.id}`), idParams(body.snapshot.id))).json();
    expect(stored.snapshot.workloads.map((w: { id: string }) => w.id)).toEqual(["shop/cart[Deployment]"]);
    expect(stored.snapshot.workloads[0].sidecar.injected).toBe(true);
    expect(stored.snapshot.policies[0].object.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(stored.summary.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("stores several files sent as multipart/form-data", async () => {
    const form = new FormData();
    form.set("name", "two files");
    form.append("files", new File([SHOP], "shop.yaml"));
    form.append("files", new File([JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "blog" } })], "blog.json"));
    const response = await POST(new Request(BASE, { method: "POST", body: form }), none);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.snapshot.counts.namespaces).toBe(2);
    const stored = await (await getOne(new Request(BASE), idParams(body.snapshot.id))).json();
    expect(stored.snapshot.source).toEqual({ kind: "upload", files: ["shop.yaml", "blog.json"] });
  });

  it("refuses malformed YAML with the file, document and line, and stores nothing", async () => {
    const response = await postYaml(`${SHOP}---\napiVersion: v1\nkind: Service\nmetadata: { name: x\n`, "name=bad&filename=broken.yaml");
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe("invalid_manifest");
    expect(error.message).toMatch(/^broken\.yaml, document 5: line \d+/);
    expect(error.details).toMatchObject({ file: "broken.yaml", document: 5 });
    expect(await count()).toEqual({ snapshots: 0, contents: 0 });
  });

  it("skips unknown kinds with a warning", async () => {
    const ingress = "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: web, namespace: shop }\n";
    const response = await postYaml(SHOP + ingress);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]).toMatchObject({ file: "request body", document: 5 });
    expect(body.warnings[0].message).toContain("Ingress");
    expect(body.snapshot.counts.warnings).toBe(1);
  });

  it("refuses a YAML alias bomb quickly and stores nothing", async () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n${levels.map((l) => "  " + l).join("\n")}\n`;
    const started = Date.now();
    const response = await postYaml(bomb);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.message).toMatch(/alias/i);
    expect(await count()).toEqual({ snapshots: 0, contents: 0 });
  });

  it("refuses a body over the limit with 413, with or without Content-Length", async () => {
    const big = "#".repeat(1024 * 1024 + 10);
    const declared = await POST(
      new Request(BASE, { method: "POST", body: big, headers: { "content-type": "application/yaml", "content-length": String(big.length) } }),
      none,
    );
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.message).toBe(
      "The upload is 1,048,586 bytes; the limit is 1,048,576 bytes (MESHLENS_MAX_UPLOAD_MB).",
    );

    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("#".repeat(100_000)));
        controller.close();
      },
    });
    const streamed = await POST(
      new Request(BASE, { method: "POST", body: stream, headers: { "content-type": "application/yaml" }, duplex: "half" } as RequestInit),
      none,
    );
    expect(streamed.status).toBe(413);
    expect(await count()).toEqual({ snapshots: 0, contents: 0 });
  });

  it("leaves nothing behind when the database fails mid-write", async () => {
    // A real database error on the second insert of the transaction (the document row).
    await prisma.$executeRawUnsafe(`CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (simulated)'; END; $$`);
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER test_fail BEFORE INSERT ON "SnapshotContent" FOR EACH ROW EXECUTE FUNCTION test_fail()`,
    );
    try {
      const response = await postYaml(SHOP);
      expect(response.status).toBe(500);
      const { error } = await response.json();
      expect(error).toEqual({ code: "internal", message: expect.stringContaining("Internal server error") });
      expect(JSON.stringify(error)).not.toContain("disk full");
      expect(await count()).toEqual({ snapshots: 0, contents: 0 });
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER test_fail ON "SnapshotContent"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION test_fail()`);
    }
  });

  it("refuses other content types with 415 and bad names with 400", async () => {
    const html = await POST(new Request(BASE, { method: "POST", body: "<p>", headers: { "content-type": "text/html" } }), none);
    expect(html.status).toBe(415);
    const badName = await postYaml(SHOP, `name=${"x".repeat(201)}`);
    expect(badName.status).toBe(400);
    expect((await badName.json()).error.message).toMatch(/^Invalid request: name:/);
  });
});

describe("GET /api/snapshots", () => {
  it("pages newest first with an opaque cursor", async () => {
    for (const name of ["first", "second", "third"]) expect((await postYaml(SHOP, `name=${name}`)).status).toBe(201);
    const page1 = await (await list(new Request(`${BASE}?limit=2`), none)).json();
    expect(page1.items.map((s: { name: string }) => s.name)).toEqual(["third", "second"]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await (await list(new Request(`${BASE}?limit=2&cursor=${page1.nextCursor}`), none)).json();
    expect(page2.items.map((s: { name: string }) => s.name)).toEqual(["first"]);
    expect(page2.nextCursor).toBeNull();
  });

  it("validates the query", async () => {
    const response = await list(new Request(`${BASE}?limit=0`), none);
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("bad_request");
  });
});

describe("GET and DELETE /api/snapshots/{id}", () => {
  it("answers 404 for unknown and malformed ids", async () => {
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "../../etc", ""]) {
      const response = await getOne(new Request(BASE), idParams(id));
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("not_found");
    }
  });

  it("deletes a snapshot and its document", async () => {
    const { snapshot } = await (await postYaml(SHOP)).json();
    expect((await DELETE(new Request(BASE, { method: "DELETE" }), idParams(snapshot.id))).status).toBe(204);
    expect((await getOne(new Request(BASE), idParams(snapshot.id))).status).toBe(404);
    expect((await DELETE(new Request(BASE, { method: "DELETE" }), idParams(snapshot.id))).status).toBe(404);
    expect(await count()).toEqual({ snapshots: 0, contents: 0 });
  });

  it("cannot be changed once stored: the database refuses updates", async () => {
    const { snapshot } = await (await postYaml(SHOP)).json();
    await expect(prisma.snapshot.update({ where: { id: snapshot.id }, data: { name: "edited" } })).rejects.toThrow(/immutable/);
    await expect(
      prisma.$executeRawUnsafe(`UPDATE "SnapshotContent" SET document = '{}'::jsonb WHERE "snapshotId" = $1`, snapshot.id),
    ).rejects.toThrow(/immutable/);
    const stored = await (await getOne(new Request(BASE), idParams(snapshot.id))).json();
    expect(stored.summary.name).toBe("shop");
  });
});
