/**
 * The worker's retention pass (lib/retention/prune.ts): at start and then about
 * every `intervalMs` (jittered), deletes what is older than RETENTION_DAYS.
 * Several workers may prune at once: the deletes don't conflict. With per-agent OpenRouter keys on, each
 * pass also sweeps the account's keys (lib/providers/openrouter/sweep.ts): orphans are deleted, and what the
 * live agents' keys spent is counted. With an S3 store for the files agents send, the expired ones' objects
 * are deleted there first (lib/files/retention.ts). With e-mail on, the mail inboxes of stopped agents that a
 * stop failed to delete at AgentMail are deleted (lib/providers/agentmail/inboxes.ts).
 */
import type { Logger } from "pino";
import { pruneOlderThan } from "@/lib/retention/prune";
import { openRouterSettings } from "@/lib/providers/openrouter/settings";
import { sweepModelKeys } from "@/lib/providers/openrouter/sweep";
import { pruneStoredObjects } from "@/lib/files/retention";
import { fileSettings } from "@/lib/files/settings";
import { retireStoppedInboxesLogged } from "@/lib/providers/agentmail/inboxes";
import { agentMailSettings } from "@/lib/providers/agentmail/settings";
import type { WorkerSettings } from "./context";
import { repeat } from "./timers";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Starts pruning with the worker's settings; `close()` waits for a pass in progress. */
export function startRetention(o: { intervalMs: number; settings: WorkerSettings; log: Logger }) {
  const openRouter = openRouterSettings(o.settings);
  const mail = agentMailSettings(o.settings);
  // The store of the files agents send: expired objects are deleted there before their rows.
  const s3 = fileSettings(o.settings).s3;
  return repeat(
    o.intervalMs,
    async () => {
      const started = performance.now();
      const cutoff = new Date(Date.now() - o.settings.RETENTION_DAYS * DAY_MS);
      if (s3)
        await pruneStoredObjects(s3, cutoff).then(
          (objects) => o.log.info({ objects }, "stored files pruned"),
          (err: unknown) => o.log.warn({ err }, "pruning the stored files failed"),
        );
      const pruned = await pruneOlderThan(cutoff);
      o.log.info({ ...pruned, durationMs: Math.round(performance.now() - started) }, "retention pass");
      if (openRouter)
        await sweepModelKeys(openRouter).then(
          (swept) => o.log.info(swept, "model keys swept"),
          (err: unknown) => o.log.warn({ err }, "sweeping the model keys failed"),
        );
      if (mail) await retireStoppedInboxesLogged(mail, o.log);
    },
    (err) => o.log.warn({ err }, "retention pass failed"),
    { jitter: 0.2 },
  );
}
