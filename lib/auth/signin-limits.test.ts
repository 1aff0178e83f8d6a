import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { signInMailRefusal } from "./signin-limits";

withTestDatabase();

describe("signInMailRefusal", () => {
  it("allows five mails per address per hour, whichever client asks, then says how long to wait", async () => {
    for (let i = 0; i < 5; i++) {
      expect(await signInMailRefusal("Flooded@Example.com", `198.51.100.${i}`)).toBeNull();
    }
    const refusal = await signInMailRefusal("flooded@example.com", "198.51.100.77");
    expect(refusal?.retryAfterMs).toBeGreaterThan(59 * 60_000);
    expect(await signInMailRefusal("someone-else@example.com", "198.51.100.77")).toBeNull();
  });

  it("allows twenty mails per client address per hour, whatever addresses it names", async () => {
    for (let i = 0; i < 20; i++) {
      expect(await signInMailRefusal(`spray-${i}@example.com`, "203.0.113.7")).toBeNull();
    }
    expect(await signInMailRefusal("spray-20@example.com", "203.0.113.7")).not.toBeNull();
    expect(await signInMailRefusal("spray-20@example.com", "203.0.113.8")).toBeNull();
  });

  it("counts an IPv6 client by its /64: new addresses in the same network share its twenty", async () => {
    for (let i = 0; i < 20; i++) {
      expect(
        await signInMailRefusal(`v6-${i}@example.com`, `2001:db8:5:6::${(i + 1).toString(16)}`),
      ).toBeNull();
    }
    expect(await signInMailRefusal("v6-20@example.com", "2001:db8:5:6:ffff:1:2:3")).not.toBeNull();
    expect(await signInMailRefusal("v6-20@example.com", "2001:db8:5:7::1")).toBeNull();
  });
});
