/**
 * lib/xmtp: the signer against a known Ethereum vector, the environment
 * parsing, and a real client created through createXmtpClient against the
 * shared local node, with its database in the default place under DATA_DIR.
 */
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  addressOf,
  createXmtpClient,
  eoaSigner,
  randomPrivateKey,
  signPersonalMessage,
  xmtpDbDir,
  xmtpEnv,
} from "./index.ts";
import { tempDir } from "@/test/temp-dir.ts";

// Hardhat's well-known account #0 and ethers' signMessage("hello") for it.
const HARDHAT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

describe("EOA signer", () => {
  it("derives the lowercase address and signs EIP-191 like ethers", () => {
    expect(addressOf(HARDHAT_0)).toBe("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    expect(Buffer.from(signPersonalMessage(HARDHAT_0, "hello")).toString("hex")).toBe(
      "f16ea9a3478698f695fd1401bfe27e9e4a7e8e3da94aa72b021125e31fa899cc573c48ea3fe1d4ab61a9db10c19032026e3ed2dbccba5a178235ac27f94504311c",
    );
    const signer = eoaSigner(HARDHAT_0);
    expect(signer.getIdentifier()).toEqual({
      identifier: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
      identifierKind: 0,
    });
    expect(() => eoaSigner("0x1234")).toThrow(/32 bytes/);
  });
});

describe("xmtpEnv", () => {
  it("defaults to local and refuses unknown environments", () => {
    expect(xmtpEnv(undefined)).toBe("local");
    expect(xmtpEnv("production")).toBe("production");
    expect(() => xmtpEnv("testnet")).toThrow(/XMTP_ENV/);
  });
});

describe("createXmtpClient", () => {
  const tmp = tempDir("xmtp-lib-");
  const previous = process.env.DATA_DIR;
  afterAll(() => {
    if (previous === undefined) delete process.env.DATA_DIR;
    else process.env.DATA_DIR = previous;
    tmp.remove();
  });

  it("keeps the database under $DATA_DIR/xmtp and reopens the same installation from it", async () => {
    process.env.DATA_DIR = tmp.dir;
    const privateKey = randomPrivateKey();
    const dbEncryptionKey = new Uint8Array(randomBytes(32));
    const first = await createXmtpClient({ signer: eoaSigner(privateKey), dbEncryptionKey, env: "local" });
    const files = fs.readdirSync(xmtpDbDir());
    expect(files.some((f) => f === `local-${first.inboxId}.db3`)).toBe(true);

    const again = await createXmtpClient({ signer: eoaSigner(privateKey), dbEncryptionKey, env: "local" });
    expect(again.installationId).toBe(first.installationId);
    await expect(
      createXmtpClient({ signer: eoaSigner(privateKey), dbEncryptionKey: new Uint8Array(16) }),
    ).rejects.toThrow(/32 bytes/);
  });
});
