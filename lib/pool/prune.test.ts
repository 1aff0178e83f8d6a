/** Pruning warm identities that failed for good, on a real PostgreSQL: only rows that never held anything go. */
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { pruneRetiredWarmIdentities, pruneRetiredWarmIdentity } from "./prune";

const database = withTestDatabase();

beforeEach(async () => {
  await database().db.identity.deleteMany();
});

describe("pruning retired warm identities", () => {
  it("deletes one retired while provisioning, and keeps failed, idle and once-used ones", async () => {
    const { db } = database();
    const dead = await db.identity.create({ data: { status: "retired", role: "creator", attempts: 8 } });
    const waiting = await db.identity.create({ data: { status: "failed", role: "creator", attempts: 3 } });
    const used = await db.identity.create({
      data: { status: "retired", role: "creator", inboxId: "inbox-1" },
    });
    const joiner = await db.identity.create({ data: { status: "retired", role: "joiner" } });
    expect(await pruneRetiredWarmIdentity(waiting.id)).toBe(false);
    expect(await pruneRetiredWarmIdentity(used.id)).toBe(false);
    expect(await pruneRetiredWarmIdentity(dead.id)).toBe(true);
    const again = await db.identity.create({ data: { status: "retired", role: "creator", attempts: 8 } });
    expect(await pruneRetiredWarmIdentities()).toBe(1);
    const left = (await db.identity.findMany({ select: { id: true } })).map((r) => r.id).sort();
    expect(left).toEqual([waiting.id, used.id, joiner.id].sort());
    expect(left).not.toContain(again.id);
  });
});
