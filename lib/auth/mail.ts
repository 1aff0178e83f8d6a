/**
 * Delivery of magic-link e-mails: over SMTP when SMTP_URL is set; in
 * development without SMTP, the link is written to the server log instead so
 * a developer can still sign in. Production without SMTP offers no e-mail sign-in.
 */
import { createTransport } from "nodemailer";
import { config } from "@/lib/config";

export function emailSignInAvailable(): boolean {
  return Boolean(config().SMTP_URL) || config().NODE_ENV !== "production";
}

export async function sendMagicLink({ identifier, url }: { identifier: string; url: string }): Promise<void> {
  const { SMTP_URL, EMAIL_FROM } = config();
  const host = new URL(url).host;
  if (!SMTP_URL) {
    console.info(`[auth] SMTP_URL is not set: magic link for ${identifier}: ${url}`);
    return;
  }
  const result = await createTransport(SMTP_URL).sendMail({
    to: identifier,
    from: EMAIL_FROM,
    subject: `Sign in to Convos Agents (${host})`,
    text: `Sign in to Convos Agents:\n${url}\n\nIf you did not ask for this, ignore this e-mail.\n`,
    html: `<p>Sign in to Convos Agents:</p><p><a href="${url}">Sign in</a></p><p>If you did not ask for this, ignore this e-mail.</p>`,
  });
  const failed = [...(result.rejected ?? []), ...(result.pending ?? [])];
  if (failed.length > 0) throw new Error(`E-mail to ${failed.join(", ")} could not be sent`);
}
