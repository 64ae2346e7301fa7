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
  /** The server's captures: kubeconfig context (default: the current one; in a pod, its service account). */
  MESHLENS_KUBE_CONTEXT: z.string().optional(),
  /** The server's captures: only these namespaces (comma-separated; default all). */
  MESHLENS_NAMESPACES: z.string().optional(),
  /** The server's captures: cluster name shown on snapshots (default: the context name). */
  MESHLENS_CLUSTER_NAME: z.string().optional(),
  /** Prometheus with Istio's metrics, for the server's captures (and the UI's default). */
  MESHLENS_PROMETHEUS_URL: z.string().url().optional(),
  /** Credentials for MESHLENS_PROMETHEUS_URL only: a bearer token, or user:password. */
  MESHLENS_PROMETHEUS_TOKEN: z.string().optional(),
  MESHLENS_PROMETHEUS_USER: z.string().optional(),
  /** A CA certificate file (PEM) for MESHLENS_PROMETHEUS_URL. */
  MESHLENS_PROMETHEUS_CA_FILE: z.string().optional(),
  /** Extra label matchers on every query, e.g. `cluster=prod,region=eu` (shared Prometheus, Thanos, Mimir). */
  MESHLENS_PROMETHEUS_LABELS: z.string().optional(),
  /** Telemetry window of the server's captures (Prometheus duration). */
  MESHLENS_TELEMETRY_WINDOW: z.string().default("1h"),
  /** Capture on this interval (e.g. 6h) while the server runs; unset: no scheduled capture. */
  MESHLENS_CAPTURE_INTERVAL: z.string().optional(),
  /** The Chromium that renders PDF reports (Debian's package by default). */
  CHROMIUM_PATH: z.string().default("/usr/bin/chromium"),
  /** The bootstrap admin: user name, and its password (or a file holding it). */
  MESHLENS_ADMIN_USER: z.string().min(1).max(100).optional(),
  MESHLENS_ADMIN_PASSWORD: z.string().min(1).optional(),
  MESHLENS_ADMIN_PASSWORD_FILE: z.string().optional(),
  /** OpenID Connect sign-in: the provider's issuer URL and this app's client. */
  MESHLENS_OIDC_ISSUER: z.string().url().optional(),
  MESHLENS_OIDC_CLIENT_ID: z.string().optional(),
  MESHLENS_OIDC_CLIENT_SECRET: z.string().optional(),
  /** The claim that lists the user's groups, and `group=role` pairs (comma-separated). */
  /** Scopes asked for; add the one that releases the groups claim if the provider needs it (e.g. `groups`). */
  MESHLENS_OIDC_SCOPES: z.string().default("openid profile email"),
  MESHLENS_OIDC_ROLES_CLAIM: z.string().default("groups"),
  MESHLENS_OIDC_ROLE_MAP: z.string().default(""),
  /** The role of OIDC users no mapped group matches; `none` refuses them. */
  MESHLENS_OIDC_DEFAULT_ROLE: z.enum(["viewer", "editor", "admin", "none"]).default("viewer"),
  /** A session ends after this many minutes without a request, and this many hours after sign-in. */
  MESHLENS_SESSION_IDLE_MINUTES: z.coerce.number().positive().default(720),
  MESHLENS_SESSION_MAX_HOURS: z.coerce.number().positive().default(168),
  /** Longest life of a share link, in days (links default to 7 days, or this if shorter). */
  MESHLENS_SHARE_MAX_DAYS: z.coerce.number().positive().default(30),
  /** `true` (set by `npm run demo`): visitors who are not signed in browse as a demo viewer. */
  MESHLENS_DEMO: z.enum(["true", "false"]).default("false"),
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
