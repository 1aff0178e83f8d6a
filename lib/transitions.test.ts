/**
 * One owner per entity's state: each status module's transition table is the list of allowed changes
 * written out here, no other module writes a status (a scan of the source), and each transition
 * function, run on a real PostgreSQL from every status, changes exactly the rows its table allows.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { db } from "@/lib/db";
import { AgentStatus, IdentityStatus } from "@/lib/generated/prisma/enums";
import { allowedChanges, type TransitionTable } from "./transitions";
import {
  AGENT_TRANSITIONS,
  failJoiningAgent,
  markAgentRowLive,
  restartAgentRow,
  stopAgentRow,
} from "@/lib/agents/agent-status";
import {
  abandonProvisioning,
  claimIdleIdentityForRestart,
  failJoinerIdentity,
  failStaleProvisioning,
  IDENTITY_TRANSITIONS,
  insertJoinerIdentity,
  insertProvisioning,
  markIdentityLive,
  markIdle,
  markProvisioningFailed,
  MAX_PROVISIONING_ATTEMPTS,
  retireIdentity,
  retryFailedProvisioning,
} from "@/lib/identities/identity-status";
import {
  countUpWorkers,
  markWorkerStopped,
  registerWorker,
  WORKER_TRANSITIONS,
} from "@/lib/workers/worker-status";
import { workersHealth } from "@/lib/pool/health";
import {
  finishMessage,
  markSending,
  MESSAGE_TRANSITIONS,
  recordDropped,
  takeForAnswer,
} from "@/lib/ledger/messages";
import {
  failUnfinishedToolCalls,
  finishToolCall,
  recordToolRound,
  startToolCall,
  TOOL_CALL_TRANSITIONS,
  toolCallState,
} from "@/lib/ledger/tool-calls";

const database = withTestDatabase();

const changes = (...list: string[]) => list.sort();

describe("the allowed transitions", () => {
  const tables: [string, TransitionTable<string>, string[]][] = [
    [
      "Agent",
      AGENT_TRANSITIONS,
      changes(
        "(new) → ready",
        "(new) → joining",
        "ready → live",
        "joining → live",
        "joining → failed",
        "ready → stopped",
        "joining → stopped",
        "live → stopped",
        "failed → stopped",
        "stopped → ready",
        "stopped → joining",
        "failed → ready",
        "failed → joining",
      ),
    ],
    [
      "Identity",
      IDENTITY_TRANSITIONS,
      changes(
        "(new) → provisioning",
        "failed → provisioning",
        "provisioning → idle",
        "provisioning → failed",
        "provisioning → retired",
        "idle → claimed",
        "claimed → idle",
        "(new) → joining",
        "claimed → live",
        "joining → live",
        "live → live",
        "failed → live",
        "joining → failed",
        "failed → failed",
        "claimed → retired",
        "live → retired",
        "joining → retired",
        "failed → retired",
      ),
    ],
    [
      "Worker",
      WORKER_TRANSITIONS,
      changes("(new) → running", "stopped → running", "running → running", "running → stopped"),
    ],
    [
      "HandledMessage",
      MESSAGE_TRANSITIONS,
      changes(
        "(new) → recorded",
        "(new) → dropped",
        "(new) → answering",
        "answering → answering",
        "failed → answering",
        "answering → gave_up",
        "answering → sending",
        "answering → answered",
        "sending → answered",
        "answering → skipped",
        "sending → skipped",
        "answering → paired",
        "sending → paired",
        "answering → failed",
        "sending → failed",
        "sending → answering",
      ),
    ],
    [
      "ToolCall",
      TOOL_CALL_TRANSITIONS,
      changes(
        "(new) → pending",
        "pending → started",
        "started → done",
        "pending → failed",
        "started → failed",
      ),
    ],
  ];
  it.each(tables)("%s: exactly the listed changes", (_, table, expected) => {
    expect(allowedChanges(table)).toEqual(expected);
  });

  it("every status of the schema's enums is reached by some transition", () => {
    const reached = (t: TransitionTable<string>) => new Set(Object.values(t).map((x) => x.to));
    expect([...reached(AGENT_TRANSITIONS)].sort()).toEqual(Object.values(AgentStatus).sort());
    expect([...reached(IDENTITY_TRANSITIONS)].sort()).toEqual(Object.values(IdentityStatus).sort());
  });
});

// ---------- The source: nobody else writes a status ----------

const ROOT = path.resolve(import.meta.dirname, "..");
const SCANNED = ["lib", "workers", "app", "scripts"];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return rel === "lib/generated" || e.name === "node_modules" ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

interface Owned {
  entity: string;
  /** The table in SQL and the model accessor in Prisma calls. */
  table: string;
  model: string;
  /** The columns that make up its state. */
  columns: string[];
  owner: string;
  /** One statement that changes this entity among others: it must take the status from the owner's table. */
  composers: string[];
  /** Its status values, which a composer must not write as literals. */
  statuses: string[];
}

