/**
 * The JWKS of agents' attestation keys (docs/convos-protocol.md §8.5): public keys only, cacheable, for
 * any verifier (the Convos apps, `convos attestation verify --jwks-url`). Read from the settings at
 * request time, never at build time.
 */
import { config } from "@/lib/config";
import { attestationKeys } from "@/lib/attestation/keys";
import { jwksResponse } from "@/lib/attestation/jwks";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return jwksResponse(attestationKeys(config()));
}
