import type { Metadata } from "next";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requireAdmin("/admin");
  const counts = await db.identity.groupBy({ by: ["status"], _count: { _all: true } });
  return (
    <section aria-labelledby="admin-title" className="flex flex-col gap-4">
      <h1 id="admin-title" className="text-2xl font-semibold">
        Pool health
      </h1>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        {counts.length === 0 ? <p>No identities yet.</p> : null}
        {counts.map((c) => (
          <div key={c.status} className="rounded-card border border-line bg-surface p-3">
            <dt className="text-sm text-ink-muted">{c.status}</dt>
            <dd className="text-xl font-semibold">{c._count._all}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
