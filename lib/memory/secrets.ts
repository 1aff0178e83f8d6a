/**
 * What memory refuses to keep: text that looks like a password, a payment
 * card number (13–19 digits passing the Luhn check, spaces or dashes allowed),
 * a one-time code (a 4–8 digit number named as a code, OTP, PIN or
 * verification), or a key (API tokens, private keys). Checked by pattern
 * before anything is stored, so a secret never reaches the database; the
 * patterns lean towards refusing, since a refused fact can be said again
 * without the secret.
 */

export type SecretKind = "password" | "card number" | "one-time code" | "key";

const PASSWORD = /\b(pass(word|wd|phrase)|pwd)s?\b/i;
const ONE_TIME_CODE =
  /\b(otp|one[- ]?time|verification|verify|2fa|mfa|two[- ]factor|auth(entication)?|login|sign[- ]?in|security|confirmation|sms|pin|code)\b[^\n]{0,40}?\b\d{4,8}\b/i;
const KEY =
  /(-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(sk|pk|rk|ghp|gho|github_pat|xox[abpr])[-_][A-Za-z0-9_-]{16,}|\b(api[- ]?keys?|access tokens?|secret keys?|seed phrases?|recovery phrases?)\b)/i;
const CARD_CANDIDATE = /\d(?:[ -]?\d){12,18}/g;

/** True when `digits` (only digits) passes the Luhn check, as every payment card number does. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function hasCardNumber(text: string): boolean {
  for (const m of text.matchAll(CARD_CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/** The kind of secret `text` looks like, or undefined when it may be kept. */
export function secretIn(text: string): SecretKind | undefined {
  if (PASSWORD.test(text)) return "password";
  if (hasCardNumber(text)) return "card number";
  if (ONE_TIME_CODE.test(text)) return "one-time code";
  if (KEY.test(text)) return "key";
  return undefined;
}

/** The one line said instead of keeping a secret. */
export const refusalLine = (kind: SecretKind) =>
  `I don't keep passwords, card numbers, one-time codes or keys, so I won't remember that (it looks like a ${kind}).`;
