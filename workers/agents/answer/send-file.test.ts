/**
 * send_file on the real parts: a worker on the local XMTP node answers the official Convos CLI (a client
 * that is not ours) with a calendar invite. The encrypted file is served by the blob route (the web app's
 * GET handler on a loopback port, which PUBLIC_URL names), and the CLI downloads, checks and decrypts it
 * (`conversation download-attachment`) into a file that parses as a valid RFC 5545 event.
 */
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as blobRoute } from "@/app/api/blobs/[id]/route";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { parseTime } from "@/lib/schedules/wall-clock";
import { tempDir, waitFor } from "@/test/convos";
import { convos } from "@/test/convos-cli";
import { withRunningWorker } from "@/test/worker";

let blobs: Server;
let publicUrl = "";
const served: string[] = [];

// Before the worker starts (hooks run in order): its PUBLIC_URL is this server.
beforeAll(async () => {
  blobs = createServer((req, res) => {
    const id = /^\/api\/blobs\/([^/]+)$/.exec(req.url ?? "")?.[1];
    if (!id) return void res.writeHead(404).end();
    served.push(id);
    void blobRoute(new Request(`${publicUrl}${req.url}`), { params: Promise.resolve({ id }) }).then(
      async (answer) => {
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        res.end(Buffer.from(await answer.arrayBuffer()));
      },
    );
  });
  await new Promise<void>((resolve) => blobs.listen(0, "127.0.0.1", resolve));
  publicUrl = `http://127.0.0.1:${(blobs.address() as AddressInfo).port}`;
});

const run = withRunningWorker({
  idle: 1,
  prefix: "send-file",
  model: { timeoutMs: 8_000, maxRetries: 0 },
  settings: () => ({ PUBLIC_URL: publicUrl }),
});

const home = tempDir("send-file-cli-");
const cli = <T = Record<string, unknown>>(...args: string[]) => convos<T>(home.dir, ...args);

afterAll(async () => {
  await new Promise((resolve) => blobs?.close(resolve));
  home.remove();
});

/** RFC 5545 §3.3.11, undone. */
const unescape = (v: string) =>
  v.replace(/\\([\\;,nN])/g, (_, c: string) => (c.toLowerCase() === "n" ? "\n" : c));

/**
 * A strict reading of one-event iCalendar text: CRLF lines of at most 75 octets, folds undone, every content
 * line `NAME[;PARAM=VALUE]*:value`, one VCALENDAR (VERSION 2.0, a PRODID) holding one VEVENT; the event's
 * properties by name, each at most once.
 */
function parseIcs(text: string): Map<string, string> {
  expect(text.endsWith("\r\n")).toBe(true);
  const physical = text.slice(0, -2).split("\r\n");
  for (const line of physical) {
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(line).not.toMatch(/[\r\n]/);
  }
  const lines = text
    .slice(0, -2)
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n");
  for (const line of lines) expect(line).toMatch(/^[A-Z][A-Z0-9-]*(;[A-Z-]+=[^;:,"]+)*:.*$/);
  expect(lines[0]).toBe("BEGIN:VCALENDAR");
  expect(lines.at(-1)).toBe("END:VCALENDAR");
  expect(lines).toContain("VERSION:2.0");
  expect(lines.some((l) => l.startsWith("PRODID:"))).toBe(true);
  const begin = lines.indexOf("BEGIN:VEVENT");
  const end = lines.indexOf("END:VEVENT");
  expect(lines.filter((l) => l === "BEGIN:VEVENT")).toHaveLength(1);
  expect(begin).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(begin);
  const props = new Map<string, string>();
  for (const line of lines.slice(begin + 1, end)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    expect(props.has(name), `${name} once`).toBe(false);
    props.set(name, line.slice(colon + 1));
  }
  for (const required of ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"])
    expect(props.has(required), required).toBe(true);
  expect(props.get("DTSTAMP")).toMatch(/^\d{8}T\d{6}Z$/);
  return props;
}

const icsTime = (v: string) =>
  new Date(v.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));

describe("send_file", () => {
  it("the official CLI downloads, checks and decrypts the .ics the agent sends, and it is a valid event", async () => {
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Planner",
      instructions: "Plan.",
    });
    await run.db.agent.update({ where: { id: claim.agentId }, data: { timeZone: "Europe/Paris" } });
    await waitFor(
      "the agent live",
      async () =>
        (await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } })).status === "live",
      30_000,
    );
    const agentInbox = (await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } })).inboxId;
    const joined = await cli("conversations", "join", claim.inviteUrl, "--timeout", "60");
    expect(joined.status).toBe("joined");
    const conversationId = joined.conversationId as string;

    const event = {
      kind: "event",
      title: "Team dinner; Luigi's",
      start: "2026-12-24T19:00",
      end: "2026-12-24T22:30",
      location: "Via Roma 1, Milano",
      description: "Bring: wine, bread\nTable for 6",
    };
    run.model.script(
      { toolCalls: [{ name: "send_file", arguments: event }] },
      { text: "Here is the invite." },
    );
    await cli("conversation", "send-text", conversationId, "send us the dinner invite");

    const attachment = await waitFor(
      "the agent's remote attachment",
      async () => {
        const messages = await cli<{ id: string; senderInboxId: string }[]>(
          ...["conversation", "messages", conversationId, "--sync", "--content-type", "remote-attachment"],
        );
        return messages.find((m) => m.senderInboxId === agentInbox);
      },
      45_000,
    );
    const out = path.join(home.dir, "downloaded.ics");
    const download = await cli(
      "conversation",
      "download-attachment",
      conversationId,
      attachment.id,
      "--output",
      out,
    );
    expect(download).toMatchObject({
      success: true,
      type: "remote",
      mimeType: "text/calendar",
      filename: "team-dinner-luigi-s.ics",
    });
    expect(String(download.url)).toMatch(new RegExp(`^${publicUrl}/api/blobs/[A-Za-z0-9_-]{32}$`));
    expect(served).toHaveLength(1); // fetched from the blob route

    const props = parseIcs(fs.readFileSync(out, "utf8"));
    expect(unescape(props.get("SUMMARY")!)).toBe(event.title);
    expect(unescape(props.get("LOCATION")!)).toBe(event.location);
    expect(unescape(props.get("DESCRIPTION")!)).toBe(event.description);
    // 19:00 in Paris in December is 18:00 UTC.
    expect(icsTime(props.get("DTSTART")!)).toEqual(parseTime(event.start, "Europe/Paris"));
    expect(icsTime(props.get("DTSTART")!).toISOString()).toBe("2026-12-24T18:00:00.000Z");
    expect(icsTime(props.get("DTEND")!).toISOString()).toBe("2026-12-24T21:30:00.000Z");
    expect(props.get("UID")).toMatch(/^[0-9a-f]{32}@127\.0\.0\.1:\d+$/);

    // One file, one stored blob, kept encrypted; the tool ran once.
    expect(await run.db.blob.count({ where: { agentId: claim.agentId } })).toBe(1);
    const calls = await run.db.toolCall.findMany({
      where: { identityId: claim.identityId, name: "send_file" },
    });
    expect(calls.map((c) => c.status)).toEqual(["done"]);
  });
});
