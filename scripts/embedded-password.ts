/**
 * The embedded PostgreSQL's password: random per data folder, made when the folder is first
 * initialised and kept beside it (`<folder>-password`, mode 0600; initdb wants the folder itself
 * empty). A well-known password would let any local user, or anything that reaches the port, in.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Where the password of the server whose data lives in `dataFolder` is kept. */
export function embeddedPasswordFile(dataFolder: string): string {
  return `${path.resolve(dataFolder)}-password`;
}

/** The kept password, or undefined when there is none yet. Tightens the file's mode if it was loosened. */
export function readEmbeddedPassword(dataFolder: string): string | undefined {
  const file = embeddedPasswordFile(dataFolder);
  if (!fs.existsSync(file)) return undefined;
  fs.chmodSync(file, 0o600);
  return fs.readFileSync(file, "utf8").trim() || undefined;
}

/** A new random password (URL-safe, so it can sit in a connection string as it is). */
export function newEmbeddedPassword(): string {
  return randomBytes(24).toString("base64url");
}

/** Keeps `password` for the server in `dataFolder`, readable by this OS user only. */
export function keepEmbeddedPassword(dataFolder: string, password: string): void {
  const file = embeddedPasswordFile(dataFolder);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // writeFileSync's mode applies only to a new file
}
