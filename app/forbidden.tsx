import Link from "next/link";

export default function Forbidden() {
  return (
    <section className="flex flex-col gap-3">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p>This page is for admins only.</p>
      <Link href="/" className="text-accent underline">
        Back to the catalog
      </Link>
    </section>
  );
}
