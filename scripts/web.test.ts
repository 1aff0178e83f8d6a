/**
 * docs/systemd/convos-web.service starts the web app as `npm start` does: its ExecStart, run as
 * written in a copy of the install folder, gives `next start` HOST and the forwarded-headers
 * preload, so a client's forged X-Forwarded-For is replaced with its socket's address. A stand-in
 * for `next start` (a plain HTTP server answering with the headers it was given) takes the place of
 * the production build.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@/test/wait-for.ts";
import { tempDir } from "@/test/temp-dir.ts";

const repo = process.cwd();
const install = tempDir("convos-web-unit-");
let child: ChildProcess | undefined;

/** `next start` as far as this test needs it: serves on -p/-H, answering with its argv and the request's headers. */
const NEXT_STAND_IN = `#!/usr/bin/env node
const http = require("node:http");
const args = process.argv.slice(2);
const at = (flag) => args[args.indexOf(flag) + 1];
http
  .createServer((req, res) => res.end(JSON.stringify({ args, headers: req.headers })))
  .listen(Number(at("-p")), args.includes("-H") ? at("-H") : undefined);
`;

/** The unit's [Service] settings, as systemd reads them (one value per key is enough here). */
function unit(): { execStart: string[]; environment: Record<string, string> } {
  const text = fs.readFileSync(path.join(repo, "docs/systemd/convos-web.service"), "utf8");
  const values = (key: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(`${key}=`))
      .map((line) => line.slice(key.length + 1).trim());
  const [execStart] = values("ExecStart");
  const environment = Object.fromEntries(
    values("Environment")
      .flatMap((line) => line.split(/\s+/))
      .map((pair) => pair.split("=", 2) as [string, string]),
  );
  return { execStart: execStart!.split(/\s+/), environment };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(() => {
  // The install folder: the repository's scripts, the lib/ they import through the tsconfig's "@/" paths
  // and tsx, the build marker, and the stand-in for next.
  const bin = path.join(install.dir, "node_modules/.bin");
  fs.mkdirSync(bin, { recursive: true });
  for (const shared of ["scripts", "lib", "tsconfig.json"])
    fs.symlinkSync(path.join(repo, shared), path.join(install.dir, shared));
  fs.symlinkSync(fs.realpathSync(path.join(repo, "node_modules/.bin/tsx")), path.join(bin, "tsx"));
  fs.writeFileSync(path.join(bin, "next"), NEXT_STAND_IN, { mode: 0o755 });
  fs.mkdirSync(path.join(install.dir, ".next"));
  fs.writeFileSync(path.join(install.dir, ".next/BUILD_ID"), "test");
});
afterAll(() => {
  child?.kill("SIGTERM");
  install.remove();
});

describe("docs/systemd/convos-web.service", () => {
  it("starts next through the run command's wrapper: HOST, and forged X-Forwarded-* replaced", async () => {
    const { execStart, environment } = unit();
    const [node, ...args] = execStart;
    expect(node).toBe("/usr/bin/node");
    expect(environment.NODE_ENV).toBe("production");
    const port = await freePort();
    const web = spawn(process.execPath, args, {
      cwd: install.dir,
      env: {
        PATH: process.env.PATH,
        ...environment,
        NODE_ENV: "production",
        // What /etc/convos-agents/env holds (docs/systemd/env.example).
        AUTH_SECRET: "web-unit-test-auth-secret-0123456789",
        MASTER_KEY: "web-unit-test-master-key-0123456789",
        DATABASE_URL: "postgresql://convos@127.0.0.1:5432/convos",
        XMTP_ENV: "production",
        ATTESTATION: "off",
        PORT: String(port),
        HOST: "127.0.0.1",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child = web;
    const seen = await waitFor(
      "the web app",
      () =>
        fetch(`http://127.0.0.1:${port}/`, {
          headers: { "x-forwarded-for": "10.9.8.7", "x-forwarded-host": "evil.example" },
        })
          .then((r) => r.json() as Promise<{ args: string[]; headers: Record<string, string> }>)
          .catch(() => null),
      30_000,
    );
    expect(seen.args).toEqual(["start", "-p", String(port), "-H", "127.0.0.1"]);
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.headers["x-forwarded-host"]).toBeUndefined();
    expect(seen.headers["x-convos-socket-address"]).toBe("127.0.0.1");
    const exited = new Promise((resolve) => web.once("exit", resolve));
    web.kill("SIGTERM");
    await exited;
  });
});
