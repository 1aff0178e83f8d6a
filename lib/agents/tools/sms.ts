/**
 * `sms`: texts a US number from the agent's own phone number (Telnyx, lib/providers/telnyx), found on first
 * use. Its effect is outside the conversation and can't be taken back, so it is a `message` effect: at most
 * once across restarts (lib/ledger/tool-calls.ts: a call cut short after it started is not run again, and
 * the model reads that it may have happened). The carriers' rules (the disclosure on first contact, STOP,
 * US numbers only, a rate per agent) are kept in lib/providers/telnyx/texts.ts.
 */
import { z } from "zod";
import { db } from "@/lib/db";
import { ProviderError } from "@/lib/providers/http";
import { NoNumberError } from "@/lib/providers/telnyx/numbers";
import { sendText, TextRefused } from "@/lib/providers/telnyx/texts";
import { asToolError } from "./as-tool-error";
import { defineTool, ToolError } from "./types";

export const NO_SMS = "SMS is not configured on this server";

export const smsTool = defineTool({
  name: "sms",
  label: "SMS",
  summary: "Texts someone's US phone number, e.g. to nudge a person who is away from the chat.",
  description:
    "Send a text message (SMS) to a US phone number someone in the conversation gave. Only when a person here asks for it. The first text to a number begins with a short disclosure naming you and who asked; people who replied STOP get no more texts. Replies come into this conversation.",
  args: z.object({
    to: z.string().min(1).max(40).describe("The US phone number, e.g. +1 415 555 0134"),
    text: z.string().min(1).max(1_000).describe("The text to send; keep it short"),
  }),
  effect: "message",
  unavailable: (settings) => (settings.telnyx ? undefined : NO_SMS),
  badgeOnlyWhenAvailable: true,
  async run({ to, text }, ctx) {
    const settings = ctx.settings.telnyx;
    if (!settings) throw new ToolError(NO_SMS);
    const agent = await db.agent.findUniqueOrThrow({ where: { id: ctx.agentId }, select: { name: true } });
    const request = {
      agentId: ctx.agentId,
      agentName: agent.name,
      askedBy: ctx.nameOf(ctx.message.senderInboxId),
      to,
      text,
    };
    try {
      return await asToolError(sendText(settings, request), TextRefused);
    } catch (error) {
      // The provider's own words are for the logs; the model reads ours.
      if (error instanceof NoNumberError) throw new ToolError(`Not sent: ${error.message}.`);
      if (error instanceof ProviderError)
        throw new ToolError(
          `Not sent: the SMS provider refused or did not answer (${providerStatus(error)}).`,
        );
      throw error;
    }
  },
});

const providerStatus = (e: ProviderError) => (e.status === 0 ? "no answer" : `HTTP ${e.status}`);
