import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOG_FILE, openEventLog, readLines } from "./persistence.ts";
import { tempDir } from "@/test/temp-dir.ts";

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function freshDir(): string {
  const { dir, remove } = tempDir("xmtp-log-");
  cleanup = remove;
  return dir;
}

describe("the node's event log", () => {
  it("reads lines that span chunks, multi-byte characters included, whatever the chunk size", () => {
    const dir = freshDir();
    const file = path.join(dir, "lines.jsonl");
    const lines = ["a", "é€😀".repeat(20), "", "x".repeat(100), "last"];
    fs.writeFileSync(file, lines.join("\n") + "\n");
    for (const chunkBytes of [1, 2, 3, 7, 64, 1 << 20]) {
      expect([...readLines(file, chunkBytes)]).toEqual(lines.filter((l) => l !== ""));
    }
  });

  it("replays a log larger than the biggest string V8 can hold (~512 MB) as a stream", () => {
    const dir = freshDir();
    const file = path.join(dir, LOG_FILE);
    const payload = Buffer.alloc(48 * 1024, 7).toString("base64"); // 64 KiB of base64 per event
    const count = 8_300; // ≈ 545 MB
    const fd = fs.openSync(file, "w");
    for (let i = 0; i < count; i++) {
      const key = Buffer.from(String(i)).toString("base64");
      fs.writeSync(
        fd,
        `{"t":"keyPackage","installationKey":{"b64":"${key}"},"keyPackage":{"b64":"${payload}"}}\n`,
      );
    }
    // A torn last line, as a killed process leaves it: cut on open.
    fs.writeSync(fd, `{"t":"keyPackage","installationKey":{"b64":"AA==`);
    fs.closeSync(fd);
    expect(fs.statSync(file).size).toBeGreaterThan(0x1fffffe8);

    const log = openEventLog(dir);
    let seen = 0;
    let last: string | undefined;
    for (const event of log.replay()) {
      if (event.t !== "keyPackage") throw new Error(`unexpected event ${event.t}`);
      if (seen === 0) expect(event.keyPackage).toHaveLength(48 * 1024);
      last = event.installationKey.toString();
      seen++;
    }
    expect(seen).toBe(count);
    expect(last).toBe(String(count - 1));
    expect(fs.readFileSync(file).subarray(-1)[0]).toBe(0x0a);
  }, 120_000);

  it("cuts a torn tail on open, so the next append starts on its own line", () => {
    const dir = freshDir();
    const log = openEventLog(dir);
    const event = {
      t: "keyPackage" as const,
      installationKey: Buffer.from("k1"),
      keyPackage: Buffer.from("p1"),
    };
    log.append([event]);
    fs.appendFileSync(path.join(dir, LOG_FILE), '{"t":"keyPa');
    const reopened = openEventLog(dir);
    reopened.append([{ ...event, installationKey: Buffer.from("k2") }]);
    expect(
      [...reopened.replay()].map((e) => (e.t === "keyPackage" ? e.installationKey.toString() : e.t)),
    ).toEqual(["k1", "k2"]);
  });
});
