import Link from "next/link";
import { signOutAction } from "@/app/(account)/signin/actions";
import { currentUser } from "@/lib/auth/session";

/** The header on every page: brand, navigation, and who is signed in. */
export async function SiteHeader() {
  const user = await currentUser();
  return (
    <header className="border-b border-line bg-surface">
      <nav
        aria-label="Main"
        className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6"
      >
        <Link href="/" className="font-semibold">
          Convos Agents
        </Link>
        {user ? <Link href="/agents">My agents</Link> : null}
        {user?.role === "admin" ? <Link href="/admin">Admin</Link> : null}
        <Link href="/privacy">Privacy</Link>
        <div className="ml-auto flex items-center gap-3 text-sm">
          {user ? (
            <>
              <span data-testid="signed-in-as" className="text-ink-muted">
                {user.email}
              </span>
              <form action={signOutAction}>
                <button type="submit" className="rounded-lg border border-line px-3 py-1">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <Link href="/signin" className="rounded-lg bg-accent px-3 py-1 text-accent-ink">
              Sign in
            </Link>
          )}
        </div>
      </nav>
    </header>
  );
}
