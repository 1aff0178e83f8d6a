export * from "./backoff";
export * from "./leases";
export * from "./mutations";
export * from "./lost-home";
export * from "./placement";
export * from "./identity-status";
