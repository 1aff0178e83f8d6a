/**
 * Terminal chat client: `npm run chat -- <invite-url> [--name <display name>]`.
 *
 * Joins a Convos conversation through its invite with a local identity kept in
 * `$DATA_DIR/chat/` (default `.data`), prints the conversation live with sender
 * names, and sends each typed line. `/quit` (or Ctrl-D, Ctrl-C) leaves. Works
 * on any XMTP_ENV (local, dev, production).
 */
import os from "node:os";
import readline from "node:readline";
import { config } from "@/lib/config.ts";
import { isConvosError } from "@/lib/convos/errors.ts";
import { dataDirFromEnv, xmtpEnv } from "@/lib/xmtp/index.ts";
import { openChatSession, type ChatMessage } from "@/lib/chat/session.ts";

const USAGE = "usage: npm run chat -- <invite-url> [--name <display name>]";

/** Parses argv into the invite and the display name; null when the invite is missing. */
export function parseArgs(argv: string[]): { inviteUrl: string; name: string } | null {
  let name = config().CHAT_NAME || os.userInfo().username || "Guest";
  let inviteUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--name" && argv[i + 1]) name = argv[++i];
    else if (!argv[i].startsWith("--")) inviteUrl ??= argv[i];
  }
  return inviteUrl ? { inviteUrl, name } : null;
}

/** One printed line per message: `[HH:MM] Name: text`. */
export function formatMessage(m: ChatMessage): string {
  const time = m.sentAt.toTimeString().slice(0, 5);
  const files = m.files.map((f) => `(file: ${f.name})`);
  return `[${time}] ${m.fromMe ? "You" : m.senderName}: ${[m.text, ...files].filter(Boolean).join(" ")}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.error(USAGE);
    return 2;
  }
  const env = xmtpEnv();
  console.log(`Joining on XMTP ${env} as "${args.name}"… (waiting for the conversation's owner to add us)`);
  let session;
  try {
    session = await openChatSession({
      inviteUrl: args.inviteUrl,
      dataDir: dataDirFromEnv(),
      name: args.name,
      env,
    });
  } catch (e) {
    console.error(
      isConvosError(e) ? `Could not join (${e.code}): ${e.message}` : `Could not join: ${String(e)}`,
    );
    return 1;
  }
  const title = session.conversation.name || "Convos conversation";
  console.log(`Joined "${title}". Type a message and press Enter; /quit to leave.`);
  for (const m of session.history) console.log(formatMessage(m));

  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  session.onMessage((m) => {
    if (m.fromMe) return; // our own lines are already on screen
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
    console.log(formatMessage(m));
    rl.prompt(true);
  });
  rl.setPrompt("> ");
  rl.prompt();
  let closing = false;
  const quit = async () => {
    if (closing) return;
    closing = true;
    rl.close();
    await session.close();
  };
  process.once("SIGINT", () => void quit());
  for await (const line of rl) {
    const text = line.trim();
    if (text === "/quit") break;
    if (text) {
      try {
        await session.send(text);
      } catch (e) {
        console.error(`(not sent: ${e instanceof Error ? e.message : String(e)})`);
      }
    }
    rl.prompt();
  }
  await quit();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
