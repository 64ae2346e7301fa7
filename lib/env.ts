/**
 * Every environment variable Meshlens reads, validated once (create-t3-app style). Import `env()`
 * instead of reading process.env anywhere else. The README's configuration table mirrors this.
 */
import { z } from "zod";

const EnvSchema = z.object({
  /** PostgreSQL to use. When unset, an embedded PostgreSQL is started under MESHLENS_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Folder for the embedded PostgreSQL and other local state (git-ignored). */
  MESHLENS_DATA_DIR: z.string().default(".meshlens"),
  /** Port of the embedded PostgreSQL (loopback only). */
  MESHLENS_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Largest accepted upload, in MiB (a request body, or all files of one import). */
  MESHLENS_MAX_UPLOAD_MB: z.coerce.number().positive().default(64),
  /** Base URL printed by the CLI for snapshot links. */
  MESHLENS_PUBLIC_URL: z.string().url().default("http://127.0.0.1:3000"),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    // An empty variable means "not set" (e.g. `DATABASE_URL= npm start`).
    const given = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
    const parsed = EnvSchema.safeParse(given);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      throw new Error(`Invalid environment: ${problems.join("; ")}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** The upload limit in bytes. */
export const maxUploadBytes = () => Math.round(env().MESHLENS_MAX_UPLOAD_MB * 1024 * 1024);
