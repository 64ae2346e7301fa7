/**
 * Security headers of every response. Kept free of server-only imports: next.config.ts applies
 * the static ones to static assets, the proxy (proxy.ts) adds them with the per-request CSP to
 * everything else.
 */

/** Headers that do not depend on the request. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  // Share-link tokens are in a URL once: no Referer may carry it (or any snapshot id) elsewhere.
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/**
 * A strict Content-Security-Policy: scripts only with this response's nonce (Next puts it on its
 * own scripts) and what they load ('strict-dynamic'); nothing may frame the app, no plugins, no
 * <base>. Style attributes stay allowed (React's style props; d3 draws on a canvas). `eval` only
 * in development, where React needs it for error overlays.
 */
export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === "development"): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
