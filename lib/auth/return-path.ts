/** Only same-site paths may follow a sign-in: anything else (other hosts, `//x`, `javascript:`) becomes "/". */
export function safeReturnPath(value: string | undefined | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}
