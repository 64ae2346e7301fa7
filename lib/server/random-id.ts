import "server-only";
import { randomBytes } from "node:crypto";

/**
 * `bytes` random bytes as base64url, drawn again while the text starts with "-". Ids are typed
 * into shells and passed to `meshlens`, where a leading "-" reads as an option (one draw in 64).
 */
export function randomId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}
