export * from "./client.ts";
export * from "./paths.ts";
export * from "./signer.ts";
export * from "./stream.ts";
export * from "./installations.ts";
