import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { allowedModels, checkAllowedModel, chosenModel, fallbackChain, ModelNotAllowed } from "./models";

const base = { LLM_MODEL: "m/default", LLM_BASE_URL: "https://llm.example/v1" };

describe("allowed models (LLM_MODELS)", () => {
  it("unset: the default alone", () => {
    expect(allowedModels(base)).toEqual([{ name: "m/default", baseURL: "https://llm.example/v1" }]);
  });

  it("in list order, the default first unless listed, an entry's own base URL after @", () => {
    expect(allowedModels({ ...base, LLM_MODELS: " m/a , m/b@http://127.0.0.1:9/v1" })).toEqual([
      { name: "m/default", baseURL: "https://llm.example/v1" },
      { name: "m/a", baseURL: "https://llm.example/v1" },
      { name: "m/b", baseURL: "http://127.0.0.1:9/v1" },
    ]);
    expect(allowedModels({ ...base, LLM_MODELS: "m/a,m/default" }).map((m) => m.name)).toEqual([
      "m/a",
      "m/default",
    ]);
  });

  it("refuses a name twice, a bad name, a bad URL and too many, at start-up", () => {
    expect(() => allowedModels({ ...base, LLM_MODELS: "m/a,m/a" })).toThrow(/listed twice/);
    expect(() => allowedModels({ ...base, LLM_MODELS: "m a" })).toThrow(/not a model name/);
    expect(() => allowedModels({ ...base, LLM_MODELS: "m/a@https://" })).toThrow(/invalid base URL/);
    expect(() => allowedModels({ ...base, LLM_MODELS: "a,b,c,d,e,f,g,h" })).toThrow(/at most 8/);
    expect(() => parseConfig({ LLM_MODELS: "x,x" })).toThrow(/LLM_MODELS: "x" is listed twice/);
    expect(parseConfig({ LLM_MODELS: "x,y" }).LLM_MODELS).toBe("x,y");
  });

  it("a choice must be on the list", () => {
    const allowed = allowedModels({ ...base, LLM_MODELS: "m/a" });
    expect(checkAllowedModel(allowed, "m/a")).toBe("m/a");
    expect(() => checkAllowedModel(allowed, "m/secret")).toThrow(ModelNotAllowed);
    expect(() => checkAllowedModel(allowed, "m/secret")).toThrow(
      'The model "m/secret" is not one this server allows.',
    );
  });

  it("the chain: the chosen model, then the others in list order; an unknown choice counts as none", () => {
    const allowed = [{ name: "d" }, { name: "a" }, { name: "b" }];
    expect(fallbackChain(allowed, "a").map((m) => m.name)).toEqual(["a", "d", "b"]);
    expect(fallbackChain(allowed, null).map((m) => m.name)).toEqual(["d", "a", "b"]);
    expect(fallbackChain(allowed, "gone").map((m) => m.name)).toEqual(["d", "a", "b"]);
  });

  it("the owner's choice wins over the template's", () => {
    expect(chosenModel({ model: "o" }, { model: "t" })).toBe("o");
    expect(chosenModel({ model: null }, { model: "t" })).toBe("t");
    expect(chosenModel({ model: null }, null)).toBeNull();
  });
});
