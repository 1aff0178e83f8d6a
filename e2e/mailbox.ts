/**
 * A real SMTP server on loopback (smtp-tester) that catches the magic-link
 * mails the e2e server sends, and a sign-in helper built on it.
 */
import { expect, type Page } from "@playwright/test";
import smtpTester, { type MailServer } from "smtp-tester";
import { query } from "./database";
import { E2E } from "./env";

let server: MailServer | undefined;

export function mailbox(): MailServer {
  server ??= smtpTester.init(E2E.smtpPort);
  return server;
}

export async function closeMailbox(): Promise<void> {
  if (!server) return;
  const s = server;
  server = undefined;
  await new Promise<void>((resolve) => s.stop(() => resolve()));
}

/**
 * Signs in through the real magic-link flow: form, e-mail over SMTP, link. The suite signs the same admin in
 * more often than the per-address mail limit allows in an hour, so each sign-in starts with the sign-in
 * mail counters cleared (e2e/security.spec.ts tests the limit itself).
 */
export async function signInByEmail(page: Page, email: string, callbackUrl = "/"): Promise<void> {
  await query(`DELETE FROM "RateLimitHit" WHERE bucket LIKE 'signin-mail:%'`);
  const mail = mailbox().captureOne(email, { wait: 20_000 });
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  const form = page.getByTestId("email-signin");
  await form.getByLabel("E-mail").fill(email);
  await form.getByRole("button", { name: "Send me a sign-in link" }).click();
  await expect(page.getByText("Check your e-mail")).toBeVisible();
  const { email: message } = await mail;
  const link = /https?:\/\/\S+\/api\/auth\/callback\/nodemailer\S+/.exec(message.body ?? "")?.[0];
  expect(link, "the mail carries a sign-in link").toBeTruthy();
  await page.goto(link!);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}
