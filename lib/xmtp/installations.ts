/**
 * An inbox's installations, managed with its wallet key alone (no client, no
 * database): what a lost home needs, since an inbox holds at most 10
 * installations and a new one cannot register past that.
 */
import { Client } from "@xmtp/node-sdk";
import { eoaSigner } from "./signer.ts";
import type { SupportedEnv } from "./client.ts";

/** Revokes every installation of `inboxId` (the wallet key of `privateKey` signs); returns how many. */
export async function revokeEveryInstallation(
  privateKey: Uint8Array,
  inboxId: string,
  env: SupportedEnv,
): Promise<number> {
  const [state] = await Client.fetchInboxStates([inboxId], env);
  const installations = state?.installations ?? [];
  if (installations.length > 0)
    await Client.revokeInstallations(
      eoaSigner(privateKey),
      inboxId,
      installations.map((i) => i.bytes),
      env,
    );
  return installations.length;
}
