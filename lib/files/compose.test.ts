/**
 * The files send_file composes from the conversation's data on a real PostgreSQL: a shared list and a
 * poll's tally as CSV and Markdown, only from this agent's conversation; and the S3 store's settings,
 * which are all or nothing.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";
import { withTestDatabase } from "@/test/db";
import { composeFile, type ComposeContext } from "./compose";
import { fileSettings } from "./settings";

const database = withTestDatabase();
const text = (content: Uint8Array) => new TextDecoder().decode(content);

async function room(): Promise<ComposeContext> {
  const { db } = database();
  const agent = await db.agent.create({ data: { name: "Wrangler", instructions: "" } });
  const c = { agentId: agent.id, conversationId: `conv-${agent.id}` };
  await db.sharedList.create({
    data: {
      ...c,
      name: "chores",
      items: {
        create: [
          { text: "bins, recycling", done: true, createdAt: new Date(1000) },
          { text: "=cmd|' /C calc'!A0", createdAt: new Date(2000) },
        ],
      },
    },
  });
  await db.poll.create({
    data: {
      ...c,
      question: "Where to?",
      options: ["Rome", "Oslo"],
      closedAt: new Date(),
      votes: {
        create: [
          { voter: "ana", option: 1, messageId: "v1", sentAtNs: 1n },
          { voter: "ben", option: 1, messageId: "v2", sentAtNs: 2n },
        ],
      },
    },
  });
  const names: Record<string, string> = { ana: "Ana", ben: "Ben" };
  return { ...c, timeZone: "UTC", nameOf: (id) => names[id] ?? id, host: "agents.example" };
}

describe("composeFile", () => {
  it("a shared list as CSV (formulas defused) and as Markdown", async () => {
    const c = await room();
    const csv = await composeFile({ kind: "list", list: " Chores ", format: "csv" }, c);
    expect(csv).toMatchObject({ filename: "chores.csv", mimeType: "text/csv", summary: "chores, 2 rows" });
    expect(text(csv.content)).toBe(
      ["#,Item,Done", '1,"bins, recycling",yes', "2,'=cmd|' /C calc'!A0,no", ""].join("\r\n"),
    );
    const md = await composeFile({ kind: "list", list: "chores", format: "md" }, c);
    expect(md).toMatchObject({ filename: "chores.md", mimeType: "text/markdown" });
    expect(text(md.content)).toContain("| 2 | =cmd\\|' /C calc'!A0 | no |");
  });

  it("the latest poll's tally with the voters' names", async () => {
    const c = await room();
    const csv = await composeFile({ kind: "poll", format: "csv" }, c);
    expect(csv.filename).toBe("poll-results.csv");
    expect(text(csv.content)).toBe(
      ["#,Option,Votes,Voters", '1,Rome,2,"Ana, Ben"', "2,Oslo,0,", ""].join("\r\n"),
    );
    const md = await composeFile({ kind: "poll", poll: 1, format: "md" }, c);
    expect(text(md.content).split("\n")[0]).toBe("# Poll 1 (closed): Where to?");
    await expect(composeFile({ kind: "poll", poll: 2, format: "md" }, c)).rejects.toThrow(
      "there is no poll 2",
    );
  });

  it("never reads another agent's list or poll", async () => {
    const c = await room();
    const other = await room();
    const stranger = { ...other, conversationId: c.conversationId };
    await expect(composeFile({ kind: "list", list: "chores", format: "csv" }, stranger)).rejects.toThrow(
      'there is no list called "chores"',
    );
    await expect(composeFile({ kind: "poll", format: "csv" }, stranger)).rejects.toThrow(
      "no poll has been asked here yet",
    );
  });
});

describe("the S3 store's settings", () => {
  const s3 = {
    ATTACHMENT_S3_ENDPOINT: "https://s3.example/",
    ATTACHMENT_S3_BUCKET: "files",
    ATTACHMENT_S3_ACCESS_KEY_ID: "AKID",
    ATTACHMENT_S3_SECRET_ACCESS_KEY: "secret",
  };

  it("is on with all four, off with none, and refused with some", () => {
    expect(fileSettings(parseConfig({})).s3).toBeUndefined();
    expect(fileSettings(parseConfig({ PUBLIC_URL: "https://agents.example/" }))).toEqual({
      publicUrl: "https://agents.example",
      retentionDays: 30,
    });
    expect(fileSettings(parseConfig(s3)).s3).toEqual({
      endpoint: "https://s3.example",
      bucket: "files",
      region: "us-east-1",
      accessKeyId: "AKID",
      secretAccessKey: "secret",
      publicUrl: "https://s3.example/files",
    });
    expect(() => parseConfig({ ...s3, ATTACHMENT_S3_SECRET_ACCESS_KEY: "" })).toThrow(ConfigError);
    expect(() => parseConfig({ ...s3, ATTACHMENT_S3_ENDPOINT: "not a url" })).toThrow(ConfigError);
  });
});
