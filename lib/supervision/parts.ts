/**
 * The parts the run command restarts when they die. The supervisor (scripts/stack.ts)
 * and the web app are different processes, so restarts are recorded in PostgreSQL
 * as events of kind `restart`, with `data.part` one of these names.
 */
export const RESTARTABLE_PARTS = ["worker", "xmtp-node"] as const;

export type RestartablePart = (typeof RESTARTABLE_PARTS)[number];

export type RestartCounts = Record<RestartablePart, number>;
