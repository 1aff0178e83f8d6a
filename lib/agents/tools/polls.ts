/** `poll`: the agent posts a numbered question; members vote by replying with a number or reacting 1️⃣..🔟. */
import { z } from "zod";
import { attachPollMessage, closePoll, createPoll, PollError, pollResults } from "@/lib/polls/mutations";
import { MAX_POLL_OPTIONS, pollText } from "@/lib/polls/votes";
import { defineTool, ToolError } from "./types";

const args = z.object({
  action: z.enum(["create", "results", "close"]).describe("create a poll, show results, or close it"),
  question: z.string().max(500).optional().describe("For create: the question"),
  options: z
    .array(z.string().max(200))
    .max(MAX_POLL_OPTIONS)
    .optional()
    .describe("For create: 2 to 10 options"),
  poll: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("For results/close: the poll's number; omit for the latest"),
});

export const pollsTool = defineTool({
  name: "poll",
  label: "Polls",
  summary:
    "Runs polls: posts a numbered question, counts one vote per member, gives results and closes them.",
  description:
    "Run a poll in this conversation. create posts the question with numbered options (members vote by replying with a number or reacting 1️⃣..🔟; one vote each, the last counts). results gives the tally; close ends it and gives the final tally.",
  args,
  // Posting the question is a message; results and close are reads and an idempotent write.
  effect: "message",
  async run({ action, question, options, poll }, ctx) {
    const scope = { agentId: ctx.agentId, conversationId: ctx.conversationId };
    try {
      switch (action) {
        case "create": {
          if (!question?.trim()) throw new ToolError("create needs the question");
          const created = await createPoll(scope, question, options ?? []);
          const messageId = await ctx.conversation.send(pollText(created.question, created.options));
          await attachPollMessage(created.id, messageId);
          return "Poll posted (do not repeat it in your answer).";
        }
        case "results":
          return await pollResults(scope, ctx.nameOf, poll);
        case "close":
          return await closePoll(scope, ctx.nameOf, poll);
      }
    } catch (error) {
      if (error instanceof PollError) throw new ToolError(error.message);
      throw error;
    }
  },
});
