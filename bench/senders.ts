/**
 * The people of a benchmark: `count` sender clients that join the agents' conversations through their
 * invites, each its share one at a time (one client joining many at once stalls). Each sender is then
 * its agents' operator, so every message is answered. `groups[i]` is the conversation of `invites[i]`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Group } from "@xmtp/node-sdk";
import { join } from "@/lib/convos/index.ts";
import { newIdentity, type Identity } from "@/test/convos.ts";

export async function joinAsSenders(
  invites: string[],
  count: number,
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-sender-")),
): Promise<{ senders: Identity[]; groups: Group<unknown>[] }> {
  const senders = await Promise.all(
    Array.from({ length: Math.min(count, invites.length) }, () => newIdentity(dir)),
  );
  const groups = new Array<Group<unknown>>(invites.length);
  await Promise.all(
    senders.map(async (sender, s) => {
      for (let i = s; i < invites.length; i += senders.length) {
        const r = await join(invites[i], {
          client: sender.client,
          env: "local",
          timeoutMs: 60_000,
          syncIntervalMs: 300,
        });
        if (r.status !== "joined") throw new Error(`join failed: ${r.status}`);
        groups[i] = r.group;
      }
    }),
  );
  return { senders, groups };
}
