/** The home id of a data directory: one per DATA_DIR, the same for every worker that shares it. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "@/test/temp-dir";
import { HOME_ID_FILE, homeKeyOf } from "./home";

const a = tempDir("home-a-");
const b = tempDir("home-b-");
afterAll(() => {
  a.remove();
  b.remove();
});

describe("homeKeyOf", () => {
  it("is written once and read back by every worker of the same DATA_DIR; another DATA_DIR has another", () => {
    const first = homeKeyOf(a.dir);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(homeKeyOf(a.dir)).toBe(first);
    expect(fs.readFileSync(path.join(a.dir, "xmtp", HOME_ID_FILE), "utf8").trim()).toBe(first);
    expect(homeKeyOf(b.dir)).not.toBe(first);
  });
});
