/** What /signin offers: the development sign-in, and the admins it names, only in development with the flag. */
import { afterEach, describe, expect, it, vi } from "vitest";

// As scripts/forwarded-headers.mjs, preloaded into the web server, marks the process it writes the socket's address in.
(globalThis as Record<symbol, unknown>)[Symbol.for("convos.socketAddressHeader")] = "x-convos-socket-address";

/** The options for a request whose socket is `socket`, claiming loopback in X-Forwarded-For. */
async function optionsWith(env: Record<string, string>, socket = "127.0.0.1") {
  vi.resetModules(); // lib/config parses the environment once per module instance
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { signInOptions } = await import("./options");
  return signInOptions(new Headers({ "x-convos-socket-address": socket, "x-forwarded-for": "127.0.0.1" }));
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("signInOptions", () => {
  it("offers the development sign-in and names the admins when the flag is on outside production", async () => {
    const options = await optionsWith({
      NODE_ENV: "development",
      ENABLE_DEV_SIGNIN: "1",
      ADMIN_EMAILS: "Admin@Dev.Local, ops@dev.local",
    });
    expect(options).toMatchObject({ dev: true, devAdminEmails: ["admin@dev.local", "ops@dev.local"] });
  });

  it("names nobody without the development sign-in, and never in production", async () => {
    expect(
      await optionsWith({ NODE_ENV: "development", ENABLE_DEV_SIGNIN: "", ADMIN_EMAILS: "admin@dev.local" }),
    ).toMatchObject({
      dev: false,
      devAdminEmails: [],
    });
    const production = await optionsWith({
      NODE_ENV: "production",
      ENABLE_DEV_SIGNIN: "1",
      ADMIN_EMAILS: "admin@dev.local",
      AUTH_SECRET: "x".repeat(32),
      MASTER_KEY: "y".repeat(64),
      DATABASE_URL: "postgresql://localhost/unused",
      XMTP_ENV: "production",
      ATTESTATION: "off",
    });
    expect(production).toMatchObject({ dev: false, devAdminEmails: [] });
  });

  it("offers the development sign-in to clients on this machine only", async () => {
    const env = { NODE_ENV: "development", ENABLE_DEV_SIGNIN: "1", ADMIN_EMAILS: "admin@dev.local" };
    expect(await optionsWith(env, "::1")).toMatchObject({ dev: true });
    expect(await optionsWith(env, "192.168.1.20")).toMatchObject({ dev: false, devAdminEmails: [] });
    expect(await optionsWith(env, "unknown")).toMatchObject({ dev: false });
  });

  it("answers nobody behind a proxy (TRUST_PROXY), where every socket is the proxy's", async () => {
    const env = { NODE_ENV: "development", ENABLE_DEV_SIGNIN: "1", TRUST_PROXY: "1" };
    expect(await optionsWith(env, "127.0.0.1")).toMatchObject({ dev: false });
  });
});
