import { describe, expect, it } from "vitest";
import { clientAddress, clientLimitKey, isLoopback } from "./client-address";

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

describe("clientLimitKey", () => {
  it("keys an IPv6 client by its /64, however the address is written", () => {
    expect(clientLimitKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientLimitKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientLimitKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientLimitKey("::1")).toBe("0:0:0:0::/64");
    expect(clientLimitKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientLimitKey("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
  });
  it("keeps IPv4 addresses and unknown as they are", () => {
    expect(clientLimitKey("203.0.113.9")).toBe("203.0.113.9");
    expect(clientLimitKey("unknown")).toBe("unknown");
  });
});
