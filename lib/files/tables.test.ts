/** Lists and poll results as files: CSV that a spreadsheet opens safely, Markdown that stays a table. */
import { describe, expect, it } from "vitest";
import { fileStem } from "./compose";
import { toCsv, toMarkdown } from "./tables";

const table = {
  title: "shopping | weekend",
  header: ["#", "Item", "Done"],
  rows: [
    ["1", 'milk, "organic"', "no"],
    ["2", '=HYPERLINK("http://evil")', "yes"],
    ["3", "eggs\nlarge", "no"],
  ],
};

describe("file tables", () => {
  it("CSV: quoted where needed, formulas defused, CRLF rows", () => {
    expect(toCsv(table)).toBe(
      [
        "#,Item,Done",
        '1,"milk, ""organic""",no',
        '2,"\'=HYPERLINK(""http://evil"")",yes',
        '3,"eggs\nlarge",no',
        "",
      ].join("\r\n"),
    );
  });

  it("Markdown: a title and a pipe table, pipes escaped, one line per row", () => {
    expect(toMarkdown(table)).toBe(
      [
        "# shopping \\| weekend",
        "",
        "| # | Item | Done |",
        "| --- | --- | --- |",
        '| 1 | milk, "organic" | no |',
        '| 2 | =HYPERLINK("http://evil") | yes |',
        "| 3 | eggs large | no |",
        "",
      ].join("\n"),
    );
  });

  it("file names are plain ASCII stems", () => {
    expect(fileStem("Dîner chez Luigi's!", "event")).toBe("diner-chez-luigi-s");
    expect(fileStem("🎉🎉", "event")).toBe("event");
    expect(fileStem("x".repeat(100), "list")).toHaveLength(40);
  });
});
