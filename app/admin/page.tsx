import type { Metadata } from "next";
import Link from "next/link";
import { AgentControls, PoolControls } from "./admin-forms";
import { TokenCaps } from "./token-caps";
import { budgetState, PAUSED_LABEL } from "@/lib/agents/budget-state";
import { config } from "@/lib/config";
import { PoolCharts } from "./pool-charts";
import { DrainButton } from "./drain-button";
import { AttestationAge } from "./attestation-age";
import { XmtpReachability } from "./xmtp-reachability";
import { ProviderUsageTotals } from "./provider-usage";
import { agentCounts, listAgentsForAdmin } from "@/lib/agents/queries";
import { requireAdmin } from "@/lib/auth/session";
import { AgentStatus } from "@/lib/generated/prisma/enums";
import { claimLatency, identityCounts, recentFailures, workersHealth } from "@/lib/pool/health";
import { getPoolSettings } from "@/lib/pool/settings";
import { supervisionHealth } from "@/lib/supervision/queries";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

const HOUR = 3_600_000;

type Search = Promise<Record<string, string | string[] | undefined>>;

function one(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

function ms(v: number | null): string {
  return v === null ? "–" : `${Math.round(v)} ms`;
}

function megabytes(bytes: number | null): string {
  return bytes === null ? "–" : `${Math.round(bytes / (1024 * 1024))} MB`;
}

function age(msAgo: number): string {
  return msAgo < 60_000 ? `${Math.round(msAgo / 1000)} s ago` : `${Math.round(msAgo / 60_000)} min ago`;
}

/** Pool health for admins (checked on the server): counts, target, workers, latency, failures, agents. */
export default async function AdminPage({ searchParams }: { searchParams: Search }) {
  await requireAdmin("/admin");
  const params = await searchParams;
  const q = one(params.q).slice(0, 100);
  const statusParam = one(params.status);
  const status = (Object.values(AgentStatus) as string[]).includes(statusParam)
    ? (statusParam as AgentStatus)
    : undefined;
  const [counts, agentsByStatus, settings, workers, hour, day, failures, agents] = await Promise.all([
    identityCounts(),
    agentCounts(),
    getPoolSettings(),
    workersHealth(),
    claimLatency(HOUR),
    claimLatency(24 * HOUR),
    recentFailures(20),
    listAgentsForAdmin({ q, status }),
  ]);
  const supervision = await supervisionHealth(workers.filter((w) => w.up).length);
  const defaultCap = config().LLM_TOKEN_CAP_PER_AGENT;
  const card = "rounded-card border border-line bg-surface p-5";
  const heading = "mb-3 text-sm font-semibold uppercase tracking-wide text-ink-muted";
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Pool health</h1>
        <Link href="/admin/templates" className="text-accent underline">
          Templates
        </Link>
      </div>

      <section aria-labelledby="counts-title" className={card}>
        <h2 id="counts-title" className={heading}>
          Identities per status
        </h2>
        <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-7" data-testid="identity-counts">
          {Object.entries(counts).map(([name, n]) => (
            <div key={name} className="rounded-lg border border-line p-3">
              <dt className="text-sm text-ink-muted">{name}</dt>
              <dd className="text-xl font-semibold" data-testid={`count-${name}`}>
                {n}
              </dd>
            </div>
          ))}
        </dl>
        <p className="mt-3 text-sm text-ink-muted">
          Agents:{" "}
          {Object.entries(agentsByStatus)
            .map(([name, n]) => `${n} ${name}`)
            .join(" · ")}
        </p>
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="target-title" className={card}>
          <h2 id="target-title" className={heading}>
            Warm pool target
          </h2>
          <p className="mb-3 text-sm">
            Target idle: <strong data-testid="target-idle">{settings.targetIdle}</strong> (the worker creates
            identities up to it)
          </p>
          <PoolControls targetIdle={settings.targetIdle} />
        </section>

        <section aria-labelledby="latency-title" className={card}>
          <h2 id="latency-title" className={heading}>
            Claim latency
          </h2>
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-ink-muted">
                <th scope="col">Window</th>
                <th scope="col">Claims</th>
                <th scope="col">p50</th>
                <th scope="col">p95</th>
              </tr>
            </thead>
            <tbody>
              {[
                ["Last hour", hour],
                ["Last day", day],
              ].map(([label, l]) => {
                const s = l as typeof hour;
                return (
                  <tr key={label as string}>
                    <th scope="row" className="text-left font-normal">
                      {label as string}
                    </th>
                    <td>{s.count}</td>
                    <td>{ms(s.p50)}</td>
                    <td>{ms(s.p95)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      </div>

      <TokenCaps card={card} heading={heading} />

      <PoolCharts card={card} heading={heading} />

      <ProviderUsageTotals card={card} heading={heading} />

      <section aria-labelledby="workers-title" className={card}>
        <h2 id="workers-title" className={heading}>
          Workers
        </h2>
        <p className="mb-3 text-sm" data-testid="worker-state">
          Worker:{" "}
          <strong className={supervision.worker === "up" ? "" : "text-danger"}>{supervision.worker}</strong> ·
          restarts in the last day: {supervision.restartsLastDay.worker} worker,{" "}
          {supervision.restartsLastDay["xmtp-node"]} local XMTP node
        </p>
        <AttestationAge />
        <XmtpReachability />
        {workers.length === 0 ? (
          <p className="text-sm text-danger">No worker has ever started: nothing refills the pool.</p>
        ) : (
          <table className="w-full text-sm" data-testid="workers">
            <thead>
              <tr className="text-left text-ink-muted">
                <th scope="col">Worker</th>
                <th scope="col">Host · pid</th>
                <th scope="col">Heartbeat</th>
                <th scope="col">Agents</th>
                <th scope="col">Leases</th>
                <th scope="col">Memory (RSS)</th>
                <th scope="col">Drain</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id}>
                  <td className="font-mono">{w.id.slice(0, 12)}</td>
                  <td>
                    {w.host} · {w.pid}
                  </td>
                  <td className={w.up ? "" : "text-danger"}>
                    {w.stopped ? "stopped" : age(w.heartbeatAgeMs)}
                  </td>
                  <td>{w.agents}</td>
                  <td>{w.leases}</td>
                  <td>{megabytes(w.rssBytes)}</td>
                  <td>
                    {w.stopped ? null : (
                      <span className="flex items-center gap-2">
                        {w.draining ? <span data-testid="worker-draining">draining</span> : null}
                        <DrainButton workerId={w.id} draining={w.draining} />
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="failures-title" className={card}>
        <h2 id="failures-title" className={heading}>
          Recent failures
        </h2>
        {failures.length === 0 ? (
          <p className="text-sm text-ink-muted">No failures recorded.</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm">
            {failures.map((f) => (
              <li key={String(f.id)} className="break-words">
                <time dateTime={f.createdAt.toISOString()} className="font-mono text-ink-muted">
                  {f.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                </time>{" "}
                <span className="text-danger">{f.error}</span>
                {f.agentId ? <span className="text-ink-muted"> · agent {f.agentId}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="agents-title" className={card}>
        <h2 id="agents-title" className={heading}>
          Agents
        </h2>
        <form method="get" className="mb-3 flex flex-wrap items-end gap-2" role="search">
          <label className="flex flex-col gap-1 text-sm font-medium">
            Search
            <input
              name="q"
              defaultValue={q}
              placeholder="name, id or owner e-mail"
              className="rounded-lg border border-line bg-canvas px-2 py-1.5"
            />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Status
            <select
              name="status"
              defaultValue={status ?? ""}
              className="rounded-lg border border-line bg-canvas px-2 py-1.5"
            >
              <option value="">any</option>
              {Object.values(AgentStatus).map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="rounded-lg bg-accent px-3 py-1.5 text-sm font-medium text-accent-ink"
          >
            Filter
          </button>
        </form>
        {agents.length === 0 ? (
          <p className="text-sm text-ink-muted">No agents match.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="agents-table">
              <thead>
                <tr className="text-left text-ink-muted">
                  <th scope="col">Agent</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Status</th>
                  <th scope="col">Messages</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {agents.map((a) => (
                  <tr key={a.id} className="border-t border-line align-top">
                    <td className="py-2">
                      {a.name}
                      <div className="font-mono text-xs text-ink-muted">{a.id}</div>
                    </td>
                    <td className="py-2">{a.owner?.email ?? "API"}</td>
                    <td className="py-2">
                      {a.status}
                      {a.failureReason ? <div className="text-xs text-danger">{a.failureReason}</div> : null}
                      {a.status !== "stopped" && budgetState(a, defaultCap).paused ? (
                        <div className="text-xs text-danger" data-testid="admin-paused">
                          {PAUSED_LABEL}
                        </div>
                      ) : null}
                    </td>
                    <td className="py-2">
                      {a.messagesIn} in · {a.messagesOut} out
                    </td>
                    <td className="py-2">
                      <AgentControls agentId={a.id} status={a.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
