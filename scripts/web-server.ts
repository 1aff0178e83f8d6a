/**
 * How the run command starts the web server. It listens on HOST: for `npm run dev`, 127.0.0.1 unless
 * told otherwise (the development server has a password-less sign-in); for `npm start`, every
 * interface unless HOST says one. The web server is always preloaded with
 * scripts/forwarded-headers.mjs: it tells the app each request's socket address, and unless
 * TRUST_PROXY says a proxy of ours is in front, it makes the X-Forwarded-* headers the app sees come
 * from the socket rather than from whoever is connecting.
 */
import path from "node:path";
import { isFlagSet } from "@/lib/config.ts";

export interface WebServerOptions {
  /** Extra arguments of `next dev` / `next start`. */
  args: string[];
  /** Extra environment of the web server. */
  env: Record<string, string>;
  /** For the start-up log line. */
  note: string;
}

export function webServerOptions(
  mode: "dev" | "start",
  processEnv: Record<string, string | undefined>,
): WebServerOptions {
  const host = processEnv.HOST?.trim() || (mode === "dev" ? "127.0.0.1" : undefined);
  const args = host ? ["-H", host] : [];
  const preload = `--import ${path.resolve("scripts/forwarded-headers.mjs")}`;
  const nodeOptions = [processEnv.NODE_OPTIONS, preload].filter(Boolean).join(" ");
  const listening = host ? ` (listening on ${host})` : "";
  const note = isFlagSet(processEnv.TRUST_PROXY) ? `${listening}; trusting X-Forwarded-For` : listening;
  return { args, env: { NODE_OPTIONS: nodeOptions }, note };
}

/** The whole command of the web server: `next dev|start -p PORT [-H HOST]` with its extra environment. */
export function webServerCommand(
  mode: "dev" | "start",
  processEnv: Record<string, string | undefined>,
): WebServerOptions & { command: string; port: string } {
  const options = webServerOptions(mode, processEnv);
  const port = processEnv.PORT?.trim() || "3000";
  return { ...options, command: "node_modules/.bin/next", args: [mode, "-p", port, ...options.args], port };
}
