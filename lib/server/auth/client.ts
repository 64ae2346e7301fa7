import "server-only";
import { NextResponse } from "next/server";

/**
 * A coarse identity of the client for logs and rate limits: its address (as Next's server
 * forwards it, the first X-Forwarded-For hop) and its user agent, both cut to a sane length.
 */
export function clientOf(request: Request): { ip: string; userAgent: string } {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: (forwarded || request.headers.get("x-real-ip") || "unknown").slice(0, 64),
    userAgent: (request.headers.get("user-agent") ?? "").slice(0, 300),
  };
}

/** Whether the request came over https (directly, or as a proxy in front says). */
export function isHttps(request: Request): boolean {
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (proto ?? new URL(request.url).protocol.replace(":", "")) === "https";
}

/**
 * The origin the browser used: scheme and Host header. Next's request.url names the host it was
 * started with (e.g. localhost for 127.0.0.1), which is not what the browser sees.
 */
export function requestOrigin(request: Request): string {
  const host = request.headers.get("host") ?? new URL(request.url).host;
  return `${isHttps(request) ? "https" : "http"}://${host}`;
}

/** A 303 to a path of this site, as a relative Location: right behind any proxy or host name. */
export const seeOther = (path: string) => new NextResponse(null, { status: 303, headers: { location: path } });

/** A cookie of the request (route handlers get it from the header, so they run outside Next too). */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}
