/**
 * A table (a header and rows of text) as a CSV file (RFC 4180: CRLF, fields quoted when they hold a
 * quote, a comma or a line break) or as Markdown. A CSV cell that a spreadsheet would run as a formula
 * (it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe: members' list items
 * are hostile input to whoever opens the file. Markdown cells escape the pipe and keep one line.
 */

export interface Table {
  /** A title line above a Markdown table (CSV has none). */
  title: string;
  header: string[];
  rows: string[][];
}

const FORMULA = /^[=+\-@\t\r]/;

function csvCell(text: string): string {
  const safe = FORMULA.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The table as CSV (with a header row). */
export function toCsv(t: Table): string {
  return [t.header, ...t.rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

const mdCell = (text: string) =>
  text
    .replace(/\r\n?|\n/g, " ")
    .replace(/[\\|]/g, (c) => `\\${c}`)
    .trim() || " ";

/** The table as Markdown: "# title", then a pipe table. */
export function toMarkdown(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(" | ")} |`;
  return [
    `# ${mdCell(t.title)}`,
    "",
    line(t.header),
    `|${t.header.map(() => " --- ").join("|")}|`,
    ...t.rows.map(line),
    "",
  ].join("\n");
}