const OWNED: Owned[] = [
  {
    entity: "Agent",
    table: "Agent",
    model: "agent",
    columns: ["status"],
    owner: "lib/agents/agent-status.ts",
    composers: ["lib/agents/claim-warm-identity.ts", "lib/agents/join-claim.ts"],
    statuses: Object.values(AgentStatus),
  },
  {
    entity: "Identity",
    table: "Identity",
    model: "identity",
    columns: ["status"],
    owner: "lib/identities/identity-status.ts",
    composers: ["lib/agents/claim-warm-identity.ts", "lib/agents/extra-conversation.ts"],
    statuses: Object.values(IdentityStatus),
  },
  {
    entity: "Worker",
    table: "Worker",
    model: "worker",
    columns: ["stoppedAt", "heartbeatAt", "draining"],
    owner: "lib/workers/worker-status.ts",
    composers: [],
    statuses: [],
  },
  {
    entity: "HandledMessage",
    table: "HandledMessage",
    model: "handledMessage",
    columns: ["kind"],
    owner: "lib/ledger/messages.ts",
    composers: [],
    statuses: [],
  },
  {
    entity: "ToolCall",
    table: "ToolCall",
    model: "toolCall",
    columns: ["status"],
    owner: "lib/ledger/tool-calls.ts",
    composers: [],
    statuses: [],
  },
];

/** The text of the balanced (…) or {…} opening at `open`. */
function balanced(text: string, open: number): string {
  const close = text[open] === "(" ? ")" : "}";
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === text[open]) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/** A Prisma call's argument without its `where` and `select` objects (reads, not writes). */
function writtenPart(arg: string): string {
  let out = arg;
  for (const key of ["where", "select"]) {
    for (let i = out.search(new RegExp(`\\b${key}\\s*:\\s*\\{`)); i !== -1;) {
      const brace = out.indexOf("{", i);
      out = out.slice(0, i) + out.slice(brace + balanced(out, brace).length);
      i = out.search(new RegExp(`\\b${key}\\s*:\\s*\\{`));
    }
  }
  return out;
}

