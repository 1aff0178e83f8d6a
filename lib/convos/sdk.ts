/**
 * Values of @xmtp/node-sdk's `const enum`s. The SDK declares them as ambient
 * const enums, which `isolatedModules` cannot inline and which do not exist at
 * run time, so the numbers are written out here once (as node-bindings 1.11, under node-sdk 6.1, has them).
 */
import type {
  ConsentState,
  ContentType,
  DeliveryStatus,
  PermissionPolicy,
  PermissionUpdateType,
  SortDirection,
} from "@xmtp/node-sdk";

export const Consent = {
  Unknown: 0 as ConsentState.Unknown,
  Allowed: 1 as ConsentState.Allowed,
  Denied: 2 as ConsentState.Denied,
};

export const Direction = {
  Ascending: 0 as SortDirection.Ascending,
  Descending: 1 as SortDirection.Descending,
};

export const Delivery = {
  Unpublished: 0 as DeliveryStatus.Unpublished,
  Published: 1 as DeliveryStatus.Published,
  Failed: 2 as DeliveryStatus.Failed,
};

/** Content types for ListMessagesOptions.contentTypes (node-bindings' ContentType). */
export const ContentTypes = {
  Custom: 2 as ContentType.Custom,
  GroupUpdated: 4 as ContentType.GroupUpdated,
  Reaction: 9 as ContentType.Reaction,
  Text: 13 as ContentType.Text,
};

/**
 * The membership transcript XMTP writes into a conversation itself (added, removed, renamed), with the
 * member who made the change as its sender: a fresh DM holds one "from" the other side before they
 * have said anything.
 */
export function isGroupUpdate(m: { contentType?: { authorityId: string; typeId: string } | null }): boolean {
  return m.contentType?.authorityId === "xmtp.org" && m.contentType.typeId === "group_updated";
}

export const Permission = {
  AddMember: 0 as PermissionUpdateType.AddMember,
  Allow: 0 as PermissionPolicy.Allow,
  Deny: 1 as PermissionPolicy.Deny,
};
