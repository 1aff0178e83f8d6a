/**
 * Values of @xmtp/node-sdk's `const enum`s. The SDK declares them as ambient
 * const enums, which `isolatedModules` cannot inline and which do not exist at
 * run time, so the numbers are written out here once (node-bindings 5.x).
 */
import type {
  ConsentState,
  ContentType,
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

/** Content types for ListMessagesOptions.contentTypes (node-bindings' ContentType). */
export const ContentTypes = {
  Text: 13 as ContentType.Text,
};

export const Permission = {
  AddMember: 0 as PermissionUpdateType.AddMember,
  Allow: 0 as PermissionPolicy.Allow,
  Deny: 1 as PermissionPolicy.Deny,
};
