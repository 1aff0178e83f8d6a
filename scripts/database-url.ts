/** The same server's URL with another database name (for per-test databases, templates and shadows). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
