/**
 * The browser chat's guest sessions against a real agent conversation on the
 * local XMTP node: one session per user and agent, closed when the agent
 * stops (its watchers told), closed when idle, and reopened with the same
 * guest identity and the history; files both ways.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Group, RemoteAttachment } from "@xmtp/node-sdk";
import { openTestConversation, tempDir, waitFor } from "@/test/convos";
import { GuestChats, type ChatMessage } from "./guest";

const tmp = tempDir("convos-guest-");
/** A remote attachment's reference (the guest lists it without reading it, so nothing is stored). */
const remote: RemoteAttachment = {
  url: "https://files.example/abc",
  contentDigest: "00".repeat(32),
  secret: new Uint8Array(32),
  salt: new Uint8Array(32),
  nonce: new Uint8Array(12),
  scheme: "https",
  contentLength: 100,
  filename: "x.bin",
};
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const s of stops) await s().catch(() => undefined);
  tmp.remove();
});

async function agentConversation(): Promise<{ group: Group<unknown>; url: string }> {
  const conversation = await openTestConversation(tmp.dir, { name: "Agent room", creatorName: "Agent" });
  stops.push(conversation.stop);
  return conversation;
}

describe("guest chats", () => {
  it("shares one session per user and agent, closes it when the agent stops, and reopens it with the history", async () => {
    const { group, url } = await agentConversation();
    const chats = new GuestChats({ dataDir: tmp.dir, idleMs: 60_000 });
    const request = { userId: "user-1", agentId: "agent-1", inviteUrl: url, name: "Ada" };

    const chat = await chats.chat(request);
    const seen: ChatMessage[] = [];
    let closed = 0;
    chat.subscribe(
      (m) => seen.push(m),
      () => closed++,
    );
    await group.sendText("hello guest");
    await waitFor("the agent's text at the guest", async () => seen.find((m) => m.text === "hello guest"));
    await chat.send("hello agent");
    await waitFor("the guest's text at the agent", async () => {
      await group.sync();
      return (await group.messages()).find((m) => m.content === "hello agent");
    });
    await chats.chat(request);
    expect(chats.size).toBe(1);

    await chats.closeAgent("agent-1");
    expect(closed).toBe(1);
    expect(chats.size).toBe(0);

    const reopened = await chats.chat(request);
    expect(reopened.transcript().map((m) => m.text)).toEqual(
      expect.arrayContaining(["hello guest", "hello agent"]),
    );
    expect((await group.members()).length).toBe(2); // the same guest identity: no second member
    await chats.closeAgent("agent-1");
  });

  it("lists a remote attachment as a file entry, and sends the guest's file as one", async () => {
    const { group, url } = await agentConversation();
    const chats = new GuestChats({ dataDir: tmp.dir, idleMs: 60_000 });
    const chat = await chats.chat({ userId: "user-5", agentId: "agent-5", inviteUrl: url, name: "Eve" });
    const seen: ChatMessage[] = [];
    chat.subscribe(
      (m) => seen.push(m),
      () => undefined,
    );
    const plan = { ...remote, filename: "plan.ics", contentLength: 321 };
    const id = await group.sendRemoteAttachment(plan);
    const shown = await waitFor("the agent's file at the guest", async () => seen.find((m) => m.id === id));
    expect(shown).toMatchObject({ text: "", fromMe: false });
    expect(shown.files).toEqual([
      { name: "plan.ics", mimeType: "application/octet-stream", size: 321, ref: { remote: plan } },
    ]);
    expect(chat.file(id, 0)?.ref).toEqual({ remote: plan });
    expect(chat.file(id, 1)).toBeUndefined();
    expect(chat.file("not-a-message", 0)).toBeUndefined();

    await chat.sendFile({ ...remote, filename: "menu.png" });
    const got = await waitFor("the guest's file at the agent", async () => {
      await group.sync();
      return (await group.messages()).find(
        (m) => m.contentType?.typeId === "remoteStaticAttachment" && m.id !== id,
      );
    });
    expect(got.content).toMatchObject({ filename: "menu.png", url: remote.url });
    await chats.closeAgent("agent-5");
  });

  it("closes sessions nobody watches once idle, and keeps watched ones", async () => {
    const { url } = await agentConversation();
    let now = 0;
    const chats = new GuestChats({ dataDir: tmp.dir, idleMs: 1000, now: () => now });
    const watched = await chats.chat({ userId: "user-2", agentId: "agent-2", inviteUrl: url, name: "Bo" });
    await chats.chat({ userId: "user-3", agentId: "agent-2", inviteUrl: url, name: "Cy" });
    let closed = 0;
    const unsubscribe = watched.subscribe(
      () => undefined,
      () => closed++,
    );

    now = 999;
    expect(await chats.sweep()).toBe(0);
    now = 1000;
    expect(await chats.sweep()).toBe(1);
    expect(chats.size).toBe(1);
    expect(closed).toBe(0);

    unsubscribe(); // the page left at 1000: idle from then on
    now = 1999;
    expect(await chats.sweep()).toBe(0);
    now = 2000;
    expect(await chats.sweep()).toBe(1);
    expect(chats.size).toBe(0);
  });

  it("answers a clear error and keeps nothing when the join fails", async () => {
    const chats = new GuestChats({ dataDir: tmp.dir, idleMs: 1000 });
    await expect(
      chats.chat({
        userId: "user-4",
        agentId: "agent-4",
        inviteUrl: "https://example.com/not-an-invite",
        name: "Di",
      }),
    ).rejects.toMatchObject({
      code: "chat_join_failed",
    });
    expect(chats.size).toBe(0);
  });
});
