/** /privacy as the server renders it: its figures and its model hosts come from the running configuration. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

async function render(env: Record<string, string | undefined>): Promise<string> {
  Object.assign(process.env, env);
  vi.resetModules(); // config() is read once per module instance
  const { default: PrivacyPage } = await import("./page");
  return renderToStaticMarkup(PrivacyPage()).replaceAll("<!-- -->", "");
}

describe("/privacy", () => {
  it("states the retention from RETENTION_DAYS and where messages go to be answered", async () => {
    const html = await render({
      RETENTION_DAYS: "12",
      LLM_API_KEY: "sk-test",
      LLM_BASE_URL: "https://models.example.test/v1",
      LLM_MODELS: "small,big@https://other.example.test/v1",
    });
    expect(html).toContain("Messages themselves are never stored in our database.");
    expect(html).toContain("once 20 of them have piled up");
    expect(html).toContain("a new summary of at most 1,500 characters. That summary may quote messages");
    expect(html).toContain("those ids are deleted after 12 days");
    expect(html).toContain("pairing requests nobody approved: 12 days");
    expect(html).toContain("language model at models.example.test, other.example.test.");
  });

  it("says no message leaves the server when no model is configured", async () => {
    const html = await render({ LLM_API_KEY: "", LLM_MODELS: "" });
    expect(html).toContain("no message leaves this server to be answered");
    expect(html).not.toContain("language model at");
    expect(html).not.toContain("summary of at most");
  });
});
