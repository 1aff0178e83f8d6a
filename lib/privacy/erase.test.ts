/**
 * Deletion on a real PostgreSQL, proved by reading every table: a seeded user with a row in each table
 * that can hold something of them (test/privacy-seed.ts); after the deletion no row of any table
 * (listed from the catalog, so a new table is read too) mentions them, while a bystander's rows stay.
 * The agent leaves its conversations first: a running agent is stopped and nothing is erased until the
 * worker has retired its identities.
 */
import { describe, expect, it } from "vitest";
import pg from "pg";
import { withTestDatabase } from "@/test/db";
import { AGENT_STOPPED_CHANNEL } from "@/lib/agents/lifecycle";
import { AgentNotFoundError } from "@/lib/agents/mutations";
import { deleteAccount, deleteAgent, StillLeavingError } from "./erase";
import { seedUserWithAgent } from "@/test/privacy-seed";

const database = withTestDatabase();

/** Tables that hold nothing of any user or agent: the catalog, the pool's own bookkeeping. */
const IMPERSONAL = ["_prisma_migrations", "Template", "Worker", "PoolSample", "PoolSetting"];

/** Every table of the schema, from the catalog. */
async function allTables(): Promise<string[]> {
  const rows = await database().db.$queryRaw<{ name: string }[]>`
    SELECT table_name::text AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`;
  return rows.map((r) => r.name);
}

/** Per table, how many rows mention any of `markers` (each row read whole, as JSON). */
async function rowsMentioning(markers: string[]): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const table of await allTables()) {
    const rows = await database().db.$queryRawUnsafe<{ row: string }[]>(
      `SELECT row_to_json(t)::text AS row FROM "${table.replaceAll('"', '""')}" t`,
    );
    found[table] = rows.filter((r) => markers.some((m) => r.row.includes(m))).length;
  }
  return found;
}

/** Asserts the seed put something of `markers` in every table that can hold it, so the scan after means something. */
async function expectEveryTableSeeded(markers: string[]) {
  const found = await rowsMentioning(markers);
  const empty = Object.keys(found).filter((t) => !IMPERSONAL.includes(t) && found[t] === 0);
  expect(
    empty,
    "tables the seed puts nothing in: seed them (and erase them in lib/privacy/erase.ts)",
  ).toEqual([]);
}

const mentioned = (found: Record<string, number>) => Object.keys(found).filter((t) => found[t] > 0);

describe("deleting an account", () => {
  it("erases every row of the user and their agent from every table, and nothing of anyone else", async () => {
    const { db } = database();
    const victim = await seedUserWithAgent(db, "victim1");
    const bystander = await seedUserWithAgent(db, "bystander1");
    await expectEveryTableSeeded(victim.markers);

    await deleteAccount(victim.userId, 0);

    expect(mentioned(await rowsMentioning(victim.markers))).toEqual([]);
    const kept = await rowsMentioning(bystander.markers);
    expect(mentioned(kept).sort()).toEqual(
      Object.keys(kept)
        .filter((t) => !IMPERSONAL.includes(t))
        .sort(),
    );
  });
});

describe("deleting an agent", () => {
  it("erases every row of the agent, keys included, and keeps its owner", async () => {
    const { db } = database();
    const victim = await seedUserWithAgent(db, "victim2");
    await deleteAgent(victim.agentId, victim.userId, 0);

    const agentMarkers = ["victim2-agent", "victim2-identity", "victim2-inbox", "victim2-conversation"];
    expect(mentioned(await rowsMentioning(agentMarkers))).toEqual([]);
    expect(await db.memory.count({ where: { agentId: victim.agentId } })).toBe(0);
    expect(await db.user.count({ where: { id: victim.userId } })).toBe(1);
  });

  it("stops a running agent and erases nothing until the worker has left its conversations", async () => {
    const { db, url } = database();
    const victim = await seedUserWithAgent(db, "victim3", true);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const told: string[] = [];
    listener.on("notification", (n) => told.push(n.payload ?? ""));
    await listener.query(`LISTEN ${AGENT_STOPPED_CHANNEL}`);
    try {
      await expect(deleteAgent(victim.agentId, victim.userId, 300)).rejects.toBeInstanceOf(StillLeavingError);
      // Stopped, the worker told, and every row still there (keys too: it needs them to leave).
      const agent = await db.agent.findUniqueOrThrow({
        where: { id: victim.agentId },
        include: { events: true },
      });
      expect(agent).toMatchObject({ status: "stopped", stopReason: "owner" });
      expect(agent.events.some((e) => e.kind === "stopped")).toBe(true);
      expect(told).toContain(victim.agentId);
      const identity = await db.identity.findUniqueOrThrow({ where: { id: victim.identityId } });
      expect(identity.encryptedWalletKey).not.toBeNull();
      expect(await db.memory.count({ where: { agentId: victim.agentId } })).toBe(1);
    } finally {
      await listener.end();
    }

    // The worker leaves and retires the identity (workers/agents/stop): now the deletion goes through.
    await db.identity.update({
      where: { id: victim.identityId },
      data: { status: "retired", encryptedWalletKey: null, encryptedDbKey: null },
    });
    await deleteAgent(victim.agentId, victim.userId, 300);
    expect(await db.agent.count({ where: { id: victim.agentId } })).toBe(0);
    expect(await db.identity.count({ where: { id: victim.identityId } })).toBe(0);
  });

  it("refuses someone else's agent and keeps it", async () => {
    const { db } = database();
    const victim = await seedUserWithAgent(db, "victim4");
    const other = await db.user.create({ data: { email: "other4@example.test" } });
    await expect(deleteAgent(victim.agentId, other.id, 0)).rejects.toBeInstanceOf(AgentNotFoundError);
    expect(await db.agent.count({ where: { id: victim.agentId } })).toBe(1);
  });
});
