/**
 * The web app alone, started the way the run command starts it (scripts/web-server.ts): `next start`
 * on PORT, listening on HOST, with the forwarded-headers preload that replaces client-sent
 * X-Forwarded-* headers (unless TRUST_PROXY) and tells the app each request's socket address. For a
 * supervisor of its own, such as systemd (docs/systemd/convos-web.service); a bare `next start`
 * would believe whatever X-Forwarded-For a client sends.
 *
 * The configuration is checked first, so a production start without its secrets, or with a short
 * POOL_API_KEY, stops here with the reason rather than on the first request. SIGTERM and SIGINT go
 * to `next start`; this process exits with it.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { ConfigError, parseConfig } from "@/lib/config.ts";
import { webServerCommand } from "./web-server.ts";

try {
  parseConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`[web] ${error.message}`);
  process.exit(1);
}
if (!fs.existsSync(".next/BUILD_ID")) {
  console.error("[web] no production build: run `npm run build` first");
  process.exit(1);
}

const web = webServerCommand("start", process.env);
const child = spawn(web.command, web.args, { stdio: "inherit", env: { ...process.env, ...web.env } });
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
console.log(`[web] next start on port ${web.port}${web.note}`);
