/**
 * The tools of one answer: their specs for the model, and running a round of
 * calls at most once each across restarts through the tool-call ledger
 * (lib/ledger/tool-calls.ts). A call that fails (unknown tool, arguments
 * that don't parse, a ToolError, an XMTP error) gives the model a line of
 * text instead: a runtime never crashes on a tool, and a call that merely
 * fails is not a crash (the answer goes on; lib/ledger/messages.ts counts
 * only the answers a crash or hang cut short).
 *
 * A call runs under a deadline (AGENT_TOOL_CALL_MS): a tool awaiting
 * something that never comes would otherwise hold the conversation's answers
 * for as long as the worker lives (a blocked thread is the watchdog's).
 *
 * A read (`none`) cut short by a crash is run again by the next run; a
 * `message` call is not (its effect may be in the chat). Once a tool that
 * reads the web has returned something, the answer's tools with an effect are
 * refused (a page or a snippet may tell the model to post, or to write), and
 * the links fetch_url may read grow with the search results
 * (lib/agents/tools/links.ts).
 */
import type { Logger } from "pino";
import { z } from "zod";
import { db } from "@/lib/db";
import { ToolError, type Tool, type ToolContext } from "@/lib/agents/tools";
import { LinkAllowance } from "@/lib/agents/tools/links";
import {
  finishToolCall,
  recordedToolCalls,
  recordToolRound,
  startToolCall,
  toolCallState,
  type ToolCallKey,
} from "@/lib/ledger/tool-calls";
import type { ToolCallRequest, ToolSpec } from "@/lib/llm";
import { cutText } from "@/lib/llm/budget";
import type { ToolSession } from "./contracts";

/** What the model reads for a call whose effect may have happened in a run that then stopped. */
export const INTERRUPTED =
  "This action was started before a restart and may already have happened: don't repeat it.";

/** What the model reads for a call with an effect after the answer read the web. */
export const AFTER_WEB =
  "Error: not run. This answer has read text from the web (a page or search results), which may carry instructions, so it can no longer send, post or change anything. Answer in text; the person can ask for the action in a new message.";

/** One call's result is cut to this many characters before it is recorded (fetch_url's pages are cut to it too). */
export const TOOL_RESULT_MAX_CHARS = 20_000;

/** Calls the model may make in one round; the rest are answered with an error, not run. */
export const MAX_CALLS_PER_ROUND = 8;

const specCache = new WeakMap<Tool, ToolSpec>();

/** The OpenAI function spec of a tool (its zod schema as JSON Schema). */
export function toolSpec(tool: Tool): ToolSpec {
  let spec = specCache.get(tool);
  if (!spec) {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.args) as Record<string, unknown>;
    void _ignored;
    spec = { type: "function", function: { name: tool.name, description: tool.description, parameters } };
    specCache.set(tool, spec);
  }
  return spec;
}

/** `work`, or a ToolError once it has taken `ms` (the work itself goes on, unwatched). */
function withinDeadline<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ToolError(`${name} took longer than ${ms / 1000} s and was stopped.`)),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const short = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300);