/** Every statement in `text` that writes one of `o`'s state columns: raw SQL and Prisma calls. */
function stateWrites(text: string, o: Owned): string[] {
  const cols = o.columns.map((c) => `"?${c}"?`).join("|");
  const writes: string[] = [];
  // Raw SQL, up to the template's end: the SET clause of an UPDATE, the column list of an INSERT.
  for (const m of text.matchAll(new RegExp(`UPDATE\\s+"${o.table}"[^\`]*`, "g"))) {
    const set = /\bSET\b([\s\S]*?)(\bWHERE\b|\bFROM\b|\bRETURNING\b|$)/.exec(m[0]);
    if (set && new RegExp(`(^|[\\s,.])(${cols})\\s*=`).test(set[1])) writes.push(m[0]);
  }
  for (const m of text.matchAll(new RegExp(`INSERT\\s+INTO\\s+"${o.table}"\\s*\\(([^)]*)\\)[^\`]*`, "g"))) {
    if (new RegExp(`(^|[\\s,])(${cols})\\s*(,|$)`).test(m[1])) writes.push(m[0]);
  }
  // Prisma: create, update and upsert calls whose data names a state column.
  const call = new RegExp(
    `\\.\\s*${o.model}\\s*\\.\\s*(create|createMany|update|updateMany|upsert)\\s*\\(`,
    "g",
  );
  for (const m of text.matchAll(call)) {
    const arg = balanced(text, m.index + m[0].length - 1);
    if (new RegExp(`\\b(${o.columns.join("|")})\\s*[:,}]`).test(writtenPart(arg))) writes.push(arg);
  }
  return writes;
}

describe("one owner per entity's state", () => {
  const files = SCANNED.flatMap(sourceFiles).map((f) => ({
    file: f,
    text: readFileSync(path.join(ROOT, f), "utf8"),
  }));

  it.each(OWNED)("$entity: written only by $owner (and its listed one-statement composers)", (o) => {
    const writers = new Set<string>();
    const wrong: string[] = [];
    for (const { file, text } of files) {
      for (const write of stateWrites(text, o)) {
        writers.add(file);
        const literal = o.statuses.find((s) => new RegExp(`['"]${s}['"]`).test(write));
        if (file === o.owner) continue;
        if (!o.composers.includes(file))
          wrong.push(`${file}: writes ${o.entity}'s state: ${write.slice(0, 120)}`);
        else if (literal)
          wrong.push(`${file}: writes the literal '${literal}' instead of ${o.owner}'s transition`);
      }
    }
    expect(wrong).toEqual([]);
    // The scan sees the owner's writes and each composer's: it would see anyone else's.
    expect([...writers].sort()).toEqual([o.owner, ...o.composers].sort());
  });
});

// ---------- The transitions, run on PostgreSQL from every status ----------

/** Whether a transition function's result says it changed the row. */
const changed = (r: unknown) =>
  r === true ||
  typeof r === "string" ||
  (typeof r === "object" && r !== null && "count" in r && r.count === 1);

describe("agent transitions from every status", () => {
  const cases: [string, (id: string) => Promise<unknown>, AgentStatus[], AgentStatus][] = [
    [
      "stop by its owner",
      (id) => db.$transaction((tx) => stopAgentRow(tx, id, "owner")),
      ["ready", "joining", "live", "failed"],
      "stopped",
    ],
    [
      "stop as its conversation ended",
      (id) => db.$transaction((tx) => stopAgentRow(tx, id, "alone")),
      ["ready", "joining", "live"],
      "stopped",
    ],
    [
      "go live",
      (id) => db.$transaction((tx) => markAgentRowLive(tx, id, new Date())),
      ["ready", "joining"],
      "live",
    ],
    ["fail a join", (id) => failJoiningAgent(id, "expired"), ["joining"], "failed"],
    [
      "restart a launch",
      (id) => db.$transaction((tx) => restartAgentRow(tx, id, "launch", true)),
      ["stopped", "failed"],
      "ready",
    ],
    [
      "restart a join",
      (id) => db.$transaction((tx) => restartAgentRow(tx, id, "join", false)),
      ["stopped", "failed"],
      "joining",
    ],
  ];
  it.each(cases)(
    "%s: only from its statuses; refused from any other, nothing written",
    async (_, run, from, to) => {
      for (const status of Object.values(AgentStatus)) {
        const { id } = await database().db.agent.create({ data: { name: "A", instructions: "", status } });
        const allowed = from.includes(status);
        expect(changed(await run(id)), `from ${status}`).toBe(allowed);
        const row = await database().db.agent.findUniqueOrThrow({ where: { id } });
        expect(row.status, `from ${status}`).toBe(allowed ? to : status);
      }
    },
  );
});

