/**
 * Where a sign-in may send the browser back to: a path on this site, nothing else.
 *
 * Browsers are lenient in ways that turn a "path" into another host: they drop tabs and newlines
 * (`/\t/evil.com` is `//evil.com`), read `\` as `/` (`/\evil.com`), and a value that is decoded once
 * more on its way (`/%2F%2Fevil.com`, `/%5Cevil.com`) becomes one of those. So a value is accepted only
 * when it, and every percent-decoding of it, starts with exactly one `/`, holds no backslash or control
 * character, and resolves to our own origin.
 */
const FALLBACK = "/";
const PROBE_ORIGIN = "https://return-path.invalid";
const MAX_LENGTH = 2048;
const MAX_DECODINGS = 3;

function looksSafe(value: string): boolean {
  if (!value.startsWith("/") || value.startsWith("//")) return false;
  // Browsers drop tabs and newlines and read `\` as `/`; no path of ours holds control characters either.
  if (/[\\\u0000-\u001f\u007f-\u009f]/.test(value)) return false;
  return new URL(value, PROBE_ORIGIN).origin === PROBE_ORIGIN;
}

/** `value` when it is a same-origin relative path (also after percent-decoding), otherwise "/". */
export function safeReturnPath(value: string | undefined | null): string {
  if (!value || value.length > MAX_LENGTH) return FALLBACK;
  let current = value;
  for (let i = 0; i <= MAX_DECODINGS; i++) {
    if (!looksSafe(current)) return FALLBACK;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return FALLBACK; // malformed escapes: not something we wrote
    }
    if (decoded === current) return value;
    current = decoded;
  }
  return FALLBACK; // encoded more deeply than any link of ours
}
