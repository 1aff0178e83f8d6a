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
import { DeadlineExceeded, withDeadline } from "@/lib/deadlines";
import type { RecordedRound, ToolSession } from "./contracts";
import { answerStep } from "@/lib/perf/answer-timeline";

/** What the model reads for a call whose effect may have happened in a run that then ended. */
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

const short = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300);

export interface ToolSessionOptions {
  tools: Tool[];
  key: ToolCallKey;
  /** The turn's first take: nothing is recorded under `key`, so `recordedRounds` need not read the ledger. */
  firstTake?: boolean;
  context: Omit<ToolContext, "tx" | "queued" | "links">;
  /** The longest one tool call may take (AGENT_TOOL_CALL_MS). */
  callMs: number;
  /** What people wrote that the model was shown (the message answered, members' history): its links may be read. */
  peopleWrote: string[];
  log: Logger;
  signal: AbortSignal;
}

/** The tools of one answer, keyed in the tool-call ledger by `o.key` (see the module comment). */
export function toolSession(o: ToolSessionOptions): ToolSession {
  return new AnswerTools(o);
}

/** A call the model asked for, checked: its tool and parsed arguments, or the error line it gets instead. */
type CheckedCall = { tool: Tool; args: unknown } | { error: string };

class AnswerTools implements ToolSession {
  readonly specs: ToolSpec[];
  readonly #o: ToolSessionOptions;
  readonly #byName: Map<string, Tool>;
  readonly #links = new LinkAllowance();
  readonly #context: Omit<ToolContext, "tx">;
  #queued = false;
  /** Set once a tool that reads the web returned something in this answer. */
  #readWeb = false;

  constructor(o: ToolSessionOptions) {
    this.#o = o;
    this.specs = o.tools.map(toolSpec);
    this.#byName = new Map(o.tools.map((t) => [t.name, t]));
    for (const text of o.peopleWrote) this.#links.addFrom(text);
    this.#context = { ...o.context, links: this.#links, queued: () => void (this.#queued = true) };
  }

