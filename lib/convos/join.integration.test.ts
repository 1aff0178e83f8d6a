/**
 * The join protocol end to end with real @xmtp/node-sdk clients on the local
 * XMTP node (test/setup/xmtp-node.ts starts or reuses it on 127.0.0.1:5556).
 * A is the creator (its own inbox per conversation), B the joiner.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Client, Group } from "@xmtp/node-sdk";
import {
  ContentTypeInviteJoinError,
  ContentTypeInviteJoinHandled,
  ContentTypeProfileSnapshot,
  isContentType,
  joinRequestCodec,
  sendWithCodec,
  type InviteJoinError,
  type ProfileSnapshot,
} from "@/lib/convos/codecs";
import {
  InMemoryLedger,
  createConvosConversation,
  handleJoinRequestMessage,
  inviteToConversation,
  isJoinRequestCandidate,
  lockConversation,
  revokeInvites,
  startJoinRequestProcessor,
  catchUpJoinRequests,
  type CreatorContext,
  type JoinRequestProcessor,
} from "@/lib/convos/creator";
import { join } from "./joiner";
import { joinByInvite, newIdentity, reopenIdentity, tempDir, waitFor, type Identity } from "@/test/convos";
import { createSignedInvite } from "./invite";
import { encodeSlug } from "./slug";
import { encryptConversationToken } from "./token";
import { buildInviteUrl } from "./url";
import { appDataTag } from "./metadata";
import { Consent } from "./sdk";

const tmp = tempDir("convos-join-");
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  tmp.remove();
});

async function creator(): Promise<{
  a: Identity;
  group: Group<unknown>;
  ctx: CreatorContext;
  ledger: InMemoryLedger;
}> {
  const a = await newIdentity(tmp.dir);
  const group = await createConvosConversation(a.client, {
    name: "Test room",
    profile: { name: "Agent A", memberKind: 1 },
  });
  const ledger = new InMemoryLedger();
  return {
    a,
    group,
    ledger,
    ctx: { client: a.client, privateKey: a.privateKey, ledger, provisionalProfiles: new Map() },
  };
}

async function run(ctx: CreatorContext): Promise<JoinRequestProcessor> {
  const p = await startJoinRequestProcessor(ctx);
  cleanups.push(() => p.stop());
  return p;
}

async function dmMessages(client: Client<unknown>, peer: string) {
  await client.conversations.sync();
  const dm = client.conversations.getDmByInboxId(peer);
  if (!dm) return [];
  await dm.sync();
  return dm.messages();
}

/** B sends a typed join request (and nothing else) with an arbitrary slug, bypassing join()'s local checks. */
async function sendRawRequest(b: Identity, creatorInboxId: string, slug: string): Promise<string> {
  const dm = await b.client.conversations.createDm(creatorInboxId);
  return sendWithCodec(dm, joinRequestCodec, { inviteSlug: slug, profile: { name: "B" } });
}

/** The request as the creator's client sees it. */
async function creatorCopy(a: Identity, b: Identity, id: string) {
  return waitFor("the request at the creator", async () =>
    (await dmMessages(a.client, b.client.inboxId)).find((m) => m.id === id),
  );
}

