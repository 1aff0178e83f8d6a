/**
 * docs/configuration.md lists every setting lib/config.ts reads, and nothing else: the settings are the
 * keys of the config schema (SETTING_NAMES), the doc's are the names in the first cell of its tables'
 * rows. The section on variables read outside lib/config.ts is kept apart: none of its names may be a
 * setting, so a variable that moves into the schema moves into the tables too.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTING_NAMES } from "./config";

const DOC = path.join(import.meta.dirname, "..", "docs", "configuration.md");
const OUTSIDE_HEADING = "Read outside lib/config.ts";

interface DocNames {
  settings: string[];
  outside: string[];
}

/** The names in the first cell of each table row, by section: the tables of settings, and the outside one. */
function namesInDoc(markdown: string): DocNames {
  const names: DocNames = { settings: [], outside: [] };
  let section = "";
  for (const line of markdown.split("\n")) {
    const heading = /^##\s+(.*)$/.exec(line);
    if (heading) section = heading[1].trim();
    if (!line.startsWith("|") || /^\|\s*-/.test(line)) continue;
    const firstCell = line.split("|")[1] ?? "";
    const found = [...firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]);
    (section === OUTSIDE_HEADING ? names.outside : names.settings).push(...found);
  }
  return names;
}

const doc = namesInDoc(fs.readFileSync(DOC, "utf8"));
const settings = new Set<string>(SETTING_NAMES);

describe("docs/configuration.md", () => {
  it("lists every setting lib/config.ts reads", () => {
    expect(SETTING_NAMES.filter((name) => !doc.settings.includes(name))).toEqual([]);
  });

  it("lists no setting lib/config.ts doesn't read", () => {
    expect(doc.settings.filter((name) => !settings.has(name))).toEqual([]);
  });

  it("lists each setting once", () => {
    expect(doc.settings.filter((name, i) => doc.settings.indexOf(name) !== i)).toEqual([]);
  });

  it("keeps the variables read outside lib/config.ts apart from the settings", () => {
    expect(doc.outside.length).toBeGreaterThan(0);
    expect(doc.outside.filter((name) => settings.has(name))).toEqual([]);
  });

  it("finds the names of a table's first column, and only there", () => {
    const sample = [
      "## Database",
      "| Setting | Default | What it does |",
      "| --- | --- | --- |",
      "| `A_ONE`, `A_TWO` | `1` | not `B_THREE` |",
      "## Read outside lib/config.ts",
      "| `PORT` | `3000` | x |",
    ].join("\n");
    expect(namesInDoc(sample)).toEqual({ settings: ["A_ONE", "A_TWO"], outside: ["PORT"] });
  });
});
