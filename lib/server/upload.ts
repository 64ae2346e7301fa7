import "server-only";
import { AppError } from "@/lib/domain/errors";
import type { ManifestFile } from "@/lib/domain/manifests";

export interface Upload {
  files: ManifestFile[];
  /** Form fields (multipart) or query parameters (raw body). */
  fields: Record<string, string>;
}

const RAW_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json", "text/plain"];

/**
 * Reads manifests from a request: a raw YAML/JSON body, or multipart/form-data with one or more
 * files. The body is read at most `maxBytes` far: a bigger upload is refused (413) without
 * buffering it all, whether or not it declared a Content-Length.
 */
export async function readUpload(request: Request, maxBytes: number): Promise<Upload> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) throw tooLarge(declared, maxBytes);
  const url = new URL(request.url);
  const query = Object.fromEntries(url.searchParams);

  if (type.startsWith("multipart/form-data")) {
    const body = await readBody(request, maxBytes);
    // The original header: the multipart boundary is case-sensitive (Chromium's has capitals).
    const form = await new Response(body, { headers: { "content-type": request.headers.get("content-type")! } })
      .formData()
      .catch(() => {
        throw new AppError("bad_request", "The multipart/form-data body could not be parsed: check its boundary and parts.");
      });
    const files: ManifestFile[] = [];
    const fields: Record<string, string> = { ...query };
    for (const [key, value] of form.entries()) {
      if (typeof value === "string") fields[key] = value;
      else files.push({ path: value.name || key, content: await value.text() });
    }
    if (files.length === 0) throw new AppError("bad_request", "The form has no files: attach one or more YAML/JSON manifests.");
    return { files, fields };
  }
  if (RAW_TYPES.some((t) => type.startsWith(t)) || type === "") {
    const body = await readBody(request, maxBytes);
    const content = new TextDecoder("utf-8", { fatal: false }).decode(body);
    if (content.trim() === "") throw new AppError("bad_request", "The request body is empty: send YAML or JSON manifests.");
    return { files: [{ path: query.filename ?? "request body", content }], fields: query };
  }
  throw new AppError(
    "unsupported_media_type",
    `Unsupported Content-Type ${JSON.stringify(type)}: send application/yaml, application/json or multipart/form-data.`,
  );
}

async function readBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(total, maxBytes, true);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const exact = (bytes: number) => `${bytes.toLocaleString("en-US")} bytes`;

function tooLarge(size: number, maxBytes: number, atLeast = false): AppError {
  // Exact byte counts when rounding would make the two sizes look equal.
  const [given, limit] = mib(size) === mib(maxBytes) ? [exact(size), exact(maxBytes)] : [mib(size), mib(maxBytes)];
  return new AppError(
    "payload_too_large",
    `The upload is ${atLeast ? "over " : ""}${given}; the limit is ${limit} (MESHLENS_MAX_UPLOAD_MB).`,
    { limitBytes: maxBytes },
  );
}
