/** /admin's token caps card as the server renders it, on a real PostgreSQL: the default, then the admin's maximum. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { setMaxTokenCap } from "@/lib/agents/spend";
import { withTestDatabase } from "@/test/db";
import { TokenCaps } from "./token-caps";

vi.hoisted(() => {
  process.env.LLM_TOKEN_CAP_PER_AGENT = "200000";
});

withTestDatabase();

const render = async () =>
  renderToStaticMarkup(await TokenCaps({ card: "", heading: "" })).replaceAll("<!-- -->", "");

describe("/admin's token caps", () => {
  it("says owners may raise a cap up to the default cap, then up to the maximum the admin set", async () => {
    expect(await render()).toContain(
      "Default cap: 200,000 tokens per agent. Owners may raise their agent&#x27;s cap up to <strong>200,000</strong> tokens (the default cap).",
    );
    await setMaxTokenCap(1_000_000);
    const set = await render();
    expect(set).toContain("up to <strong>1,000,000</strong> tokens.");
    expect(set).toContain('name="maxTokenCap"');
    expect(set).toContain('value="1000000"');
  });
});