  async publishQueued(): Promise<void> {
    if (this.#queued) await this.#o.context.conversation.publishQueued();
    this.#queued = false;
  }

  async recordedRounds(): Promise<RecordedRound[]> {
    if (this.#o.firstTake) return []; // one read saved per answer: a first take has nothing to replay
    const rounds = new Map<number, ToolCallRequest[]>();
    for (const c of await recordedToolCalls(this.#o.key)) {
      const calls = rounds.get(c.round) ?? [];
      calls.push({ id: c.callId, type: "function", function: { name: c.name, arguments: c.arguments } });
      rounds.set(c.round, calls);
    }
    return [...rounds].sort(([a], [b]) => a - b).map(([round, calls]) => ({ round, calls }));
  }

  async runRound(round: number, firstPosition: number, calls: ToolCallRequest[]): Promise<string[]> {
    const recorded = await recordToolRound(
      this.#o.key,
      round,
      calls.map((c, i) => ({
        position: firstPosition + i,
        callId: c.id,
        name: c.function.name.slice(0, 100),
        arguments: c.function.arguments.slice(0, 20_000),
      })),
    );
    answerStep("tool round recorded");
    const results: string[] = [];
    for (const [i, call] of calls.entries()) {
      this.#o.signal.throwIfAborted(); // shutting down: the rest stay pending for the next run
      const text =
        i < MAX_CALLS_PER_ROUND
          ? await this.#runOne(firstPosition + i, call, recorded === calls.length)
          : await this.#answerWithout(
              firstPosition + i,
              `Error: at most ${MAX_CALLS_PER_ROUND} tool calls per round; this one was not run.`,
            );
      // Replayed results count too: a run after a crash is held to what the first one read.
      const tool = this.#byName.get(call.function.name);
      const gotSome = !text.startsWith("Error:") && text !== INTERRUPTED;
      if (tool?.readsWeb && gotSome) this.#readWeb = true;
      if (tool?.linksInResult && gotSome) this.#links.addFrom(text);
      results.push(text);
    }
    return results;
  }

  /** Records a result for a call that never ran a side effect (bad call, unknown tool). */
  async #answerWithout(position: number, text: string): Promise<string> {
    if (await startToolCall(this.#o.key, position)) await finishToolCall(this.#o.key, position, text);
    return text;
  }

  /** `fresh`: the call was recorded just now, so it is known to be pending (one read saved per call). */
  async #runOne(position: number, call: ToolCallRequest, fresh: boolean): Promise<string> {
    const state = fresh ? null : await toolCallState(this.#o.key, position);
    if (state?.status === "done" || state?.status === "failed") return state.result ?? "";
    const tool = this.#byName.get(call.function.name);
    // A read cut short by a crash runs again; an effect that may have happened does not.
    const rerun = state?.status === "started" && tool?.effect === "none";
    if (state?.status === "started" && !rerun) return INTERRUPTED;
    const checked = this.#check(tool, call);
    if ("error" in checked) return this.#answerWithout(position, checked.error);
    if (checked.tool.effect === "database")
      return this.#runInTransaction(position, checked.tool, checked.args);
    if (!rerun && !(await startToolCall(this.#o.key, position))) return INTERRUPTED; // another run got there first
    answerStep("tool call started");
    let text: string;
    try {
      text = cutText(await this.#run(checked.tool, checked.args, db), TOOL_RESULT_MAX_CHARS);
    } catch (error) {
      text = this.#failed(checked.tool, error);
    }
    answerStep("tool ran");
    await finishToolCall(this.#o.key, position, text);
    answerStep("tool call finished");
    return text;
  }

  #check(tool: Tool | undefined, call: ToolCallRequest): CheckedCall {
    if (!tool) return { error: `Error: there is no tool named "${call.function.name}".` };
    if (this.#readWeb && tool.effect !== "none") return { error: AFTER_WEB };
    let raw: unknown;
    try {
      raw = JSON.parse(call.function.arguments || "{}");
    } catch {
      return { error: "Error: the arguments were not valid JSON." };
    }
    const parsed = tool.args.safeParse(raw);
    if (!parsed.success)
      return { error: `Error: invalid arguments: ${z.prettifyError(parsed.error).slice(0, 500)}` };
    return { tool, args: parsed.data };
  }

  /** A `database` tool: the write and `pending → done` commit together, exactly once; a failure rolls both back. */
  async #runInTransaction(position: number, tool: Tool, args: unknown): Promise<string> {
    const key = this.#o.key;
    try {
      const result = await db.$transaction(async (tx) => {
        if (!(await startToolCall(key, position, tx))) return null;
        const text = cutText(await this.#run(tool, args, tx), TOOL_RESULT_MAX_CHARS);
        await finishToolCall(key, position, text, tx);
        return text;
      });
      if (result !== null) return result;
      const now = await toolCallState(key, position);
      return now?.status === "done" ? (now.result ?? "") : INTERRUPTED;
    } catch (error) {
      return this.#answerWithout(position, this.#failed(tool, error));
    }
  }

  /** The tool's work, or a ToolError once it has taken callMs (the work itself goes on, unwatched). */
  async #run(tool: Tool, args: unknown, tx: ToolContext["tx"]): Promise<string> {
    const ms = this.#o.callMs;
    try {
      return await withDeadline(tool.run(args, { ...this.#context, tx }), ms, tool.name);
    } catch (error) {
      if (error instanceof DeadlineExceeded)
        throw new ToolError(`${tool.name} took longer than ${ms / 1000} s and was stopped.`);
      throw error;
    }
  }

  /** The line the model reads for a call that threw. */
  #failed(tool: Tool, error: unknown): string {
    if (error instanceof ToolError) return `Error: ${error.message}`;
    this.#o.log.warn({ err: error, tool: tool.name }, "tool failed");
    return `Error: ${tool.name} failed (${short(error)}).`;
  }
}
