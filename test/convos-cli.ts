/**
 * The official Convos CLI (`@xmtp/convos-cli`, a devDependency) as a person in a test: a client that is
 * not ours, so a test of the protocol does not merely agree with itself. Every call runs
 * `convos <args> --env local --home <home>` from `home`, with CONVOS_HOME set too, so neither ~/.convos
 * nor a `.env` of the repository or the user is read. It talks to the local XMTP node the xmtp tier runs
 * (node-sdk's `local` URL).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const CLI = path.resolve(import.meta.dirname, "../node_modules/@xmtp/convos-cli/bin/run.js");

interface Run {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function run(home: string, args: string[], timeoutMs: number): Promise<Run> {
  fs.mkdirSync(home, { recursive: true });
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args, "--env", "local", "--home", home],
      { cwd: home, env: { ...process.env, CONVOS_HOME: home }, timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr }),
    ),
  );
}

/** The JSON value the CLI printed (after any log lines before it). */
function jsonOf(stdout: string): unknown {
  const starts = [stdout.indexOf("{"), stdout.indexOf("[")].filter((i) => i >= 0);
  return JSON.parse(stdout.slice(Math.min(...starts)));
}

/** Runs a CLI command as the install kept in `home` (made if missing) and parses its `--json` output. */
export async function convos<T = unknown>(home: string, ...args: string[]): Promise<T> {
  const r = await run(home, [...args, "--json", "--log-level", "off"], 90_000);
  if (!r.ok) throw new Error(`convos ${args.join(" ")}: ${r.stderr}${r.stdout}`.trim());
  return jsonOf(r.stdout) as T;
}

/** Runs a CLI command that prints no JSON (`init`); its output. */
export async function convosText(home: string, ...args: string[]): Promise<string> {
  const r = await run(home, args, 90_000);
  if (!r.ok) throw new Error(`convos ${args.join(" ")}: ${r.stderr}${r.stdout}`.trim());
  return r.stdout;
}

export interface CliJoin {
  /** "joined", "timeout" (nobody let it in), or "error" (the CLI refused before asking). */
  status: "joined" | "timeout" | "error";
  /** The CLI's JSON output, or its error text. */
  output: string;
}

/** Joins through `invite` as the CLI install kept in `home`, waiting up to `timeoutS` to be let in. */
export async function cliJoin(invite: string, home: string, timeoutS: number): Promise<CliJoin> {
  const args = ["conversations", "join", invite, "--json", "--timeout", String(timeoutS)];
  const r = await run(home, [...args, "--profile-name", "CLI joiner"], (timeoutS + 60) * 1000);
  if (!r.ok) return { status: "error", output: `${r.stderr}${r.stdout}`.trim() };
  const status = /"status":\s*"(joined|timeout)"/.exec(r.stdout)?.[1] as CliJoin["status"] | undefined;
  return { status: status ?? "error", output: r.stdout.trim() };
}
