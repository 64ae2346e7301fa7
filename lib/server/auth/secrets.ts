import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { randomId } from "../random-id";

/** 256 random bits, base64url (43 characters): session cookies, API tokens, share links. */
export const newSecret = () => randomBytes(32).toString("base64url");

/** A short random id for rows people refer to (links and tokens in URLs and lists). */
export const newId = () => randomId(12);

/** What the database keeps of a secret: its sha256, hex. The secret itself is never stored. */
export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");
