import type { z } from "zod";
import { invalidManifest } from "./location";
import { describeValue, type RawObject } from "./objects";

/**
 * Validates an object with a zod schema and returns the parsed data, or throws an
 * invalid_manifest AppError naming the file, document, object and field path of the first
 * problem, e.g. `deploy.yaml, document 2 (Deployment shop/frontend):
 * spec.template.spec.containers[0].ports[0].containerPort: expected a number 1-65535`.
 */
export function validate<S extends z.ZodType>(schema: S, object: RawObject, value: unknown = object.value): z.infer<S> {
  const result = parseReadable(schema, value);
  if (result.success) return result.data;
  const { issue } = result;
  throw invalidManifest(object.location, issue.message, {
    subject: subjectOf(object),
    field: formatPath(issue.path) || undefined,
    line: object.lineOf(issue.path),
  });
}

/** safeParse with messages in a manifest author's words; on failure, the first issue. */
export function parseReadable<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { success: true; data: z.infer<S> } | { success: false; issue: z.core.$ZodIssue } {
  const result = schema.safeParse(value, { error: readableIssue });
  return result.success ? { success: true, data: result.data } : { success: false, issue: result.error.issues[0]! };
}

/** `Deployment shop/frontend`, as far as the (not yet validated) object tells. */
export function subjectOf(object: RawObject): string {
  const { namespace, name } = looseName(object);
  if (!name) return object.kind;
  return object.kind === "Namespace" || !namespace ? `${object.kind} ${name}` : `${object.kind} ${namespace}/${name}`;
}

/** metadata.name and metadata.namespace when they are strings, without validating anything. */
export function looseName(object: RawObject): { namespace?: string; name?: string } {
  const meta = object.value.metadata;
  if (typeof meta !== "object" || meta === null) return {};
  const { name, namespace } = meta as Record<string, unknown>;
  return {
    name: typeof name === "string" && name !== "" ? name : undefined,
    namespace: typeof namespace === "string" && namespace !== "" ? namespace : undefined,
  };
}

/** `spec.containers[0].ports[1].containerPort`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** zod's issues in the words a manifest author uses ("mapping", "list"), never echoing values. */
function readableIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `missing (expected ${expected})` : `expected ${expected}, found ${describeValue(issue.input)}`;
    }
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "string" ? "must not be empty" : undefined;
    default:
      return undefined;
  }
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};
