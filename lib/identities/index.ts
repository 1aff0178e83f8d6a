export * from "./backoff";
export * from "./ledger";
export * from "./leases";
export * from "./mutations";
export * from "./tool-calls";
export * from "./lost-home";
export * from "./placement";
