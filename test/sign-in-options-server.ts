/**
 * A plain HTTP server answering every request with what /signin would offer it (lib/auth/options.ts)
 * and the client address the per-client limits would count: run by scripts/forwarded-headers.test.ts
 * with and without the preload the run command gives the web server. Prints its port, then serves.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { signInOptions } from "@/lib/auth/options";
import { clientAddress } from "@/lib/client-address";

const server = createServer((request, response) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ dev: signInOptions(headers).dev, client: clientAddress(headers) }));
});
server.listen(0, "0.0.0.0", () => console.log((server.address() as AddressInfo).port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
