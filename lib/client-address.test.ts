import { describe, expect, it } from "vitest";
import { clientAddress, isLoopback } from "./client-address";

const headers = (forwardedFor?: string) =>
  new Headers(forwardedFor ? { "x-forwarded-for": forwardedFor } : {});

describe("clientAddress", () => {
  it("takes the last X-Forwarded-For entry: the one our side wrote, not the client's own claims", () => {
    expect(clientAddress(headers("127.0.0.1, 203.0.113.9"))).toBe("203.0.113.9");
    expect(clientAddress(headers("203.0.113.9"))).toBe("203.0.113.9");
  });
  it("writes IPv4 clients of a dual-stack socket as plain IPv4", () => {
    expect(clientAddress(headers("::ffff:127.0.0.1"))).toBe("127.0.0.1");
    expect(clientAddress(headers("2001:DB8::1"))).toBe("2001:db8::1");
  });
  it("says unknown without the header", () => {
    expect(clientAddress(headers())).toBe("unknown");
    expect(clientAddress(headers(" , "))).toBe("unknown");
  });
});

describe("isLoopback", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["10.0.0.1", false],
    ["1.127.0.0", false],
    ["unknown", false],
  ])("%s → %s", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
