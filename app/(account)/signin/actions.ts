"use server";
/** Sign-in and sign-out actions. Auth.js answers a successful sign-in with a redirect, which must propagate. */
import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth";
import { signInOptions } from "@/lib/auth/options";
import { safeReturnPath } from "@/lib/auth/return-path";

export type SignInState = { error?: string };

const emailForm = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email("Enter a valid e-mail address.")
    .max(254, "That e-mail is too long."),
  callbackUrl: z.string().optional(),
});

async function signInWith(provider: "nodemailer" | "dev", form: FormData): Promise<SignInState> {
  const parsed = emailForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Enter a valid e-mail address." };
  const options = signInOptions(await headers());
  if (provider === "dev" && !options.dev) {
    return { error: "The development sign-in is not enabled here (it answers this machine only)." };
  }
  if (provider === "nodemailer" && !options.email) return { error: "E-mail sign-in is not configured here." };
  try {
    await signIn(provider, { email: parsed.data.email, redirectTo: safeReturnPath(parsed.data.callbackUrl) });
  } catch (error) {
    if (error instanceof AuthError) return { error: "Sign-in failed. Please try again." };
    throw error; // the redirect
  }
  return {};
}

export async function signInWithEmail(_state: SignInState, form: FormData) {
  return signInWith("nodemailer", form);
}

export async function signInWithDev(_state: SignInState, form: FormData) {
  return signInWith("dev", form);
}

export async function signInWithOAuth(form: FormData) {
  const provider = form.get("provider");
  if (provider !== "github" && provider !== "google") return;
  await signIn(provider, { redirectTo: safeReturnPath(String(form.get("callbackUrl") ?? "")) });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}
