/**
 * The options an operator gives `/invite`, `/revoke` and `/unlock` in the chat:
 * `[name] [--expires 24h] [--single-use]`. Parsed here, pure, so the chat and
 * the tests share one reading; anything out of range is one line of error and
 * nothing is asked of the worker.
 */

/** An invite's expiry lies within these bounds from now: long enough to be shared, short enough to mean it. */
export const EXPIRES_MIN_SECONDS = 5 * 60;
export const EXPIRES_MAX_SECONDS = 30 * 24 * 3600;

export interface InviteOptions {
  /** Seconds from now; undefined: the invite does not expire. */
  expiresInSeconds?: number;
  singleUse: boolean;
}

export type ParsedInviteArgs =
  { ok: true; name: string; options: InviteOptions } | { ok: false; error: string };

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 };
const RANGE = "--expires takes 5m to 30d, like 30m, 24h or 7d.";

/** Seconds in "30m", "24h", "7d" (a number and one unit), or null when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})([mhd])$/i.exec(text.trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2].toLowerCase()] : null;
}

/** Reads `[name] [--expires <duration>] [--single-use]` in any order; the words that are not options are the name. */
export function parseInviteArgs(text: string): ParsedInviteArgs {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const name: string[] = [];
  const options: InviteOptions = { singleUse: false };
  for (let i = 0; i < words.length; i++) {
    const [flag, inline] = words[i].split("=", 2);
    const lower = flag.toLowerCase();
    if (lower === "--single-use" && inline === undefined) options.singleUse = true;
    else if (lower === "--expires") {
      const value = inline ?? words[++i];
      if (value === undefined) return { ok: false, error: `${RANGE} (no duration given)` };
      const seconds = parseDuration(value);
      if (seconds === null || seconds < EXPIRES_MIN_SECONDS || seconds > EXPIRES_MAX_SECONDS)
        return { ok: false, error: `"${value.slice(0, 20)}" is out of range: ${RANGE}` };
      options.expiresInSeconds = seconds;
    } else if (flag.startsWith("--"))
      return {
        ok: false,
        error: `Unknown option ${flag.slice(0, 30)}: use --expires <duration> or --single-use.`,
      };
    else name.push(words[i]);
  }
  return { ok: true, name: name.join(" ").slice(0, 100), options };
}

/** The instant an invite made now with these options expires, or undefined. */
export function expiryOf(options: InviteOptions, now = new Date()): Date | undefined {
  return options.expiresInSeconds === undefined
    ? undefined
    : new Date(now.getTime() + options.expiresInSeconds * 1000);
}
