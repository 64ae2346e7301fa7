import "server-only";
import type { Dirent } from "node:fs";
import { readFile, readdir, realpath, stat } from "node:fs/promises";
import { join, posix, sep } from "node:path";
import { AppError } from "@/lib/domain/errors";
import { DEFAULT_MAX_MANIFEST_BYTES, formatSize, type ManifestFile } from "@/lib/domain/manifests";

const MANIFEST_EXTENSION = /\.(ya?ml|json)$/i;

/** A file found on disk: where it is, how it is shown in messages, and its size. */
interface Found {
  fsPath: string;
  shownAs: string;
  size: number;
}

/**
 * Reads manifest files from files and directories. Directories are walked recursively in name
 * order (deterministic), taking *.yaml, *.yml and *.json and skipping hidden entries (.git,
 * .github, editor files, CI configs that are YAML but not Kubernetes) and node_modules. A file
 * named explicitly is always read, whatever its extension. Paths are shown as the argument
 * given plus the path below it, e.g. `manifests/shop/cart.yaml`.
 *
 * Sizes are added up from stat before any file is read, so an oversized tree is refused
 * (payload_too_large) without loading it.
 */
export async function collectManifestFiles(
  paths: readonly string[],
  options: { maxBytes?: number } = {},
): Promise<ManifestFile[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  const found: Found[] = [];
  for (const path of paths) {
    const info = await statOrFail(path);
    if (info.isDirectory()) {
      const before = found.length;
      await walk(path, toPosix(path), found, new Set([await realpath(path)]));
      if (found.length === before) {
        throw new AppError("bad_request", `no .yaml, .yml or .json files in directory ${path}`, { path });
      }
    } else {
      found.push({ fsPath: path, shownAs: toPosix(path), size: info.size });
    }
  }

  const total = found.reduce((sum, f) => sum + f.size, 0);
  if (total > maxBytes) {
    throw new AppError(
      "payload_too_large",
      `The manifest files are ${formatSize(total)}, the limit is ${formatSize(maxBytes)} (MESHLENS_MAX_UPLOAD_MB): ` +
        "import fewer files at a time.",
      { bytes: total, limitBytes: maxBytes },
    );
  }

  const files: ManifestFile[] = [];
  for (const f of found) files.push({ path: f.shownAs, content: await readText(f.fsPath) });
  return files;
}

async function walk(dir: string, shownAs: string, found: Found[], visited: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const fsPath = join(dir, entry.name);
    const shown = posix.join(shownAs, entry.name);
    const kind = await entryKind(entry, fsPath);
    if (kind === "dir") {
      // A symlink back up the tree would loop forever: visit each real directory once.
      const real = await realpath(fsPath);
      if (visited.has(real)) continue;
      visited.add(real);
      await walk(fsPath, shown, found, visited);
    } else if (kind === "file" && MANIFEST_EXTENSION.test(entry.name)) {
      found.push({ fsPath, shownAs: shown, size: (await stat(fsPath)).size });
    }
  }
}

/** Follows symlinks; a dangling one is skipped like any other non-file. */
async function entryKind(entry: Dirent, fsPath: string): Promise<"dir" | "file" | "other"> {
  if (entry.isDirectory()) return "dir";
  if (entry.isFile()) return "file";
  if (!entry.isSymbolicLink()) return "other";
  const target = await stat(fsPath).catch(() => undefined);
  return target?.isDirectory() ? "dir" : target?.isFile() ? "file" : "other";
}

async function statOrFail(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw fileError(error, path);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw fileError(error, path);
  }
}

function fileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return new AppError("bad_request", `no such file or directory: ${path}`, { path });
  if (code === "EACCES" || code === "EPERM") return new AppError("bad_request", `permission denied: ${path}`, { path });
  if (code === "EISDIR") return new AppError("bad_request", `not a file: ${path}`, { path });
  return error;
}

/** Messages use forward slashes on every OS, like the paths inside manifests. */
const toPosix = (path: string) => path.split(sep).join("/");
