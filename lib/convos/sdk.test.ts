/**
 * The numbers lib/convos/sdk.ts writes out for node-sdk's ambient const enums are the bindings' own: a
 * node-sdk upgrade that renumbers one fails here, not in a conversation.
 */
import * as bindings from "@xmtp/node-bindings";
import { expect, it } from "vitest";
import { Consent, ContentTypes, Delivery, Direction, Permission } from "./sdk";

/** The runtime object napi-rs exports for an enum (the type declarations call it a const enum). */
const runtimeEnum = (name: string) => (bindings as unknown as Record<string, Record<string, number>>)[name];

it("match the enums of the installed node-bindings", () => {
  const pick = (values: Record<string, number>, names: string[]) =>
    Object.fromEntries(names.map((n) => [n, values[n]]));
  expect(Consent).toEqual(pick(runtimeEnum("ConsentState"), Object.keys(Consent)));
  expect(Direction).toEqual(pick(runtimeEnum("SortDirection"), Object.keys(Direction)));
  expect(Delivery).toEqual(pick(runtimeEnum("DeliveryStatus"), Object.keys(Delivery)));
  expect(ContentTypes).toEqual(pick(runtimeEnum("ContentType"), Object.keys(ContentTypes)));
  expect(Permission.AddMember).toBe(runtimeEnum("PermissionUpdateType").AddMember);
  expect([Permission.Allow, Permission.Deny]).toEqual([
    runtimeEnum("PermissionPolicy").Allow,
    runtimeEnum("PermissionPolicy").Deny,
  ]);
});
