import { AppError } from "../errors";
import type { ManifestFile } from "./types";

/** UTF-8 length of a string without encoding it (domain code has no Buffer). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Sizes as people read them: `64.1 MiB`, `12.0 KiB`, `900 bytes`. */
export function formatSize(bytes: number): string {
  const KiB = 1024;
  const MiB = KiB * 1024;
  if (bytes >= MiB / 10) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= KiB) return `${(bytes / KiB).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Refuses input over the limit before any parsing, so a huge upload costs no parser memory. */
export function assertWithinLimit(files: readonly ManifestFile[], maxBytes: number): void {
  let total = 0;
  for (const file of files) total += utf8ByteLength(file.content);
  if (total > maxBytes) {
    const limit = formatSize(maxBytes);
    // Just over the limit rounds to the same figure: say "over" rather than "64.0 MiB > 64.0 MiB".
    const size = formatSize(total) === limit ? `over ${limit}` : formatSize(total);
    throw new AppError(
      "payload_too_large",
      `The manifests are too large: the input is ${size}, the limit is ${limit}. ` +
        "Import fewer files at a time, or raise MESHLENS_MAX_UPLOAD_MB.",
      { bytes: total, limitBytes: maxBytes },
    );
  }
}
