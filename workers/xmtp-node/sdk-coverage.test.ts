/**
 * The node serves every RPC the pinned node-sdk calls: real clients go
 * through the product's flows (register, canMessage, groups and DMs, members,
 * the Convos invite and join, texts, both streams, sync and syncAll, a second
 * installation and its revocation, reopening, close) against a node this file
 * owns, and the node must have answered none of their calls UNIMPLEMENTED.
 * A newer libxmtp that starts calling an RPC the node lacks fails here by
 * name instead of degrading silently.
 *
 * The file points this process's `ApiUrls.local` at its node (lib/convos's
 * helpers take no apiUrl); vitest runs each file in its own process.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { closeXmtpClient, pointLocalEnvAt, streamOptions } from "@/lib/xmtp/index.ts";
import { join } from "@/lib/convos/joiner.ts";
import { newIdentity, openTestConversation } from "@/test/convos.ts";
import { nodeOfThisFile } from "./test-node.ts";
import { identifierOf, newUser, reopen, tempDir, texts, waitFor } from "@/test/xmtp-clients.ts";

const tmp = tempDir("xmtp-sdk-coverage-");
const own = nodeOfThisFile(tmp, { dataDir: null, log: pino({ level: "silent" }) });

describe("the local node serves everything node-sdk calls", () => {
  it("registers a client through apiUrl alone, with the process's default environment URL unreachable", async () => {
    pointLocalEnvAt("http://127.0.0.1:1");
    try {
      const before = own.node.callCounts()["IdentityApi/GetInboxIds"] ?? 0;
      const user = await newUser(tmp.dir, { apiUrl: own.node.url });
      expect(user.client.inboxId).toMatch(/^[0-9a-f]{64}$/);
      expect(own.node.callCounts()["IdentityApi/GetInboxIds"] ?? 0).toBeGreaterThan(before);
      await closeXmtpClient(user.client);
    } finally {
      pointLocalEnvAt(own.node.url);
    }
  });

  it("answers no call UNIMPLEMENTED through the product's flows", async () => {
    const [a, b, c] = await Promise.all([newUser(tmp.dir), newUser(tmp.dir), newUser(tmp.dir)]);
    expect((await a.client.canMessage([identifierOf(b)])).get(b.address)).toBe(true);

    // Both streams, as the worker and the chat clients run them.
    const welcomes = await b.client.conversations.stream(streamOptions());
    const received: string[] = [];
    const messages = await b.client.conversations.streamAllMessages(
      streamOptions({
        disableSync: true,
        onValue: (m: { content: unknown } | undefined) => {
          if (typeof m?.content === "string") received.push(m.content);
        },
      }),
    );
    try {
      const group = await a.client.conversations.createGroup([b.client.inboxId], { groupName: "coverage" });
      expect((await welcomes.next()).value?.id).toBe(group.id);
      await group.sendText("live");
      await waitFor("B's stream to deliver the text", () => received.includes("live"));

      await group.addMembers([c.client.inboxId]);
      await group.updateName("renamed");
      await group.removeMembers([c.client.inboxId]);
      await c.client.conversations.syncAll();
      await b.client.conversations.sync();
      const bGroup = await b.client.conversations.getConversationById(group.id);
      await bGroup!.sync();
      expect((await texts(bGroup!, { sync: false })).map((m) => m.text)).toEqual(["live"]);

      const dm = await b.client.conversations.createDm(a.client.inboxId);
      await dm.sendText("dm");
      await a.client.conversations.syncAll();
      expect(
        (await texts(a.client.conversations.getDmByInboxId(b.client.inboxId)!, { sync: false })).map(
          (m) => m.text,
        ),
      ).toEqual(["dm"]);
    } finally {
      await Promise.all([welcomes.end(), messages.end()]);
    }

    // The Convos invite and join, as an agent and a chat client run it.
    const conversation = await openTestConversation(tmp.dir, { name: "Room", creatorName: "Agent" });
    const joiner = await newIdentity(tmp.dir);
    try {
      const joined = await join(conversation.url, {
        client: joiner.client,
        env: "local",
        profile: { name: "Guest" },
        timeoutMs: 30_000,
      });
      expect(joined.status).toBe("joined");
    } finally {
      await conversation.stop();
    }

    // A second installation, its revocation, and a client reopened from its database.
    const a2 = await newUser(tmp.dir, { privateKey: a.privateKey });
    await a.client.revokeInstallations([a2.client.installationIdBytes]);
    const again = await reopen(b);
    expect(again.inboxId).toBe(b.client.inboxId);

    for (const client of [a, a2, b, c, joiner]
      .map((u) => u.client)
      .concat(again, conversation.creator.client))
      await closeXmtpClient(client);

    const counts = own.node.callCounts();
    for (const rpc of [
      "IdentityApi/GetInboxIds",
      "IdentityApi/PublishIdentityUpdate",
      "MlsApi/UploadKeyPackage",
      "MlsApi/FetchKeyPackages",
      "MlsApi/SendGroupMessages",
      "MlsApi/SendWelcomeMessages",
      "MlsApi/QueryGroupMessages",
      "MlsApi/QueryWelcomeMessages",
      "MlsApi/SubscribeGroupMessages",
      "MlsApi/SubscribeWelcomeMessages",
    ])
      expect(counts[rpc], rpc).toBeGreaterThan(0);
    expect(own.node.unimplementedCalls()).toEqual({});
  });
});
