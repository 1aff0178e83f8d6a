/** Svix signatures as AgentMail's webhooks carry them: what verifies, and each way a delivery is refused. */
import { describe, expect, it } from "vitest";
import { svixSignature, verifySvix } from "./svix";

const SECRET = `whsec_${Buffer.from("a test signing secret, 32 bytes!").toString("base64")}`;
const NOW = 1_800_000_000_000;
const body = JSON.stringify({ event_type: "message.received", message: { inbox_id: "a@b.test" } });

function headers(o: { id?: string; at?: number; body?: string; secret?: string } = {}) {
  const id = o.id ?? "msg_1";
  const timestamp = String(Math.floor((o.at ?? NOW) / 1000));
  return { id, timestamp, signature: svixSignature(o.secret ?? SECRET, id, timestamp, o.body ?? body) };
}

describe("verifySvix", () => {
  it("accepts a delivery signed with the secret, among several signatures", () => {
    expect(verifySvix(SECRET, headers(), body, NOW)).toEqual({ ok: true, id: "msg_1" });
    const h = headers();
    const several = { ...h, signature: `v1,AAAA v2,whatever ${h.signature}` };
    expect(verifySvix(SECRET, several, body, NOW).ok).toBe(true);
  });

  it("refuses a tampered body, another secret, a changed id and missing headers", () => {
    expect(verifySvix(SECRET, headers(), body.replace("a@b.test", "c@d.test"), NOW)).toMatchObject({
      ok: false,
      reason: "no valid signature",
    });
    const other = `whsec_${Buffer.from("another secret").toString("base64")}`;
    expect(verifySvix(SECRET, headers({ secret: other }), body, NOW).ok).toBe(false);
    expect(verifySvix(SECRET, { ...headers(), id: "msg_2" }, body, NOW).ok).toBe(false);
    expect(verifySvix(SECRET, { ...headers(), signature: null }, body, NOW).ok).toBe(false);
    expect(verifySvix(SECRET, { ...headers(), signature: "v1," }, body, NOW).ok).toBe(false);
  });

  it("refuses a delivery more than five minutes old or ahead, however well signed", () => {
    expect(verifySvix(SECRET, headers({ at: NOW - 4 * 60_000 }), body, NOW).ok).toBe(true);
    expect(verifySvix(SECRET, headers({ at: NOW - 6 * 60_000 }), body, NOW)).toMatchObject({
      ok: false,
      reason: "timestamp outside the window",
    });
    expect(verifySvix(SECRET, headers({ at: NOW + 6 * 60_000 }), body, NOW).ok).toBe(false);
    expect(verifySvix(SECRET, { ...headers(), timestamp: "soon" }, body, NOW).ok).toBe(false);
  });
});
