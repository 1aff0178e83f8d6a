import Link from "next/link";

/** The header on every page: brand, navigation, and who is signed in. */
export async function SiteHeader() {
  return (
    <header className="border-b border-line bg-surface">
      <nav aria-label="Main" className="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3 sm:px-6">
        <Link href="/" className="font-semibold">
          Convos Agents
        </Link>
      </nav>
    </header>
  );
}
