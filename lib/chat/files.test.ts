/**
 * Photos and files in the browser chat, on a real PostgreSQL: the owner's photo is checked, encrypted and
 * stored for the agent, then read back decrypted (from the Blob table: the web's own PUBLIC_URL is
 * localhost, which no download may reach) through the owner-only answer with strict headers; another
 * user's agent, an unknown message and a file that lies about its type get nothing.
 */
import type { RemoteAttachment } from "@xmtp/node-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";
import type { ChatFile } from "./guest";

const database = withTestDatabase();
let files: typeof import("./files");

beforeAll(async () => {
  vi.stubEnv("PUBLIC_URL", "http://localhost:3999");
  vi.resetModules(); // lib/config parses the environment once per module instance
  files = await import("./files");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3,
]);
const HTML = new TextEncoder().encode("<html><script>alert(1)</script></html>");

async function ownedAgent() {
  const { db } = database();
  const owner = await db.user.create({ data: { email: `o${Math.random()}@example.com`, name: "Ada" } });
  const agent = await db.agent.create({
    data: { name: "Penny", instructions: "", status: "live", ownerId: owner.id },
  });
  await db.identity.create({
    data: {
      status: "live",
      agentId: agent.id,
      conversationId: "group-a",
      isOwnerConversation: true,
      inviteUrl: "https://convos.example/v2?i=x",
    },
  });
  return { db, owner, agent };
}

/** A chat whose transcript holds one message, "m1", with these files. */
const chatWith = (list: ChatFile[]) => ({
  file: (messageId: string, index: number) => (messageId === "m1" ? list[index] : undefined),
});

describe("files in the browser chat", () => {
  it("stores the owner's photo encrypted for the agent and shows it back decrypted, with strict headers", async () => {
    const { db, owner, agent } = await ownedAgent();
    const sent: RemoteAttachment[] = [];
    await files.sendUpload({ sendFile: async (a) => void sent.push(a) }, agent.id, {
      name: "menu.png",
      type: "image/png",
      bytes: PNG,
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toMatch(/^http:\/\/localhost:3999\/api\/blobs\//);
    const blob = await db.blob.findFirstOrThrow({ where: { agentId: agent.id } });
    expect(Buffer.from(blob.data!).includes(Buffer.from("IHDR"))).toBe(false); // ciphertext only

    const chat = chatWith([{ name: "menu.png", mimeType: "image/png", ref: { remote: sent[0] } }]);
    const opened: string[] = [];
    const open = async (r: { userId: string }) => (opened.push(r.userId), chat);
    const request = { user: owner, agentId: agent.id, messageId: "m1", index: 0 };
    const res = await files.ownerChatFileResponse(request, open);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toMatch(/^inline; filename="menu.png"/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    expect(res.headers.get("cache-control")).toBe("private, no-store");

    expect((await files.ownerChatFileResponse({ ...request, messageId: "m2" }, open)).status).toBe(404);
    expect((await files.ownerChatFileResponse({ ...request, index: 1 }, open)).status).toBe(404);
    const stranger = await db.user.create({ data: { email: "s@example.com", name: "Sam" } });
    expect((await files.ownerChatFileResponse({ ...request, user: stranger }, open)).status).toBe(404);
    expect(opened).toEqual([owner.id, owner.id, owner.id]); // a stranger never gets a chat opened
  });

  it("refuses a file that isn't what it says, both ways, and serves other files as downloads", async () => {
    const { db, agent } = await ownedAgent();
    const chat = { sendFile: async () => undefined };
    await expect(
      files.sendUpload(chat, agent.id, { name: "x.png", type: "image/png", bytes: HTML }),
    ).rejects.toMatchObject({ code: "invalid_input", message: "That file isn't really image/png." });
    await expect(
      files.sendUpload(chat, agent.id, {
        name: "big.bin",
        type: "",
        bytes: new Uint8Array(8 * 1024 * 1024 + 1),
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    expect(await db.blob.count({ where: { agentId: agent.id } })).toBe(0);

    const limits = files.chatFileLimits();
    const fake = chatWith([
      { name: "x.png", mimeType: "image/png", ref: { inline: { mimeType: "image/png", content: HTML } } },
      { name: "list.csv", mimeType: "text/csv", ref: { inline: { mimeType: "text/csv", content: HTML } } },
    ]);
    const lie = await files.chatFileResponse(fake, "m1", 0, limits);
    expect(lie.status).toBe(422);
    expect(await lie.text()).toBe("This file can't be shown: its content isn't really image/png.");
    const csv = await files.chatFileResponse(fake, "m1", 1, limits);
    expect(csv.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="list.csv"/);
  });
});
