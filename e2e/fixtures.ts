/**
 * The `test` and `expect` every spec imports (instead of @playwright/test's): a test fails when a
 * page of its browser context logs a console error or throws an uncaught error that the test did
 * not declare with expectConsoleError. A clean console is part of what a user gets: a hydration
 * mismatch, a missing resource or a script the CSP refused all show up there first.
 *
 * A declared error must also appear, so a declaration cannot outlive the behaviour it was written for,
 * unless it is declared `optional`: an error that a race in the test may or may not produce.
 */
import { test as base, type BrowserContext, type ConsoleMessage, type Page } from "@playwright/test";

export { expect } from "@playwright/test";

interface Expectation {
  pattern: RegExp;
  optional: boolean;
  seen: boolean;
}

export interface ExpectationOptions {
  /** The error may not come (a race decides); the comment beside the call names the race. */
  optional?: boolean;
}

const expectations = new WeakMap<BrowserContext, Expectation[]>();

/**
 * Declares that this test makes `page` (any page of its context) log a console error or throw an
 * error matching `pattern`, which is tried on the message followed by the URL it came from in
 * brackets, e.g. "Failed to load resource: the server responded with a status of 404 (Not Found)
 * (http://localhost:3100/a/no-such-agent)". Keep the pattern narrow: name the status and the URL.
 */
export function expectConsoleError(
  page: Page,
  pattern: RegExp,
  { optional = false }: ExpectationOptions = {},
): void {
  const expected = expectations.get(page.context());
  if (!expected) {
    throw new Error("expectConsoleError: this page's test does not import test from e2e/fixtures");
  }
  const stateless = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
  expected.push({ pattern: stateless, optional, seen: false });
}

/**
 * Declares that this test loads `path` (a page or a resource of this origin) and gets HTTP `status`
 * on purpose, e.g. a 404 page or a 403 for a non-admin: Chromium logs every such answer as an error.
 */
export function expectFailedLoad(
  page: Page,
  status: number,
  path: string,
  options?: ExpectationOptions,
): void {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  expectConsoleError(
    page,
    new RegExp(
      `^Failed to load resource: the server responded with a status of ${status} \\(.*\\) \\(https?://[^/]+${escaped}\\)$`,
    ),
    options,
  );
}

/**
 * Waits until React has hydrated the page's `<main>` (React DOM marks every node it owns with a
 * `__reactFiber$…` property). Take a screenshot only after this: Playwright hides the caret by
 * writing `style="caret-color: transparent"` onto every input while it shoots, and a page that
 * hydrates meanwhile finds attributes the server never sent (a hydration warning in development).
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber$"));
  });
}

function describeConsole(message: ConsoleMessage): string {
  const { url } = message.location();
  return url ? `${message.text()} (${url})` : message.text();
}

function describeError(error: Error, page: Page | null): string {
  const where = page ? ` (${page.url()})` : "";
  return `${error.name}: ${error.message}${where}`;
}

export const test = base.extend<{ cleanConsole: void }>({
  cleanConsole: [
    async ({ context }, use) => {
      const expected: Expectation[] = [];
      const unexpected: string[] = [];
      expectations.set(context, expected);
      const check = (kind: string, text: string) => {
        const match = expected.find((e) => e.pattern.test(text));
        if (match) match.seen = true;
        else unexpected.push(`${kind}: ${text}`);
      };
      context.on("console", (message) => {
        if (message.type() === "error") check("console error", describeConsole(message));
      });
      context.on("weberror", (webError) =>
        check("page error", describeError(webError.error(), webError.page())),
      );

      await use();

      const problems = [
        ...unexpected,
        ...expected
          .filter((e) => !e.seen && !e.optional)
          .map((e) => `declared with expectConsoleError but never logged: ${e.pattern}`),
      ];
      if (problems.length > 0) {
        throw new Error(`The browser console was not clean:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
      }
    },
    { auto: true },
  ],
});