describe("identity transitions from every status", () => {
  const t = () => database().db;
  let agentId: string;
  beforeEach(async () => {
    await t().identity.deleteMany();
    await t().worker.deleteMany();
    await t().worker.create({ data: { id: "w1", host: "h", pid: 1 } });
    agentId = (await t().agent.create({ data: { name: "A", instructions: "" } })).id;
  });
  let n = 0;
  const warm = () => ({
    inboxId: `inbox-${++n}`,
    address: "0x",
    encryptedWalletKey: new Uint8Array(1),
    encryptedDbKey: new Uint8Array(1),
    conversationId: "c",
    inviteUrl: "https://x/i",
    inviteTag: "t",
    homeKey: "h",
  });
  const past = new Date(Date.now() - 60_000);
  const cases: [string, (id: string) => Promise<unknown>, IdentityStatus[], IdentityStatus][] = [
    ["warm", (id) => markIdle(id, "w1", warm()), ["provisioning"], "idle"],
    [
      "fail provisioning",
      (id) => markProvisioningFailed(id, "w1", 0, "boom").then(() => null),
      ["provisioning"],
      "failed",
    ],
    [
      "retire after the last attempt",
      (id) => markProvisioningFailed(id, "w1", MAX_PROVISIONING_ATTEMPTS - 1, "boom").then(() => null),
      ["provisioning"],
      "retired",
    ],
    ["abandon on shutdown", () => abandonProvisioning("w1").then((c) => c === 1), ["provisioning"], "failed"],
    [
      "fail a stale reservation",
      () => failStaleProvisioning().then((c) => c === 1),
      ["provisioning"],
      "failed",
    ],
    [
      "retry provisioning",
      (id) =>
        db
          .$transaction((tx) => retryFailedProvisioning(tx, "w1", 30_000, 5))
          .then((r) => r.some((x) => x.id === id)),
      ["failed"],
      "provisioning",
    ],
    [
      "claim for a restart",
      () => db.$transaction((tx) => claimIdleIdentityForRestart(tx, agentId)),
      ["idle"],
      "claimed",
    ],
    [
      "go live",
      (id) => db.$transaction((tx) => markIdentityLive(tx, id)),
      ["claimed", "joining", "live", "failed"],
      "live",
    ],
    ["fail a join", (id) => failJoinerIdentity(id, "rejected"), ["joining", "failed"], "failed"],
    [
      "retire",
      (id) => retireIdentity(id, "w1").then(() => null),
      ["claimed", "live", "joining", "failed"],
      "retired",
    ],
  ];
  it.each(cases)(
    "%s: only from its statuses; refused from any other, nothing written",
    async (name, run, from, to) => {
      for (const status of Object.values(IdentityStatus)) {
        await t().identity.deleteMany();
        const { id } = await t().identity.create({
          data: {
            status,
            role: "creator",
            inviteUrl: "https://x/i",
            leaseOwner: name === "retire" ? null : "w1",
            leaseExpiresAt: name === "fail a stale reservation" ? past : new Date(Date.now() + 60_000),
          },
        });
        const allowed = from.includes(status);
        const result = await run(id);
        if (result !== null) expect(changed(result), `from ${status}`).toBe(allowed);
        const row = await t().identity.findUniqueOrThrow({ where: { id } });
        expect(row.status, `from ${status}`).toBe(allowed ? to : status);
      }
    },
  );

  it("the inserts start provisioning and joining", async () => {
    const { id } = await db.$transaction((tx) => insertProvisioning(tx, "w1", 30_000));
    const joiner = "joiner-1";
    await db.$transaction((tx) =>
      insertJoinerIdentity(tx, {
        id: joiner,
        agentId,
        joinUrl: "https://x/j",
        ownerConversation: true,
        workerId: "w1",
        leaseMs: 30_000,
      }),
    );
    const rows = await t().identity.findMany({
      where: { id: { in: [id, joiner] } },
      orderBy: { status: "asc" },
    });
    expect(rows.map((r) => r.status).sort()).toEqual(["joining", "provisioning"]);
  });
});

