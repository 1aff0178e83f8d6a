import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A fresh directory under the system temp dir and its remover (call it in afterAll/afterEach). */
export function tempDir(prefix = "convos-test-"): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
