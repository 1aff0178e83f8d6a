/** Admins need ADMIN_EMAILS and a verified address; only the development sign-in goes without. */
import { afterEach, describe, expect, it, vi } from "vitest";

async function rolesWith(env: Record<string, string>) {
  vi.resetModules(); // lib/config parses the environment once per module instance
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import("./roles");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("roleFor", () => {
  const env = { NODE_ENV: "test", ENABLE_DEV_SIGNIN: "", ADMIN_EMAILS: "ops@example.com" };

  it("makes a listed address with a verified e-mail an admin", async () => {
    const { roleFor } = await rolesWith(env);
    expect(roleFor({ email: "Ops@Example.com", emailVerified: new Date() })).toBe("admin");
  });

  it("refuses a listed address nobody proved (an OAuth profile without email_verified)", async () => {
    const { roleFor } = await rolesWith(env);
    expect(roleFor({ email: "ops@example.com", emailVerified: null })).toBe("user");
  });

  it("never makes an unlisted address an admin", async () => {
    const { roleFor } = await rolesWith(env);
    expect(roleFor({ email: "someone@example.com", emailVerified: new Date() })).toBe("user");
  });

  it("takes the list's word under the development sign-in, where anyone may be anyone", async () => {
    const { roleFor } = await rolesWith({ ...env, NODE_ENV: "development", ENABLE_DEV_SIGNIN: "1" });
    expect(roleFor({ email: "ops@example.com", emailVerified: null })).toBe("admin");
  });
});
