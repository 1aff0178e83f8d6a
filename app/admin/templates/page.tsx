import type { Metadata } from "next";
import Link from "next/link";
import { TemplateEditor, TemplateRowControls } from "./template-forms";
import { allToolInfo } from "@/lib/agents/tools/info";
import { config } from "@/lib/config";
import { allowedModels } from "@/lib/llm/models";
import { requireAdmin } from "@/lib/auth/session";
import { listAllTemplates } from "@/lib/templates/mutations";

export const metadata: Metadata = { title: "Templates · Admin" };
export const dynamic = "force-dynamic";

/** Template admin (admins only, checked on the server): list with publish/feature/order, editor for new or `?edit=<id>`. */
export default async function AdminTemplatesPage({
  searchParams,
}: {
  searchParams: Promise<{ edit?: string }>;
}) {
  await requireAdmin("/admin/templates");
  const { edit } = await searchParams;
  const templates = await listAllTemplates();
  const editing = edit ? templates.find((t) => t.id === edit) : undefined;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Templates</h1>
        <Link href="/admin" className="text-accent underline">
          Pool health
        </Link>
      </div>
      <section aria-labelledby="editor-title" className="rounded-card border border-line bg-surface p-5">
        <h2 id="editor-title" className="mb-3 text-lg font-semibold">
          {editing ? `Edit ${editing.name}` : "New template"}
        </h2>
        {editing ? (
          <p className="mb-3 text-sm">
            <Link href="/admin/templates" className="text-accent underline">
              Create a new template instead
            </Link>
          </p>
        ) : null}
        <TemplateEditor
          key={editing?.id ?? "new"}
          template={editing}
          tools={allToolInfo()}
          models={allowedModels(config()).map((m) => m.name)}
        />
      </section>
      <section aria-labelledby="list-title" className="rounded-card border border-line bg-surface p-5">
        <h2 id="list-title" className="mb-3 text-lg font-semibold">
          All templates
        </h2>
        <ul className="flex flex-col divide-y divide-line" data-testid="templates-list">
          {templates.map((t) => (
            <li key={t.id} className="flex flex-col gap-2 py-3">
              <div className="flex flex-wrap items-baseline gap-2">
                <span className="font-medium">
                  {t.emoji} {t.name}
                </span>
                <span className="font-mono text-xs text-ink-muted">{t.slug}</span>
                <span className="text-xs text-ink-muted">
                  {t.category} · {t.published ? "published" : "draft"}
                  {t.featured ? " · featured" : ""}
                </span>
                <Link href={`/admin/templates?edit=${t.id}`} className="text-sm text-accent underline">
                  Edit
                </Link>
              </div>
              <TemplateRowControls template={t} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
