/**
 * The official Convos CLI (`@xmtp/convos-cli`, a devDependency) as the person
 * joining: `convos conversations join <invite> --env local --json`, with its
 * own home directory (never ~/.convos) and run from that directory, so no
 * `.env` of the repository or the user is read. It talks to the local XMTP
 * node the xmtp tier runs (node-sdk's `local` URL).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const CLI = path.resolve(import.meta.dirname, "../node_modules/@xmtp/convos-cli/bin/run.js");

export interface CliJoin {
  /** "joined", "timeout" (nobody let it in), or "error" (the CLI refused before asking). */
  status: "joined" | "timeout" | "error";
  /** The CLI's JSON output, or its error text. */
  output: string;
}

/** Joins through `invite` as the CLI install kept in `home` (made if missing), waiting up to `timeoutS`. */
export function cliJoin(invite: string, home: string, timeoutS: number): Promise<CliJoin> {
  fs.mkdirSync(home, { recursive: true });
  const args = [CLI, "conversations", "join", invite, "--env", "local", "--home", home, "--json"];
  args.push("--timeout", String(timeoutS), "--profile-name", "CLI joiner");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: home, env: { ...process.env, CONVOS_HOME: home }, timeout: (timeoutS + 60) * 1000 },
      (error, stdout, stderr) => {
        if (error) return resolve({ status: "error", output: `${stderr}${stdout}`.trim() });
        const status = /"status":\s*"(joined|timeout)"/.exec(stdout)?.[1] as CliJoin["status"] | undefined;
        resolve({ status: status ?? "error", output: stdout.trim() });
      },
    );
  });
}
