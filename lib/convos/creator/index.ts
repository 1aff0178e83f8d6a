export * from "./admin";
export * from "./handle";
export * from "./ledger";
export * from "./request";
export * from "./runner";
export * from "./context";
