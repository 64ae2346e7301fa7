import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/domain/errors";
import { collectManifestFiles } from "./manifest-files";

let root: string;

/** Creates files under the temp root: { "a/b.yaml": "content" }. */
async function tree(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "meshlens-manifest-files-"));
  await tree({
    "manifests/shop/cart.yaml": "kind: A\n",
    "manifests/shop/ads.yml": "kind: B\n",
    "manifests/blog.json": '{"kind": "C"}',
    "manifests/README.md": "# not a manifest",
    "manifests/.github/workflows/ci.yaml": "on: push\n",
    "manifests/.gitlab-ci.yml": "stages: []\n",
    "manifests/node_modules/pkg/x.yaml": "kind: X\n",
    "manifests/Z-last.YAML": "kind: Z\n",
    "single/deploy.txt": "kind: D\n",
    "empty/notes.txt": "nothing here",
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("collectManifestFiles", () => {
  it("walks directories in name order, taking .yaml/.yml/.json and skipping hidden entries and node_modules", async () => {
    const files = await collectManifestFiles([join(root, "manifests")]);
    const base = join(root, "manifests");
    expect(files.map((f) => f.path)).toEqual([
      `${base}/Z-last.YAML`, // code-unit order: capitals first
      `${base}/blog.json`,
      `${base}/shop/ads.yml`,
      `${base}/shop/cart.yaml`,
    ]);
    expect(files[3]).toEqual({ path: `${base}/shop/cart.yaml`, content: "kind: A\n" });
  });

  it("shows paths as the argument was given, plus the path below it", async () => {
    const given = relative(process.cwd(), join(root, "manifests/shop")); // e.g. ../../tmp/.../manifests/shop
    const files = await collectManifestFiles([given]);
    expect(files.map((f) => f.path)).toEqual([`${given}/ads.yml`, `${given}/cart.yaml`]);
  });

  it("reads a file given by name whatever its extension", async () => {
    const files = await collectManifestFiles([join(root, "single/deploy.txt")]);
    expect(files.map((f) => f.content)).toEqual(["kind: D\n"]);
  });

  it("refuses a missing path with bad_request", async () => {
    const missing = join(root, "nope.yaml");
    await expect(collectManifestFiles([missing])).rejects.toMatchObject({
      code: "bad_request",
      message: `no such file or directory: ${missing}`,
    });
  });

  it("refuses a directory without manifests", async () => {
    await expect(collectManifestFiles([join(root, "empty")])).rejects.toMatchObject({ code: "bad_request" });
  });

  it("refuses too much input, adding up the sizes on disk (8 + 13 + 8 + 8 bytes)", async () => {
    const error = await collectManifestFiles([join(root, "manifests")], { maxBytes: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "payload_too_large" });
    expect((error as AppError).message).toBe(
      "The manifest files are 37 bytes, the limit is 20 bytes (MESHLENS_MAX_UPLOAD_MB): import fewer files at a time.",
    );
  });

  it("follows symlinks without looping on a link back up the tree", async () => {
    await tree({ "linked/real/a.yaml": "kind: A\n" });
    await symlink(join(root, "linked"), join(root, "linked/real/loop"));
    await symlink(join(root, "linked/real/a.yaml"), join(root, "linked/alias.yaml"));
    const files = await collectManifestFiles([join(root, "linked")]);
    expect(files.map((f) => f.path.slice(root.length))).toEqual(["/linked/alias.yaml", "/linked/real/a.yaml"]);
  });
});
