/**
 * Acceptance tests 1–7 (docs/local-xmtp-node.md §9) with the pinned @xmtp/node-sdk's real
 * clients against the shared local node on 127.0.0.1:5556 (started or reused
 * by test/setup/xmtp-node.ts). Every test uses fresh identities and database
 * paths, so tests are independent of each other and of earlier runs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ethereumIdentifier, randomPrivateKey, addressOf, streamOptions } from "@/lib/xmtp/index.ts";
import { identifierOf, newUser, reopen, tempDir, texts, waitFor } from "@/test/xmtp-clients.ts";

const tmp = tempDir("xmtp-acceptance-");
afterAll(() => tmp.remove());

describe("local XMTP node with real node-sdk clients", () => {
  it("registers two clients and canMessage sees them, and not an unknown address", async () => {
    const a = await newUser(tmp.dir);
    const b = await newUser(tmp.dir);
    const stranger = addressOf(randomPrivateKey());
    const result = await a.client.canMessage([identifierOf(b), ethereumIdentifier(stranger)]);
    expect(result.get(b.address)).toBe(true);
    expect(result.get(stranger)).toBe(false);
    expect(a.client.inboxId).not.toBe(b.client.inboxId);
  });

  it("delivers a group text live through streamAllMessages, then by sync", async () => {
    const a = await newUser(tmp.dir);
    const b = await newUser(tmp.dir);
    const stream = await b.client.conversations.streamAllMessages(streamOptions());
    try {
      const group = await a.client.conversations.createGroup([b.client.inboxId]);
      await group.sendText("hello from A");
      let received: { content: unknown; senderInboxId: string; conversationId: string } | undefined;
      for await (const message of stream) {
        if (typeof message?.content === "string") {
          received = message;
          break;
        }
      }
      expect(received?.content).toBe("hello from A");
      expect(received?.senderInboxId).toBe(a.client.inboxId);

      await b.client.conversations.sync();
      const bGroup = await b.client.conversations.getConversationById(group.id);
      expect(bGroup).toBeDefined();
      await bGroup!.sync();
      expect((await texts(bGroup!, { sync: false })).map((m) => m.text)).toEqual(["hello from A"]);
    } finally {
      await stream.end();
    }
  });

  it("lets B open a DM with A, and A reads it after syncAll", async () => {
    const a = await newUser(tmp.dir);
    const b = await newUser(tmp.dir);
    const dm = await b.client.conversations.createDm(a.client.inboxId);
    await dm.sendText("hi A, it's B");
    await a.client.conversations.syncAll();
    const aDm = a.client.conversations.getDmByInboxId(b.client.inboxId);
    expect(aDm).toBeDefined();
    expect((await texts(aDm!, { sync: false })).map((m) => m.text)).toEqual(["hi A, it's B"]);
    // And back, in the same DM.
    await aDm!.sendText("hello B");
    await dm.sync();
    expect((await texts(dm, { sync: false })).map((m) => m.text)).toEqual(["hi A, it's B", "hello B"]);
  });

  it("adds and removes members and renames a group among three clients", async () => {
    const [a, b, c] = await Promise.all([newUser(tmp.dir), newUser(tmp.dir), newUser(tmp.dir)]);
    const group = await a.client.conversations.createGroup([b.client.inboxId], { groupName: "first" });
    await group.addMembers([c.client.inboxId]);
    await group.updateName("renamed");
    await group.sendText("all three");

    await c.client.conversations.sync();
    const cGroup = await c.client.conversations.getConversationById(group.id);
    expect(cGroup).toBeDefined();
    await cGroup!.sync();
    expect((cGroup as { name: string }).name).toBe("renamed");
    expect((await cGroup!.members()).map((m) => m.inboxId).sort()).toEqual(
      [a.client.inboxId, b.client.inboxId, c.client.inboxId].sort(),
    );
    expect((await texts(cGroup!, { sync: false })).map((m) => m.text)).toEqual(["all three"]);

    await group.removeMembers([b.client.inboxId]);
    await b.client.conversations.sync();
    const bGroup = await b.client.conversations.getConversationById(group.id);
    await bGroup!.sync();
    expect(bGroup!.isActive).toBe(false);
    await cGroup!.sync();
    expect((await cGroup!.members()).map((m) => m.inboxId).sort()).toEqual(
      [a.client.inboxId, c.client.inboxId].sort(),
    );
  });

  it("delivers a new group through conversations.stream() (the welcome stream)", async () => {
    const a = await newUser(tmp.dir);
    const b = await newUser(tmp.dir);
    const stream = await b.client.conversations.stream(streamOptions());
    try {
      const group = await a.client.conversations.createGroup([b.client.inboxId]);
      const first = await stream.next();
      expect(first.value?.id).toBe(group.id);
    } finally {
      await stream.end();
    }
  });

  it("adds a second installation of an inbox, then revokes it", async () => {
    const a1 = await newUser(tmp.dir);
    const a2 = await newUser(tmp.dir, { privateKey: a1.privateKey });
    expect(a2.client.inboxId).toBe(a1.client.inboxId);
    expect(a2.client.installationId).not.toBe(a1.client.installationId);
    const ids = async () =>
      (await a1.client.preferences.fetchInboxState()).installations.map((i) => i.id).sort();
    expect(await ids()).toEqual([a1.client.installationId, a2.client.installationId].sort());

    await a1.client.revokeInstallations([a2.client.installationIdBytes]);
    expect(await ids()).toEqual([a1.client.installationId]);
    // A group created now reaches only the remaining installation.
    const b = await newUser(tmp.dir);
    await b.client.conversations.createGroup([a1.client.inboxId]);
    await a2.client.conversations.sync();
    expect(a2.client.conversations.listGroups()).toHaveLength(0);
    await a1.client.conversations.sync();
    expect(a1.client.conversations.listGroups()).toHaveLength(1);
  });

  it("reopens a client from its on-disk database with its identity and conversations", async () => {
    const a = await newUser(tmp.dir);
    const b = await newUser(tmp.dir);
    const group = await a.client.conversations.createGroup([b.client.inboxId]);
    await group.sendText("before reopening");

    const again = await reopen(a);
    expect(again.inboxId).toBe(a.client.inboxId);
    expect(again.installationId).toBe(a.client.installationId);
    const reopened = await again.conversations.getConversationById(group.id);
    expect((await texts(reopened!, { sync: false })).map((m) => m.text)).toEqual(["before reopening"]);
    await reopened!.sendText("after reopening");
    await waitFor("B to read both messages", async () => {
      await b.client.conversations.syncAll();
      const bGroup = await b.client.conversations.getConversationById(group.id);
      return bGroup && (await texts(bGroup, { sync: false })).map((m) => m.text).length === 2;
    });
  });
});
