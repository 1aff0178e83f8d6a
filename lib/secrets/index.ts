export * from "./seal.ts";
export * from "./master-key.ts";
