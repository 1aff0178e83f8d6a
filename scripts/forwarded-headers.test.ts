/**
 * The development sign-in answers a request by its socket's address, never by X-Forwarded-For: a
 * server started as the run command starts the web app (scripts/web-server.ts's preload), reached
 * over loopback and over this machine's network address, with forged headers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { webServerOptions } from "./web-server.ts";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGTERM");
});

/** This machine's address on its network: a socket from it is not loopback. */
function networkAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  if (!address) throw new Error("this test needs a network interface besides loopback");
  return address;
}

/** Starts test/sign-in-options-server.ts with the environment the run command would give the web server. */
async function start(env: Record<string, string>, preload: boolean): Promise<number> {
  const web = webServerOptions("start", env);
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/sign-in-options-server.ts")], {
    env: {
      ...process.env,
      NODE_ENV: "development",
      ENABLE_DEV_SIGNIN: "1",
      ...env,
      NODE_OPTIONS: preload ? web.env.NODE_OPTIONS : "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const [line] = await createInterface({ input: child.stdout! })
    [Symbol.asyncIterator]()
    .next()
    .then((r) => [r.value]);
  return Number(line);
}

const forged = { "x-forwarded-for": "127.0.0.1", "x-convos-socket-address": "127.0.0.1" };
async function ask(host: string, port: number): Promise<{ dev: boolean; client: string }> {
  const response = await fetch(`http://${host}:${port}/signin`, { headers: forged });
  return (await response.json()) as { dev: boolean; client: string };
}

describe("the development sign-in and the socket address", () => {
  it("answers loopback sockets, not a network client that claims loopback in its headers", async () => {
    const port = await start({}, true);
    expect(await ask("127.0.0.1", port)).toEqual({ dev: true, client: "127.0.0.1" });
    const remote = networkAddress();
    expect(await ask(remote, port)).toEqual({ dev: false, client: remote });
  });

  it("behind a proxy (TRUST_PROXY) answers nobody, though X-Forwarded-For is believed there", async () => {
    const port = await start({ TRUST_PROXY: "1" }, true);
    expect(await ask(networkAddress(), port)).toEqual({ dev: false, client: "127.0.0.1" });
    expect((await ask("127.0.0.1", port)).dev).toBe(false);
  });

  it("without the preload (a bare next start) trusts no header as the socket", async () => {
    const port = await start({}, false);
    expect((await ask("127.0.0.1", port)).dev).toBe(false);
  });
});
