/**
 * The Convos invite/join/profile protocol (docs/convos-protocol.md).
 * Pure and typed: no database, no Next.js, no environment reading.
 */
export * from "./errors";
export { toHex, fromHex, toBase64Url, fromBase64Url } from "./bytes";
export * from "./invite";
export * from "./token";
export * from "./slug";
export * from "./url";
export * from "./verify";
export * from "./metadata";
export * from "./tag";
export * from "./emoji";
export * from "@/lib/convos/codecs";
export * from "./profiles";
export * from "./create-invite";
export * from "./joiner";
export * from "@/lib/convos/creator";
export { Consent, ContentTypes, Delivery, Direction, isGroupUpdate, Permission } from "./sdk";