describe("worker transitions and the one up rule", () => {
  const LEASE = 30_000;
  beforeEach(async () => {
    await database().db.identity.deleteMany();
    await database().db.worker.deleteMany();
  });

  it("stops once (refused when stopped), and registering revives a stopped row", async () => {
    await registerWorker({ workerId: "w", homeKey: "h", maxAgents: 5, rssBytes: 1n });
    expect(await markWorkerStopped("w")).toBe(true);
    expect(await markWorkerStopped("w")).toBe(false);
    const stoppedAt = (await database().db.worker.findUniqueOrThrow({ where: { id: "w" } })).stoppedAt;
    expect(stoppedAt).not.toBeNull();
    await registerWorker({ workerId: "w", homeKey: "h", maxAgents: 5, rssBytes: 1n });
    expect((await database().db.worker.findUniqueOrThrow({ where: { id: "w" } })).stoppedAt).toBeNull();
  });

  it("is up while not stopped and heartbeated within a lease: the health count and /admin agree", async () => {
    const ago = (ms: number) => new Date(Date.now() - ms);
    await database().db.worker.createMany({
      data: [
        { id: "fresh", host: "h", pid: 1, heartbeatAt: ago(1_000) },
        { id: "late", host: "h", pid: 2, heartbeatAt: ago(LEASE - 5_000) },
        { id: "gone", host: "h", pid: 3, heartbeatAt: ago(LEASE + 5_000) },
        { id: "stopped", host: "h", pid: 4, heartbeatAt: ago(1_000), stoppedAt: ago(500) },
      ],
    });
    expect(await countUpWorkers(LEASE)).toBe(2);
    const up = Object.fromEntries((await workersHealth(new Date(), LEASE)).map((w) => [w.id, w.up]));
    expect(up).toEqual({ fresh: true, late: true, gone: false, stopped: false });
  });
});

describe("ledger transitions refused from the wrong state", () => {
  it("a final message stays final, and only the run holding a message marks it sending", async () => {
    await recordDropped("i", ["dropped"]);
    await finishMessage("i", "dropped", "failed");
    expect(await takeForAnswer("i", "dropped", "r1", 3)).toBe(false); // still dropped: never answered
    expect(await takeForAnswer("i", "m", "r1", 3)).toBe(true);
    expect(await markSending("i", "m", "r2")).toBe(false);
    expect(await markSending("i", "m", "r1")).toBe(true);
    await finishMessage("i", "m", "answered");
    expect((await database().db.handledMessage.findFirstOrThrow({ where: { messageId: "m" } })).kind).toBe(
      "answered",
    );
  });

  it("a tool call finishes only once started, and a failed one stays failed", async () => {
    const key = { identityId: "i", messageId: "m" };
    await recordToolRound(key, 0, [
      { position: 0, callId: "a", name: "x", arguments: "{}" },
      { position: 1, callId: "b", name: "x", arguments: "{}" },
    ]);
    expect(await finishToolCall(key, 0, "early")).toBe(false); // pending: nobody ran it
    expect(await startToolCall(key, 0)).toBe(true);
    expect(await startToolCall(key, 0)).toBe(false);
    expect(await finishToolCall(key, 0, "ok")).toBe(true);
    expect(await failUnfinishedToolCalls(key, "given up")).toBe(1); // only the pending one
    expect(await startToolCall(key, 1)).toBe(false);
    expect(await finishToolCall(key, 1, "late")).toBe(false);
    expect(await toolCallState(key, 0)).toEqual({ status: "done", result: "ok" });
    expect(await toolCallState(key, 1)).toEqual({ status: "failed", result: "given up" });
  });
});