describe("Convos join over the local XMTP node", () => {
  it("B joins by URL, A accepts, B and A exchange messages, profiles are shared", async () => {
    const { a, group, ctx } = await creator();
    await run(ctx);
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    expect(invite.url).toMatch(/^https:\/\/dev\.convos\.org\/v2\?i=/);

    const b = await newIdentity(tmp.dir);
    const result = await joinByInvite(b, invite.url, { profile: { name: "Bea" }, syncIntervalMs: 500 });
    expect(result.status).toBe("joined");
    if (result.status !== "joined") return;
    expect(result.group.id).toBe(group.id);
    expect(appDataTag(result.group.appData)).toBe(invite.tag);
    expect(result.group.consentState()).toBe(Consent.Allowed);

    await result.group.sendText("hello from B");
    const got = await waitFor("A receives B's text", async () => {
      await group.sync();
      return (await group.messages()).find((m) => m.content === "hello from B");
    });
    expect(got.senderInboxId).toBe(b.client.inboxId);
    await group.sendText("welcome B");
    await waitFor("B receives A's reply", async () => {
      await result.group.sync();
      return (await result.group.messages()).some((m) => m.content === "welcome B");
    });

    // A sent a snapshot naming itself (and B, from the provisional profile) and a handled marker to the typed joiner.
    const snapshot = (await group.messages())
      .filter((m) => isContentType(m.contentType, ContentTypeProfileSnapshot))
      .at(-1);
    const names = (snapshot?.content as ProfileSnapshot).profiles.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["Agent A"]));
    const dm = await dmMessages(b.client, a.client.inboxId);
    expect(dm.filter((m) => isContentType(m.contentType, ContentTypeInviteJoinHandled))).toHaveLength(1);
    expect(dm.some((m) => m.content === invite.slug)).toBe(true); // the plain-text copy went too

    // Joining again with the same identity finds the group without a new request.
    const again = await join(invite.url, { client: b.client, env: "local", timeoutMs: 5_000 });
    expect(again.status === "joined" && again.alreadyMember).toBe(true);
  });

  it("answers a revoked invite with invite_join_error conversation_expired", async () => {
    const { a, group, ctx, ledger } = await creator();
    await run(ctx);
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    await revokeInvites(group);
    const b = await newIdentity(tmp.dir);
    const result = await joinByInvite(b, invite.url, { syncIntervalMs: 500 });
    expect(result.status).toBe("rejected");
    if (result.status === "rejected") {
      expect(result.error.errorType).toBe("conversation_expired");
      expect(result.error.inviteTag).toBe(invite.tag);
      expect(result.error.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    // One attempt (typed + text copy) got exactly one error reply. A reply goes out before the ledger records
    // its request: once both are recorded, a second reply would be in the DM.
    const requests = (await dmMessages(b.client, a.client.inboxId)).filter(
      (m) => m.senderInboxId === b.client.inboxId && isJoinRequestCandidate(m),
    );
    expect(requests).toHaveLength(2);
    await waitFor("the creator to handle the request and its text copy", () =>
      requests.every((m) => ledger.entries.has(m.id)),
    );
    const errors = (await dmMessages(b.client, a.client.inboxId)).filter((m) =>
      isContentType(m.contentType, ContentTypeInviteJoinError),
    );
    expect(errors).toHaveLength(1);
    expect((await group.members()).map((m) => m.inboxId)).not.toContain(b.client.inboxId);
  });

  it("answers an exploded conversation with conversation_expired and stays silent on an expired invite", async () => {
    const { a, group, ctx } = await creator();
    const b = await newIdentity(tmp.dir);
    const past = Math.floor(Date.now() / 1000) - 60;
    const make = (extra: object) =>
      encodeSlug(
        createSignedInvite(
          {
            conversationToken: encryptConversationToken(group.id, a.client.inboxId, a.privateKey),
            creatorInboxId: a.client.inboxId,
            tag: appDataTag(group.appData)!,
            ...extra,
          },
          a.privateKey,
        ).bytes,
      );
    // The joiner refuses both locally, without sending anything.
    expect((await join(make({ expiresAtUnix: past }), { client: b.client, timeoutMs: 1000 })).status).toBe(
      "expired",
    );
    expect(
      (await join(make({ conversationExpiresAtUnix: past }), { client: b.client, timeoutMs: 1000 })).status,
    ).toBe("expired");

    // Sent anyway (an older or hostile client), the creator answers per docs/convos-protocol.md §6.3.
    const exploded = await creatorCopy(
      a,
      b,
      await sendRawRequest(b, a.client.inboxId, make({ conversationExpiresAtUnix: past })),
    );
    expect(await handleJoinRequestMessage(ctx, exploded)).toMatchObject({
      kind: "rejected",
      errorType: "conversation_expired",
      replied: true,
    });
    const expired = await creatorCopy(
      a,
      b,
      await sendRawRequest(b, a.client.inboxId, make({ expiresAtUnix: past })),
    );
    expect(await handleJoinRequestMessage(ctx, expired)).toMatchObject({ kind: "ignored" });
    const errors = (await dmMessages(b.client, a.client.inboxId)).filter((m) =>
      isContentType(m.contentType, ContentTypeInviteJoinError),
    );
    expect(errors.map((m) => (m.content as InviteJoinError).errorType)).toEqual(["conversation_expired"]);
  });

  it("blocks a forged invite (signed by another key) without replying", async () => {
    const { a, group, ctx } = await creator();
    const b = await newIdentity(tmp.dir);
    const forged = encodeSlug(
      createSignedInvite(
        {
          conversationToken: encryptConversationToken(group.id, a.client.inboxId, a.privateKey),
          creatorInboxId: a.client.inboxId,
          tag: appDataTag(group.appData)!,
        },
        b.privateKey,
      ).bytes,
    );
    const msg = await creatorCopy(a, b, await sendRawRequest(b, a.client.inboxId, forged));
    expect(await handleJoinRequestMessage(ctx, msg)).toMatchObject({ kind: "blocked" });
    expect(a.client.conversations.getDmByInboxId(b.client.inboxId)!.consentState()).toBe(Consent.Denied);
    expect((await group.members()).map((m) => m.inboxId)).not.toContain(b.client.inboxId);
    const replies = (await dmMessages(b.client, a.client.inboxId)).filter(
      (m) => m.senderInboxId === a.client.inboxId,
    );
    expect(replies).toHaveLength(0);
  });

  it("handles the same join request delivered twice (and via catch-up) once", async () => {
    const { a, group, ctx } = await creator();
    const b = await newIdentity(tmp.dir);
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    const msg = await creatorCopy(a, b, await sendRawRequest(b, a.client.inboxId, invite.slug));
    const outcomes = await Promise.all([handleJoinRequestMessage(ctx, msg), Promise.resolve()]).then(
      async ([first]) => [
        first,
        await handleJoinRequestMessage(ctx, msg),
        ...(await catchUpJoinRequests(ctx)),
      ],
    );
    expect(outcomes[0]).toMatchObject({ kind: "joined" });
    expect(outcomes.slice(1).every((o) => o.kind === "duplicate")).toBe(true);
    await group.sync();
    expect((await group.members()).filter((m) => m.inboxId === b.client.inboxId)).toHaveLength(1);
    const markers = (await dmMessages(b.client, a.client.inboxId)).filter((m) =>
      isContentType(m.contentType, ContentTypeInviteJoinHandled),
    );
    expect(markers).toHaveLength(1);
    // Another installation (a fresh ledger) sees the handled marker in the DM (§6.2 step 9) and stops.
    const fresh = { ...ctx, ledger: new InMemoryLedger() };
    expect(await handleJoinRequestMessage(fresh, msg)).toMatchObject({ kind: "handled_elsewhere" });
    expect((await group.members()).filter((m) => m.inboxId === b.client.inboxId)).toHaveLength(1);
  });

  it("with read marks, a pass skips a DM with nothing new and still handles a request sent after its mark", async () => {
    const { a, group, ctx } = await creator();
    const b = await newIdentity(tmp.dir);
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    await creatorCopy(a, b, await sendRawRequest(b, a.client.inboxId, invite.slug));
    const marks = new Map<string, bigint>();
    expect(await catchUpJoinRequests(ctx, 50, marks)).toContainEqual(
      expect.objectContaining({ kind: "joined" }),
    );
    const dmId = a.client.conversations.getDmByInboxId(b.client.inboxId)!.id;
    expect(marks.get(dmId)).toBeGreaterThan(0n);
    // Without marks the old request is looked at again (a duplicate); with them, past the margin, not at all.
    expect(await catchUpJoinRequests(ctx)).toEqual([{ kind: "duplicate" }]);
    marks.set(dmId, marks.get(dmId)! + 120_000_000_000n);
    expect(await catchUpJoinRequests(ctx, 50, marks)).toEqual([]);
    // B asks again (already a member): something new since the mark, so the DM is read in full.
    marks.set(dmId, marks.get(dmId)! - 120_000_000_000n);
    const again = await sendRawRequest(b, a.client.inboxId, invite.slug);
    await creatorCopy(a, b, again);
    const outcomes = await catchUpJoinRequests(ctx, 50, marks);
    expect(outcomes.map((o) => o.kind)).toEqual(["duplicate", "already_member"]);
    // A DM no longer listed loses its mark.
    marks.set("a-dm-gone", 1n);
    await catchUpJoinRequests(ctx, 50, marks);
    expect([...marks.keys()]).toEqual([dmId]);
  });

  it("accepts a text-only join request (older iOS, web) and sends no handled marker to it", async () => {
    const { a, group, ctx } = await creator();
    await run(ctx);
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    const b = await newIdentity(tmp.dir);
    const dm = await b.client.conversations.createDm(a.client.inboxId);
    await dm.sendText(`join me: ${invite.url}`);
    await dm.sendText("hello there"); // not an invite: ignored, never blocked
    await waitFor("B is added", async () => {
      await group.sync();
      return (await group.members()).some((m) => m.inboxId === b.client.inboxId);
    });
    const replies = (await dmMessages(b.client, a.client.inboxId)).filter(
      (m) => m.senderInboxId === a.client.inboxId,
    );
    expect(replies).toHaveLength(0);
    expect(a.client.conversations.getDmByInboxId(b.client.inboxId)!.consentState()).toBe(Consent.Allowed);
  });

  it("a DM with no join request in it is denied at the first catch-up and never scanned again", async () => {
    const { a, ctx } = await creator();
    const spammer = await newIdentity(tmp.dir);
    const dm = await spammer.client.conversations.createDm(a.client.inboxId);
    await dm.sendText("cheap followers, click here");
    await dm.sendText("http://spam.example/offer");
    expect(await catchUpJoinRequests(ctx)).toContainEqual({
      kind: "blocked",
      reason: "no join request in this DM",
    });
    expect(a.client.conversations.getDmByInboxId(spammer.client.inboxId)!.consentState()).toBe(
      Consent.Denied,
    );
    await dm.sendText("still here?");
    expect(await catchUpJoinRequests(ctx)).toEqual([]); // the denied DM is no longer listed
  });

  it("a catch-up between the joiner's new DM and their request leaves the DM open, and the request is handled", async () => {
    const { a, group, ctx } = await creator();
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    const b = await newIdentity(tmp.dir);
    // B's DM exists (XMTP's transcript of its creation is "from" B) but B has not asked yet: the window a
    // creator coming up, or catching up after a stream restart, can land in.
    const dm = await b.client.conversations.createDm(a.client.inboxId);
    expect(await catchUpJoinRequests(ctx)).toEqual([]);
    expect(a.client.conversations.getDmByInboxId(b.client.inboxId)!.consentState()).toBe(Consent.Unknown);
    await sendWithCodec(dm, joinRequestCodec, { inviteSlug: invite.slug });
    expect(await catchUpJoinRequests(ctx)).toContainEqual(expect.objectContaining({ kind: "joined" }));
    await group.sync();
    expect((await group.members()).some((m) => m.inboxId === b.client.inboxId)).toBe(true);
  });

  it("after A restarts mid-way, pending requests are handled once", async () => {
    const { a, group, ctx, ledger } = await creator();
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    const processor = await startJoinRequestProcessor(ctx);
    await processor.stop(); // A goes down

    const [b, c] = await Promise.all([newIdentity(tmp.dir), newIdentity(tmp.dir)]);
    await sendRawRequest(b, a.client.inboxId, invite.slug);
    await sendRawRequest(c, a.client.inboxId, invite.slug);

    // A comes back: a new client from the same database, the same (persistent) ledger.
    const a2 = await reopenIdentity(a);
    const restarted = await run({ ...ctx, client: a2.client, ledger });
    await restarted.idle();
    const group2 = (await a2.client.conversations.getConversationById(group.id)) as Group<unknown>;
    await group2.sync();
    const members = (await group2.members()).map((m) => m.inboxId);
    expect(members).toEqual(expect.arrayContaining([b.client.inboxId, c.client.inboxId]));
    expect([...ledger.entries.values()].filter((k) => k === "joined")).toHaveLength(2);

    // Another restart and catch-up: nothing new happens.
    await restarted.catchUp();
    await restarted.idle();
    expect([...ledger.entries.values()].filter((k) => k === "joined")).toHaveLength(2);
    for (const joiner of [b, c]) {
      const markers = (await dmMessages(joiner.client, a.client.inboxId)).filter((m) =>
        isContentType(m.contentType, ContentTypeInviteJoinHandled),
      );
      expect(markers).toHaveLength(1);
    }
  });

  it("a locked conversation refuses old invites", async () => {
    const { a, group, ctx } = await creator();
    await run(ctx);
    const invite = await inviteToConversation(a.client, group, a.privateKey, "local");
    await lockConversation(group);
    const b = await newIdentity(tmp.dir);
    const result = await join(buildInviteUrl(invite.slug, "local"), {
      client: b.client,
      timeoutMs: 30_000,
      syncIntervalMs: 500,
    });
    expect(result.status === "rejected" && result.error.errorType).toBe("conversation_expired");
  });
});
