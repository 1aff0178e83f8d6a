import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { markVerifiedFromProfile } from "./roles";

const database = withTestDatabase();

async function user(email: string) {
  return database().db.user.create({ data: { email } });
}

describe("markVerifiedFromProfile", () => {
  it("stamps the address verified when the OAuth profile says so for the same address", async () => {
    const u = await user("g@example.com");
    await markVerifiedFromProfile(u.id, u.email, { email: "G@example.com", email_verified: true });
    expect(
      (await database().db.user.findUniqueOrThrow({ where: { id: u.id } })).emailVerified,
    ).toBeInstanceOf(Date);
  });

  it.each([
    ["no email_verified (GitHub)", { email: "x@example.com" }],
    ["email_verified false", { email: "x@example.com", email_verified: false }],
    ["email_verified as a string", { email: "x@example.com", email_verified: "true" }],
    ["another address verified", { email: "other@example.com", email_verified: true }],
    ["no profile", undefined],
  ])("leaves it unverified with %s", async (_name, profile) => {
    const u = await user(`x-${Math.random().toString(36).slice(2)}@example.com`);
    await markVerifiedFromProfile(u.id, "x@example.com", profile as Record<string, unknown> | undefined);
    expect((await database().db.user.findUniqueOrThrow({ where: { id: u.id } })).emailVerified).toBeNull();
  });
});
