/**
 * Reading a vote: members vote on a poll by replying to its message with a
 * number ("2") or by reacting to it with a keycap emoji (1️⃣ … 🔟). Pure.
 */

export const MAX_POLL_OPTIONS = 10;

/** The keycap emoji of option n (1 … 10). */
export const optionEmoji = (n: number) => (n === 10 ? "🔟" : `${n}\uFE0F\u20E3`);

/** The option a reply's text or a reaction's emoji names (1-based), or null when it names none. */
export function voteOption(text: string): number | null {
  const t = text.trim();
  if (t === "🔟") return 10;
  const keycap = /^([1-9])\uFE0F?\u20E3$/u.exec(t);
  if (keycap) return Number(keycap[1]);
  const number = /^#?(\d{1,2})[.)]?$/.exec(t);
  if (!number) return null;
  const n = Number(number[1]);
  return n >= 1 && n <= MAX_POLL_OPTIONS ? n : null;
}

/** The poll's message: the question and its numbered options, with how to vote. */
export function pollText(question: string, options: string[]): string {
  return [
    `📊 ${question}`,
    ...options.map((o, i) => `${optionEmoji(i + 1)} ${o}`),
    `Vote by replying to this message with a number, or react with ${optionEmoji(1)}–${optionEmoji(options.length)}.`,
  ].join("\n");
}
