/** LLM_PRICES: parsing, a model's price, and what its tokens cost. */
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { costMicros, formatUsd, parsePrices, priceOf } from "./prices";

describe("model prices", () => {
  it("parses model=price entries, names with slashes and colons included", () => {
    expect(parsePrices(undefined)).toEqual({});
    expect(parsePrices(" openai/gpt-4o-mini=0.6, meta/llama:free=0 ,")).toEqual({
      "openai/gpt-4o-mini": 0.6,
      "meta/llama:free": 0,
    });
  });

  it("refuses a malformed entry, a bad price and a model priced twice, naming it", () => {
    expect(() => parsePrices("gpt")).toThrow(/"gpt" is not model=price/);
    expect(() => parsePrices("=3")).toThrow(/not model=price/);
    expect(() => parsePrices("m=cheap")).toThrow(/price of "m"/);
    expect(() => parsePrices("m=-1")).toThrow(/price of "m"/);
    expect(() => parsePrices("m=1,m=2")).toThrow(/priced twice/);
    expect(() => parseConfig({ LLM_PRICES: "m=free" })).toThrow(/LLM_PRICES/);
    expect(parseConfig({}).LLM_PRICES).toEqual({});
  });

  it("costs tokens × dollars per million in micro-dollars; no price, no cost", () => {
    const prices = parsePrices("a=0.6,b=15");
    expect(priceOf(prices, "a")).toBe(0.6);
    expect(priceOf(prices, "toString")).toBeUndefined();
    expect(costMicros(prices, "a", 1_000_000)).toBe(600_000);
    expect(costMicros(prices, "b", 2)).toBe(30);
    expect(costMicros(prices, "c", 1_000)).toBe(0);
    expect(costMicros(prices, undefined, 1_000)).toBe(0);
    expect(formatUsd(600_000)).toBe("$0.60");
    expect(formatUsd(30)).toBe("$0.00003");
    expect(formatUsd(4_200)).toBe("$0.0042");
    expect(formatUsd(1_234_500_000n)).toBe("$1,234.50");
  });
});
