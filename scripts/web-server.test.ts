import path from "node:path";
import { describe, expect, it } from "vitest";
import { webServerOptions } from "./web-server.ts";

const preload = `--import ${path.resolve("scripts/forwarded-headers.mjs")}`;

describe("webServerOptions", () => {
  it("binds the development server to 127.0.0.1 unless HOST says otherwise", () => {
    expect(webServerOptions("dev", {}).args).toEqual(["-H", "127.0.0.1"]);
    expect(webServerOptions("dev", { HOST: "0.0.0.0" }).args).toEqual(["-H", "0.0.0.0"]);
    expect(webServerOptions("start", {}).args).toEqual([]);
    expect(webServerOptions("start", { HOST: "10.0.0.5" }).args).toEqual(["-H", "10.0.0.5"]);
  });

  it("preloads the forwarded-headers module, with or without TRUST_PROXY (it always tells the socket address)", () => {
    expect(webServerOptions("start", {}).env.NODE_OPTIONS).toBe(preload);
    expect(webServerOptions("start", { NODE_OPTIONS: "--max-old-space-size=512" }).env.NODE_OPTIONS).toBe(
      `--max-old-space-size=512 ${preload}`,
    );
    expect(webServerOptions("start", { TRUST_PROXY: "1" }).env.NODE_OPTIONS).toBe(preload);
  });
});
