/**
 * An EOA (externally owned account) signer for @xmtp/node-sdk from a raw
 * secp256k1 private key. It needs no blockchain access: the identifier is the
 * lowercase Ethereum address (`IdentifierKind.Ethereum`) and `signMessage`
 * returns the 65-byte EIP-191 `personal_sign` signature, r || s || v with
 * v = 27 + recovery id, which is what libxmtp verifies.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { EOASigner, IdentifierKind } from "@xmtp/node-sdk";

type Identifier = Awaited<ReturnType<EOASigner["getIdentifier"]>>;

// The SDK declares IdentifierKind as a const enum that does not exist at
// runtime (the import is `{}`), so the value is written out here.
const ETHEREUM = 0 as IdentifierKind.Ethereum;

/** The SDK identifier of an Ethereum address (lowercased, as the network stores it). */
export function ethereumIdentifier(address: string): Identifier {
  return { identifier: address.toLowerCase(), identifierKind: ETHEREUM };
}

const utf8 = new TextEncoder();

function toBytes(privateKey: string | Uint8Array): Uint8Array {
  if (typeof privateKey !== "string") return privateKey;
  const hexKey = privateKey.replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) throw new Error("a secp256k1 private key is 32 bytes of hex");
  return Uint8Array.from(Buffer.from(hexKey, "hex"));
}

/** The lowercase 0x Ethereum address of a secp256k1 private key. */
export function addressOf(privateKey: string | Uint8Array): string {
  const publicKey = secp256k1.getPublicKey(toBytes(privateKey), false); // 0x04 || x || y
  return `0x${Buffer.from(keccak_256(publicKey.subarray(1)).subarray(-20)).toString("hex")}`;
}

/** A fresh random private key as 0x-prefixed hex (for tests, demos and new agents). */
export function randomPrivateKey(): `0x${string}` {
  return `0x${Buffer.from(secp256k1.utils.randomSecretKey()).toString("hex")}`;
}

/** EIP-191 `personal_sign`: keccak256("\x19Ethereum Signed Message:\n" + length + message), signed, as r || s || v. */
export function signPersonalMessage(privateKey: string | Uint8Array, message: string): Uint8Array {
  const body = utf8.encode(message);
  const prefix = utf8.encode(`\x19Ethereum Signed Message:\n${body.length}`);
  const digest = keccak_256(new Uint8Array([...prefix, ...body]));
  // `recovered` is recovery id || r || s; Ethereum wants r || s || (27 + recovery id).
  const recovered = secp256k1.sign(digest, toBytes(privateKey), { prehash: false, format: "recovered" });
  const signature = new Uint8Array(65);
  signature.set(recovered.subarray(1), 0);
  signature[64] = 27 + recovered[0];
  return signature;
}

/** A node-sdk EOA signer for this key: lowercase address identifier, EIP-191 signatures. */
export function eoaSigner(privateKey: string | Uint8Array): EOASigner {
  const key = toBytes(privateKey);
  const identifier = addressOf(key);
  return {
    type: "EOA",
    getIdentifier: () => ethereumIdentifier(identifier),
    signMessage: (message: string) => signPersonalMessage(key, message),
  };
}