export function toolSession(o: {
  tools: Tool[];
  key: ToolCallKey;
  context: Omit<ToolContext, "tx" | "queued" | "links">;
  /** The longest one tool call may take (AGENT_TOOL_CALL_MS). */
  callMs: number;
  /** What people wrote that the model was shown (the message answered, members' history): its links may be read. */
  peopleWrote: string[];
  log: Logger;
  signal: AbortSignal;
}): ToolSession {
  const byName = new Map(o.tools.map((t) => [t.name, t]));
  let queued = false;
  /** Set once a tool that reads the web returned something in this answer. */
  let readWeb = false;
  const links = new LinkAllowance();
  for (const text of o.peopleWrote) links.addFrom(text);
  const context = { ...o.context, links, queued: () => void (queued = true) };

  /** Records a result for a call that never ran a side effect (bad call, unknown tool). */
  const answerWithout = async (position: number, text: string) => {
    if (await startToolCall(o.key, position)) await finishToolCall(o.key, position, text);
    return text;
  };

  /** `fresh`: the call was recorded just now, so it is known to be pending (one read saved per call). */
  const runOne = async (position: number, call: ToolCallRequest, fresh: boolean): Promise<string> => {
    const state = fresh ? null : await toolCallState(o.key, position);
    if (state?.status === "done" || state?.status === "failed") return state.result ?? "";
    const tool = byName.get(call.function.name);
    // A read cut short by a crash runs again; an effect that may have happened does not.
    const rerun = state?.status === "started" && tool?.effect === "none";
    if (state?.status === "started" && !rerun) return INTERRUPTED;
    if (!tool) return answerWithout(position, `Error: there is no tool named "${call.function.name}".`);
    if (readWeb && tool.effect !== "none") return answerWithout(position, AFTER_WEB);
    let raw: unknown;
    try {
      raw = JSON.parse(call.function.arguments || "{}");
    } catch {
      return answerWithout(position, "Error: the arguments were not valid JSON.");
    }
    const parsed = tool.args.safeParse(raw);
    if (!parsed.success)
      return answerWithout(
        position,
        `Error: invalid arguments: ${z.prettifyError(parsed.error).slice(0, 500)}`,
      );
    const run = (work: Promise<string>) => withinDeadline(work, o.callMs, tool.name);
    const failed = (error: unknown) => {
      if (error instanceof ToolError) return `Error: ${error.message}`;
      o.log.warn({ err: error, tool: tool.name }, "tool failed");
      return `Error: ${tool.name} failed (${short(error)}).`;
    };
    if (tool.effect === "database") {
      // The write and `pending → done` commit together: exactly once. A failure rolls both back.
      try {
        const result = await db.$transaction(async (tx) => {
          if (!(await startToolCall(o.key, position, tx))) return null;
          const text = cutText(await run(tool.run(parsed.data, { ...context, tx })), TOOL_RESULT_MAX_CHARS);
          await finishToolCall(o.key, position, text, tx);
          return text;
        });
        if (result !== null) return result;
        const now = await toolCallState(o.key, position);
        return now?.status === "done" ? (now.result ?? "") : INTERRUPTED;
      } catch (error) {
        return answerWithout(position, failed(error));
      }
    }
    if (!rerun && !(await startToolCall(o.key, position))) return INTERRUPTED; // another run got there first
    let text: string;
    try {
      text = cutText(await run(tool.run(parsed.data, { ...context, tx: db })), TOOL_RESULT_MAX_CHARS);
    } catch (error) {
      text = failed(error);
    }
    await finishToolCall(o.key, position, text);
    return text;
  };

  return {
    specs: o.tools.map(toolSpec),
    async publishQueued() {
      if (queued) await o.context.group.publishMessages();
      queued = false;
    },
    async recordedRounds() {
      const rounds = new Map<number, ToolCallRequest[]>();
      for (const c of await recordedToolCalls(o.key)) {
        const calls = rounds.get(c.round) ?? [];
        calls.push({ id: c.callId, type: "function", function: { name: c.name, arguments: c.arguments } });
        rounds.set(c.round, calls);
      }
      return [...rounds].sort(([a], [b]) => a - b).map(([round, calls]) => ({ round, calls }));
    },
    async runRound(round, firstPosition, calls) {
      const recorded = await recordToolRound(
        o.key,
        round,
        calls.map((c, i) => ({
          position: firstPosition + i,
          callId: c.id,
          name: c.function.name.slice(0, 100),
          arguments: c.function.arguments.slice(0, 20_000),
        })),
      );
      const results: string[] = [];
      for (const [i, call] of calls.entries()) {
        o.signal.throwIfAborted(); // stopping: the rest stay pending for the next run
        const text =
          i < MAX_CALLS_PER_ROUND
            ? await runOne(firstPosition + i, call, recorded === calls.length)
            : await answerWithout(
                firstPosition + i,
                `Error: at most ${MAX_CALLS_PER_ROUND} tool calls per round; this one was not run.`,
              );
        // Replayed results count too: a run after a crash is held to what the first one read.
        const tool = byName.get(call.function.name);
        const gotSome = !text.startsWith("Error:") && text !== INTERRUPTED;
        if (tool?.readsWeb && gotSome) readWeb = true;
        if (tool?.linksInResult && gotSome) links.addFrom(text);
        results.push(text);
      }
      return results;
    },
  };
}
