/**
 * The shape every entity's status module exports its state machine in (lib/agents/agent-status.ts,
 * lib/identities/identity-status.ts, lib/workers/worker-status.ts, lib/ledger/messages.ts,
 * lib/ledger/tool-calls.ts): one named transition per way a status may change, with the statuses it
 * may change from. `NEW` stands for a row that does not exist yet (an insert). lib/transitions.test.ts
 * holds each table to the list of allowed changes and checks that no other module writes a status.
 */

/** The "from" of a transition that inserts the row. */
export const NEW = "(new)";

export interface Transition<S extends string> {
  readonly from: readonly (S | typeof NEW)[];
  readonly to: S;
}

/** A status module's named transitions. */
export type TransitionTable<S extends string> = Readonly<Record<string, Transition<S>>>;

/** Every allowed change as "from → to", sorted: what lib/transitions.test.ts compares. */
export function allowedChanges<S extends string>(table: TransitionTable<S>): string[] {
  const changes = new Set<string>();
  for (const t of Object.values(table)) for (const from of t.from) changes.add(`${from} → ${t.to}`);
  return [...changes].sort();
}

/** Whether `status` is one of `set` (an exported status set), narrowing its type. */
export function isIn<S extends string>(set: readonly S[], status: string): status is S {
  return (set as readonly string[]).includes(status);
}
