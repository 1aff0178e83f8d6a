export * from "./client.ts";
export * from "./signer.ts";
