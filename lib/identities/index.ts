export * from "./backoff";
export * from "./ledger";
export * from "./leases";
export * from "./mutations";
export * from "./pool";
export * from "./policy";
export * from "./tool-calls";
