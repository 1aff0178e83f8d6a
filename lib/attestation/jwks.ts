/**
 * The JWKS at `/.well-known/agents.json` (docs/convos-protocol.md §8.5): the signing key and, during a
 * rotation, the retiring one, as `{"keys":[{"kid","kty":"OKP","crv":"Ed25519","x","use":"sig"}]}`.
 * Public keys only. Verifiers cache it for five minutes: a new signing key is seen that soon after a
 * restart, and the retiring key stays listed as long as it is set.
 */
import type { AttestationKeys, AttestationPublicKey } from "./keys";

export interface Jwk {
  kid: string;
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  use: "sig";
}

export interface Jwks {
  keys: Jwk[];
}

/** How long verifiers and caches may keep the document. */
export const JWKS_MAX_AGE_S = 300;

const jwk = (k: AttestationPublicKey): Jwk => ({
  kid: k.kid,
  kty: "OKP",
  crv: "Ed25519",
  x: k.x,
  use: "sig",
});

/** The document for these keys; no keys (attestation off or unset) lists none. */
export function jwksDocument(keys: AttestationKeys | null): Jwks {
  if (!keys) return { keys: [] };
  return { keys: [jwk(keys.signing), ...(keys.retiring ? [jwk(keys.retiring)] : [])] };
}

/** The HTTP response of the JWKS route: JSON, cacheable by anyone, readable from any origin. */
export function jwksResponse(keys: AttestationKeys | null): Response {
  return Response.json(jwksDocument(keys), {
    headers: {
      "Cache-Control": `public, max-age=${JWKS_MAX_AGE_S}, stale-while-revalidate=${JWKS_MAX_AGE_S}`,
      "Access-Control-Allow-Origin": "*",
    },
  });
}
