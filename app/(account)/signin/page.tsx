import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signInOptions } from "@/lib/auth/options";
import { currentUser } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/auth/return-path";
import { describeWait } from "@/lib/rate-limit";
import { signInWithDev, signInWithEmail, signInWithOAuth } from "./actions";
import { EmailForm } from "./email-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
  CredentialsSignin: "Sign-in failed. Check the e-mail address.",
  AccessDenied: "Access denied.",
  UnverifiedEmail:
    "That account's e-mail address is not verified with its provider. Verify it there, or sign in by e-mail.",
  OAuthRow:
    "This address belongs to an account made through GitHub or Google without a verified address. Sign in that way, or ask an admin.",
};

/** The message for `?error=`; TooManyMails says how long to wait (`wait`, in minutes). */
function errorMessage(error: string, wait: string | undefined): string {
  if (error === "TooManyMails") {
    const minutes = Number(wait);
    const when =
      Number.isInteger(minutes) && minutes > 0 && minutes <= 1440
        ? `in ${describeWait(minutes * 60_000)}`
        : "later";
    return `Too many sign-in e-mails were asked for this address or from this network. Try again ${when}.`;
  }
  return ERRORS[error] ?? "Sign-in failed. Please try again.";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; sent?: string; error?: string; wait?: string }>;
}) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const options = signInOptions(await headers());
  const error = params.error ? errorMessage(params.error, params.wait) : undefined;

  return (
    <section aria-labelledby="signin-title" className="mx-auto flex max-w-sm flex-col gap-6">
      <h1 id="signin-title" className="text-2xl font-semibold">
        Sign in
      </h1>
      {params.sent ? (
        <p role="status" className="rounded-card bg-success-soft p-4 text-success">
          Check your e-mail: we sent you a sign-in link.
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="rounded-card bg-danger-soft p-4 text-danger">
          {error}
        </p>
      ) : null}
      {options.email ? (
        <EmailForm
          action={signInWithEmail}
          callbackUrl={callbackUrl}
          label="E-mail"
          submitLabel="Send me a sign-in link"
          testId="email-signin"
        />
      ) : null}
      {options.github || options.google ? (
        <form action={signInWithOAuth} className="flex flex-col gap-2">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          {options.github ? (
            <button name="provider" value="github" className="rounded-lg border border-line px-4 py-2">
              Continue with GitHub
            </button>
          ) : null}
          {options.google ? (
            <button name="provider" value="google" className="rounded-lg border border-line px-4 py-2">
              Continue with Google
            </button>
          ) : null}
        </form>
      ) : null}
      {options.dev ? (
        <div className="rounded-card border border-dashed border-line p-4">
          <EmailForm
            action={signInWithDev}
            callbackUrl={callbackUrl}
            label="Development sign-in (no e-mail check)"
            submitLabel="Sign in for development"
            testId="dev-signin"
          />
          {options.devAdminEmails.length > 0 ? (
            <p className="mt-2 text-xs text-ink-muted" data-testid="dev-admins">
              Admins (ADMIN_EMAILS): {options.devAdminEmails.join(", ")}
            </p>
          ) : null}
        </div>
      ) : null}
      {!options.email && !options.github && !options.google && !options.dev ? (
        <p role="alert">No sign-in method is configured on this server.</p>
      ) : null}
    </section>
  );
}
