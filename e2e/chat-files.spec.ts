/**
 * Files in the browser chat, on the real parts: the owner sends a photo from the page, it goes out
 * encrypted through the guest's XMTP client, comes back in the conversation, and the page shows it as an
 * image that the owner-only route decrypted, with strict headers; a signed-out request gets nothing.
 */
import { expect, test } from "./fixtures";
import { closeMailbox, signInByEmail } from "./mailbox";
import { waitForIdle } from "./pool";

test.afterAll(closeMailbox);

/** A real 2×2 PNG (red). */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVQImWM4ISd3Qk6OAUIBAB8mBBGFRCvEAAAAAElFTkSuQmCC",
  "base64",
);

test("browser chat: the owner sends a photo and sees it shown, decrypted only for them", async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(180_000);
  await waitForIdle(request);
  await signInByEmail(page, "photos@e2e.test", "/a/trip-planner");
  await page.getByRole("button", { name: "Launch agent" }).click();
  await expect(page.getByTestId("agent-status")).toHaveAttribute("data-status", "live", { timeout: 60_000 });
  await page.getByRole("link", { name: "See this agent on My agents" }).click();
  await expect(page.getByTestId("chat-connection")).toHaveAttribute("data-state", "open", {
    timeout: 60_000,
  });

  await page
    .getByLabel("Photo or file")
    .setInputFiles({ name: "red.png", mimeType: "image/png", buffer: PNG });
  await page.getByRole("button", { name: "Send" }).click();
  const image = page.getByTestId("chat-log").locator('li[data-from="me"] img[data-testid="chat-image"]');
  await expect(image).toBeVisible({ timeout: 30_000 });
  await expect(image).toHaveAttribute("alt", "red.png");
  const src = (await image.getAttribute("src"))!;
  const served = await page.request.get(src);
  expect(served.status(), await served.text()).toBe(200);
  expect(Buffer.from(await served.body())).toEqual(PNG);
  expect(served.headers()["content-type"]).toBe("image/png");
  expect(served.headers()["x-content-type-options"]).toBe("nosniff");
  expect(served.headers()["cache-control"]).toBe("private, no-store");
  expect(served.headers()["content-security-policy"]).toMatch(/^default-src 'none'/);
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);

  const stranger = await browser.newContext();
  expect((await stranger.request.get(new URL(src, page.url()).href)).status()).toBe(401);
  await stranger.close();
  await page.screenshot({ path: test.info().outputPath("browser-chat-photo.png"), fullPage: true });
});
