/**
 * String matching of AuthorizationPolicy fields, as Istio turns them into Envoy matchers.
 *
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/#Rule: "Any
 * string field in the rule supports Exact, Prefix, Suffix and Presence match: `abc` matches
 * `abc`; `abc*` matches `abc` and `abcd`; `*abc` matches `abc` and `xabc`; `*` matches when the
 * value is not empty." Istio's matcher.StringMatcherWithPrefix checks `*` first, then a leading
 * `*` (suffix), then a trailing `*` (prefix): so `*abc*` is the suffix `abc*`, and a `*` in the
 * middle is a literal character.
 */

/** Tests one value (already present: absent attributes are handled by the caller). */
export type Matcher = (value: string) => boolean;

export type PatternKind = "any" | "prefix" | "suffix" | "exact";

export function patternKind(pattern: string): PatternKind {
  if (pattern === "*") return "any";
  if (pattern.startsWith("*")) return "suffix";
  if (pattern.endsWith("*")) return "prefix";
  return "exact";
}

/** The Exact / Prefix / Suffix / Presence matcher of one pattern. */
export function stringMatcher(pattern: string, options: { ignoreCase?: boolean } = {}): Matcher {
  const fold = options.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const p = fold(pattern);
  switch (patternKind(p)) {
    case "any":
      return (value) => value.length > 0;
    case "suffix": {
      const suffix = p.slice(1);
      return (value) => fold(value).endsWith(suffix);
    }
    case "prefix": {
      const prefix = p.slice(0, -1);
      return (value) => fold(value).startsWith(prefix);
    }
    case "exact":
      return (value) => fold(value) === p;
  }
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * The matcher of a `namespaces` value. Envoy has no namespace attribute: Istio
 * (srcNamespaceGenerator) matches the peer principal against the regex `.*\/ns/<value>/.*` after
 * replacing every `*` of the value with `.*`. So here every `*`, wherever it is, stands for any
 * run of characters; the other characters are literal (namespace names are DNS labels).
 */
export function namespaceMatcher(pattern: string): Matcher {
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(REGEX_SPECIAL, "\\$&")).join(".*")}$`);
  return (value) => regex.test(value);
}

/**
 * Whether every value that `inner` matches is also matched by `outer` (both Istio patterns).
 * Sound but not complete: it answers false when unsure. Path templates (`{*}`, `{**}`) are only
 * compared for equality.
 */
export function patternSubsumes(outer: string, inner: string, options: { ignoreCase?: boolean } = {}): boolean {
  const o = options.ignoreCase ? outer.toLowerCase() : outer;
  const i = options.ignoreCase ? inner.toLowerCase() : inner;
  if (o === i) return true;
  if (o.includes("{") || i.includes("{")) return false;
  const outerKind = patternKind(o);
  const innerKind = patternKind(i);
  if (outerKind === "any") return true;
  if (innerKind === "any") return false;
  switch (outerKind) {
    case "exact":
      return false;
    case "prefix": {
      const prefix = o.slice(0, -1);
      if (innerKind === "exact") return i.startsWith(prefix);
      return innerKind === "prefix" && i.slice(0, -1).startsWith(prefix);
    }
    case "suffix": {
      const suffix = o.slice(1);
      if (innerKind === "exact") return i.endsWith(suffix);
      return innerKind === "suffix" && i.slice(1).endsWith(suffix);
    }
  }
}
