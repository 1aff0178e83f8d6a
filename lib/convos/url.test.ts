// docs/convos-protocol.md §4.3 and §10.3: every accepted URL form, http rejected, and text that is not an invite.
import { describe, expect, it } from "vitest";
import { extractInviteCode, parseInvite, buildInviteUrl } from "./url";
import { SLUG } from "@/test/convos-fixtures";

describe("extractInviteCode (§10.3)", () => {
  const cases: [string, string | null][] = [
    [`https://popup.convos.org/v2?i=${SLUG}`, SLUG],
    [`https://dev.convos.org/v2?i=${SLUG}`, SLUG],
    [`https://local.convos.org/v2?i=${SLUG}`, SLUG],
    [`https://convos.org/i/${SLUG}`, SLUG],
    [`https://app.convos.org/invite?code=${SLUG}`, SLUG],
    [`convos://join/${SLUG}`, SLUG],
    [`convos://invite/${SLUG}`, SLUG],
    [`convos-dev://invite/${SLUG}`, SLUG],
    [`  https://popup.convos.org/v2?i=${SLUG} \n`, SLUG],
    [`http://popup.convos.org/v2?i=${SLUG}`, null],
    [`https://popup.convos.org/v2?i=`, null],
    [SLUG, SLUG],
    [`${SLUG.slice(0, 100)}*${SLUG.slice(100)}`, SLUG],
    ["hello there", null],
    // iOS URLParsingTests.swift
    ["https://dev.convos.org/v2?i=abc123def", "abc123def"],
    ["https://popup.convos.org/v2?i=slug456", "slug456"],
    ["https://dev.convos.org/v2?other=value", null],
    ["https://convos.org/i/abc123", "abc123"],
    ["convos://join/abc123", "abc123"],
    ["convos://invite/abc123", "abc123"],
    ["https://convos.org/invite?code=abc123", "abc123"],
    ["https://example.com/page", null],
    ["http://convos.org/i/abc123", null],
    [
      "https://dev.convos.org/v2?i=Cm8KPwH35JrN-_PiLz+KakFDHsS3KIUdHF1zodJw",
      "Cm8KPwH35JrN-_PiLz+KakFDHsS3KIUdHF1zodJw",
    ],
    ["https://dev.convos.org/v2?i=abc%2Ddef", "abc-def"],
    ["convos-local://invite/abc", "abc"],
    ["convos://x/invite/abc", "abc"],
    ["short-code", null],
  ];
  it.each(cases)("%s", (input, expected) => {
    expect(extractInviteCode(input)?.code ?? null).toBe(expected);
  });

  it("finds an invite link inside pasted prose", () => {
    expect(extractInviteCode(`join us here: https://popup.convos.org/v2?i=${SLUG} thanks!`)?.code).toBe(SLUG);
  });
});

describe("parseInvite", () => {
  it("decodes every form to the same invite", () => {
    for (const form of [
      `https://popup.convos.org/v2?i=${SLUG}`,
      `https://convos.org/i/${SLUG}`,
      `convos://join/${SLUG}`,
      SLUG,
      `${SLUG.slice(0, 7)}*${SLUG.slice(7)}`,
    ]) {
      const r = parseInvite(form);
      expect(r.ok, form).toBe(true);
      if (r.ok) expect(r.invite.payload.tag).toBe("Ab3dE5gH9k");
    }
  });

  it("returns not_an_invite for ordinary text, a 60-char non-decoding code, and http links", () => {
    for (const text of [
      "hello there",
      "",
      "   ",
      "x".repeat(60),
      "A".repeat(49),
      `http://popup.convos.org/v2?i=${SLUG}`,
      "https://example.com/page",
    ]) {
      const r = parseInvite(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe("not_an_invite");
    }
  });

  it("returns invalid_invite for a link whose code does not decode", () => {
    const r = parseInvite("https://popup.convos.org/v2?i=abc123def");
    expect(!r.ok && r.error.code).toBe("invalid_invite");
  });

  it("never throws on hostile input", () => {
    const inputs = [
      "%",
      "https://x/v2?i=%E0%A4%A",
      "convos://",
      "https://[::1",
      "\u0000".repeat(100),
      "*".repeat(500),
      "é".repeat(70),
      "https://x/i/",
      "a".repeat(1_000_000),
    ];
    for (const input of inputs) expect(() => parseInvite(input)).not.toThrow();
    // @ts-expect-error non-string input from an untyped caller
    expect(parseInvite(undefined).ok).toBe(false);
  });

  it("flags an invite link for the other XMTP network", () => {
    const prod = parseInvite(buildInviteUrl(SLUG, "production"), { env: "dev" });
    expect(!prod.ok && prod.error.code).toBe("wrong_environment");
    const dev = parseInvite(buildInviteUrl(SLUG, "dev"), { env: "production" });
    expect(!dev.ok && dev.error.code).toBe("wrong_environment");
    expect(parseInvite(`convos-dev://invite/${SLUG}`, { env: "production" }).ok).toBe(false);
    // dev.convos.org is what the product writes for local too, so local accepts it
    expect(parseInvite(buildInviteUrl(SLUG, "local"), { env: "local" }).ok).toBe(true);
    expect(parseInvite(buildInviteUrl(SLUG, "dev"), { env: "local" }).ok).toBe(true);
    // a bare code or an unknown host says nothing about the network
    expect(parseInvite(SLUG, { env: "production" }).ok).toBe(true);
    expect(parseInvite(`https://convos.org/i/${SLUG}`, { env: "dev" }).ok).toBe(true);
  });

  it("builds dev.convos.org for every non-production env", () => {
    expect(buildInviteUrl("abc", "dev")).toBe("https://dev.convos.org/v2?i=abc");
    expect(buildInviteUrl("abc", "local")).toBe("https://dev.convos.org/v2?i=abc");
    expect(buildInviteUrl("a*b", "production")).toBe("https://popup.convos.org/v2?i=a*b");
  });
});
