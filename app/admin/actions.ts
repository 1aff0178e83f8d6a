"use server";
/**
 * Admin actions (role checked in each, never only in the UI): the pool's
 * target of idle identities (set, replenish N = raise it by N, drain = 0) and
 * restart/kill of agents. The worker reads PoolSetting.targetIdle; nothing
 * else is coordinated with it.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { restartAgent, stopAgent } from "@/lib/agents/mutations";
import { closeGuestChats } from "@/lib/chat/guest";
import { getPoolSettings, updatePoolSettings } from "@/lib/pool/settings";
import { setMaxTokenCap, TOKEN_CAP_LIMIT } from "@/lib/agents/spend";

export type AdminState = ActionResult<{ message: string }> | null;

const MAX_TARGET = 1000;
const count = (what: string) =>
  z.coerce
    .number({ message: `${what} must be a number.` })
    .int(`${what} must be a whole number.`)
    .min(0, `${what} cannot be negative.`)
    .max(MAX_TARGET, `${what} can be at most ${MAX_TARGET}.`);

const poolAction = action(
  z.discriminatedUnion("op", [
    z.object({ op: z.literal("target"), targetIdle: count("Target idle") }),
    z.object({ op: z.literal("replenish"), n: count("The number to add").min(1, "Add at least 1.") }),
    z.object({ op: z.literal("drain") }),
  ]),
  async (input) => {
    const current = await getPoolSettings();
    const targetIdle =
      input.op === "target"
        ? input.targetIdle
        : input.op === "drain"
          ? 0
          : Math.min(MAX_TARGET, current.targetIdle + input.n);
    await updatePoolSettings({ targetIdle });
    revalidatePath("/admin");
    return { message: `Target idle is now ${targetIdle}.` };
  },
  { role: "admin" },
);

/** Changes the pool's target of idle identities (form field `op`: target | replenish | drain). */
export async function changePool(_state: AdminState, form: FormData): Promise<AdminState> {
  return poolAction(form);
}

const agentAction = action(
  z.object({ op: z.enum(["restart", "kill"]), agentId: z.string().min(1).max(64) }),
  async ({ op, agentId }, user) => {
    if (op === "kill") {
      await stopAgent(agentId, { ownerId: null, actor: `admin:${user.email}` });
      await closeGuestChats(agentId);
      revalidatePath("/admin");
      return { message: "Agent stopped." };
    }
    const status = await restartAgent(agentId, `admin:${user.email}`);
    revalidatePath("/admin");
    return { message: `Agent handed back to the worker as ${status}.` };
  },
  { role: "admin" },
);

/** Restarts (back to the worker) or kills (stopped) an agent. */
export async function changeAgent(_state: AdminState, form: FormData): Promise<AdminState> {
  return agentAction(form);
}

const maxCapAction = action(
  z.object({
    /** "" = back to the default cap (LLM_TOKEN_CAP_PER_AGENT). */
    maxTokenCap: z.union([
      z.literal("").transform(() => null),
      z.coerce
        .number({ message: "The highest cap must be a number of tokens." })
        .int("The highest cap must be a whole number of tokens.")
        .min(1, "The highest cap must be at least 1 token.")
        .max(TOKEN_CAP_LIMIT, `The highest cap can be at most ${TOKEN_CAP_LIMIT} tokens.`),
    ]),
  }),
  async ({ maxTokenCap }) => {
    await setMaxTokenCap(maxTokenCap);
    revalidatePath("/admin");
    return {
      message:
        maxTokenCap === null
          ? "Owners may now raise a cap up to the default cap."
          : `Owners may now raise a cap up to ${maxTokenCap} tokens.`,
    };
  },
  { role: "admin" },
);

/** Sets the highest token cap an owner may give an agent (empty: the default cap). */
export async function changeMaxTokenCap(_state: AdminState, form: FormData): Promise<AdminState> {
  return maxCapAction(form);
}
