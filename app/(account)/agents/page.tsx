import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "My agents" };
export const dynamic = "force-dynamic";

export default async function MyAgentsPage() {
  const user = await requireUser("/agents");
  const agents = await db.agent.findMany({
    where: { ownerId: user.id },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, status: true, template: { select: { name: true, emoji: true } } },
  });
  return (
    <section aria-labelledby="agents-title" className="flex flex-col gap-4">
      <h1 id="agents-title" className="text-2xl font-semibold">
        My agents
      </h1>
      {agents.length === 0 ? (
        <p className="text-ink-muted">You have no agents yet. Launch one from the catalog.</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {agents.map((a) => (
            <li key={a.id} className="rounded-card border border-line bg-surface p-4">
              {a.template?.emoji} {a.name} · {a.status}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
