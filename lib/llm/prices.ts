/**
 * What the models cost, for the owner's view of an agent's spend (LLM_PRICES).
 *
 * LLM_PRICES is a comma-separated list of `model=price`, the price in US
 * dollars per million tokens, the model named as in LLM_MODELS (e.g.
 * `openai/gpt-4o-mini=0.6,anthropic/claude-3.5-haiku=4`). The services report
 * one total per call (prompt and answer together), so one price per model is
 * what can be applied: set it to what a typical mix costs. A model without a
 * price costs nothing here: its tokens are counted, and no money is shown.
 *
 * One dollar per million tokens is one micro-dollar per token, so a call's
 * cost in micro-dollars is its tokens times the price.
 */

/** US dollars per million tokens, by model name. */
export type Prices = Readonly<Record<string, number>>;

/** The most a price may be (USD per million tokens): far above any model's, low enough to catch a typo. */
export const MAX_PRICE = 10_000;

/** The prices of a LLM_PRICES value; throws (with the reason) on a malformed entry or a model priced twice. */
export function parsePrices(raw: string | undefined): Prices {
  const prices: Record<string, number> = {};
  for (const entry of (raw ?? "").split(",")) {
    if (entry.trim() === "") continue;
    const eq = entry.lastIndexOf("=");
    const name = entry.slice(0, Math.max(0, eq)).trim();
    const price = Number(entry.slice(eq + 1).trim());
    if (eq <= 0 || name === "") throw new Error(`"${entry.trim()}" is not model=price`);
    if (!Number.isFinite(price) || price < 0 || price > MAX_PRICE)
      throw new Error(`the price of "${name}" is not a number of dollars from 0 to ${MAX_PRICE}`);
    if (Object.hasOwn(prices, name)) throw new Error(`"${name}" is priced twice`);
    prices[name] = price;
  }
  return prices;
}

/** The price of `model` (USD per million tokens), or undefined when it has none. */
export function priceOf(prices: Prices, model: string | null | undefined): number | undefined {
  return model != null && Object.hasOwn(prices, model) ? prices[model] : undefined;
}

/** What `tokens` of `model` cost in micro-dollars (0 without a price), rounded to a whole micro-dollar. */
export function costMicros(prices: Prices, model: string | null | undefined, tokens: number): number {
  const price = priceOf(prices, model);
  return price === undefined ? 0 : Math.round(tokens * price);
}

/** Micro-dollars as a reader wants them: "$0.00003", "$0.0042", "$1.23", "$1,234.50". */
export function formatUsd(micros: number | bigint): string {
  const dollars = Number(micros) / 1_000_000;
  if (dollars !== 0 && Math.abs(dollars) < 0.01) return `$${Number(dollars.toPrecision(2))}`;
  return `$${dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
