"use server";
/** My agents' actions: stopping an agent, managing its operators and allowlist (owner only, checked here). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { stopAgent } from "@/lib/agents/mutations";
import {
  allowInbox,
  cancelOperatorCode,
  createOperatorCode,
  denyInbox,
  removeOperator,
} from "@/lib/agents/operators";
import { closeGuestChats } from "@/lib/chat/guest";

const stopAction = action(z.object({ agentId: z.string().min(1).max(64) }), async ({ agentId }, user) => {
  await stopAgent(agentId, { ownerId: user.id, actor: user.id });
  await closeGuestChats(agentId);
  revalidatePath("/agents");
  revalidatePath(`/agents/${agentId}`);
  return { agentId };
});

/** Stops one of the user's agents: its status becomes `stopped` and the worker leaves its conversations. */
export async function stopMyAgent(_state: ActionResult<{ agentId: string }> | null, form: FormData) {
  return stopAction(form);
}

const agentIdField = z.string().min(1).max(64);
const inboxIdField = z.string().trim().min(1, "Enter an inbox id.").max(200);

const removeOperatorAction = action(
  z.object({ agentId: agentIdField, inboxId: inboxIdField }),
  async (input, user) => {
    await removeOperator(input.agentId, user.id, input.inboxId);
    revalidatePath(`/agents/${input.agentId}`);
    return { message: "Operator removed." };
  },
);

const operatorCodeAction = action(
  z.object({ agentId: agentIdField, op: z.enum(["create", "cancel"]) }),
  async (input, user) => {
    if (input.op === "create") await createOperatorCode(input.agentId, user.id);
    else await cancelOperatorCode(input.agentId, user.id);
    revalidatePath(`/agents/${input.agentId}`);
    return { message: input.op === "create" ? "New operator code ready." : "Operator code withdrawn." };
  },
);

const allowlistAction = action(
  z.object({ agentId: agentIdField, inboxId: inboxIdField, op: z.enum(["allow", "deny"]) }),
  async (input, user) => {
    if (input.op === "allow") await allowInbox(input.agentId, input.inboxId, user.id);
    else await denyInbox(input.agentId, input.inboxId, user.id);
    revalidatePath(`/agents/${input.agentId}`);
    return { message: input.op === "allow" ? "Added to the allowlist." : "Taken off the allowlist." };
  },
);

export type OperatorActionState = ActionResult<{ message: string }> | null;

/** The owner removes one of the agent's operators (owner checked in lib/agents/operators.ts's statement). */
export async function removeMyAgentOperator(_state: OperatorActionState, form: FormData) {
  return removeOperatorAction(form);
}

/** The owner creates (or withdraws) the agent's one-time operator code. */
export async function changeMyAgentOperatorCode(_state: OperatorActionState, form: FormData) {
  return operatorCodeAction(form);
}

/** The owner adds an inbox id to the agent's allowlist, or takes one off. */
export async function changeMyAgentAllowlist(_state: OperatorActionState, form: FormData) {
  return allowlistAction(form);
}
