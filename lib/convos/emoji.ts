/**
 * Conversation emoji (spec §5.7): SHA-256 of the UTF-8 identifier, first byte
 * mod 90, into the fixed list of convos-ios EmojiSelector.swift (copied exactly
 * by @xmtp/convos-cli 0.10.15 utils/emoji.js). We hash the XMTP group id, as the CLI does.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "./bytes";

export const EMOJIS: readonly string[] = [
  // Objects
  "🥫", "🎸", "🎨", "🎯", "🎪", "🎭", "🎬", "🎤", "🎧", "🎹",
  "🎺", "🎻", "🪘", "🪗", "🎲", "🎮", "🧩", "🪀", "🪁", "🧸",
  "🪆", "🔮", "🧿", "🪬", "🎰", "🛸", "🚀", "⚓️", "🧲", "💎",
  // Nature
  "🌵", "🌊", "🍄", "🌸", "🌈", "🌻", "🌴", "🌲", "🍀", "🌾",
  "🪻", "🪷", "🪹", "🪺", "🌙", "⭐️", "🌍", "🔥", "💧", "🌪️",
  // Animals
  "🦊", "🐙", "🦋", "🐢", "🦩", "🦄", "🐋", "🦈", "🦑", "🐠",
  "🦜", "🦚", "🦢", "🦉", "🦇", "🐝", "🐌", "🦎", "🐲", "🦕",
  // Food
  "🍕", "🌮", "🍩", "🍦", "🥑", "🍎", "🍋", "🍇", "🥝", "🍒",
  "🧁", "🍰", "🍪", "🥨", "🥐", "🧀", "🥗", "🍜", "🍣", "🥟",
];

/** The default emoji of a conversation: EMOJIS[sha256(utf8(id))[0] % 90]; stable for a given id. */
export function emojiForConversation(conversationId: string): string {
  return EMOJIS[sha256(utf8.encode(conversationId))[0] % EMOJIS.length];
}
