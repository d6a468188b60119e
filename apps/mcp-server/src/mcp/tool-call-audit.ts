// The tool-call audit: one row per tools/call, whatever answered it: every access decision is recorded.
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { ToolCallOutcome } from "../db/schema";
import type { ToolCallMessage } from "../http/json-rpc";
import type { ToolCallEntry } from "../store/tool-calls";
import type { Caller } from "../tools/caller";

interface PendingCall {
  tool: string;
  receivedAt: Date;
  startedAt: number;
}

function toolNameOf(message: JSONRPCMessage): string | undefined {
  if (!isJSONRPCRequest(message) || message.method !== "tools/call") return undefined;
  const name = message.params?.name;
  return typeof name === "string" ? name : "(no tool name)";
}

function errorTextOf(result: Record<string, unknown>): string | undefined {
  const [first] = Array.isArray(result.content) ? result.content : [];
  return typeof first?.text === "string" ? first.text : undefined;
}

/**
 * Watches one request's transport: a tools/call is timed from the message reaching the server to
 * its response leaving it, so calls refused before a tool ran (an unknown tool or malformed params,
 * answered by `answerToolCallProtocolErrors`; arguments that fail the input schema) or after (output
 * that fails the output schema) are recorded like those a tool answered.
 * The tools say which of their refusals were authorization decisions (`markDenied`).
 */
export class ToolCallAudit {
  readonly #pending = new Map<RequestId, PendingCall>();
  readonly #delivered = new Set<RequestId>();
  readonly #denials = new Map<RequestId, string>();
  /** Each write's failure, caught as it happens (a rejection nobody awaits yet would crash Node). */
  readonly #writes: Promise<{ error: unknown } | undefined>[] = [];
  #failure: { error: unknown } | undefined;

  constructor(
    private readonly caller: Caller,
    private readonly record: (entry: ToolCallEntry) => Promise<void>,
    private readonly clock: () => Date,
  ) {}

  /**
   * A tool could not reach the database. Its answer must not reach the client as if the call had
   * been handled: `settle` throws this, and the endpoint answers 503 instead.
   */
  markFailed(error: unknown): void {
    this.#failure ??= { error };
  }

  /**
   * Waits for every audit row of the request to be written. Throws when one could not be, or a tool
   * failed on the database: a tool call whose audit row is missing is never answered as a success.
   */
  async settle(): Promise<void> {
    const failures = await Promise.all(this.#writes);
    const failure = this.#failure ?? failures.find((result) => result !== undefined);
    if (failure !== undefined) throw failure.error;
  }

  #write(entry: ToolCallEntry): void {
    this.#writes.push(
      this.record(entry).then(
        () => undefined,
        (error: unknown) => ({ error }),
      ),
    );
  }

  /** The tool refused the call for lack of authority (a scope, or a person behind the token). */
  markDenied(requestId: RequestId, reason: string): void {
    this.#denials.set(requestId, reason);
  }

  /** Call once the MCP server is connected to the transport (connecting sets its callbacks). */
  observe(transport: Transport): void {
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const tool = toolNameOf(message);
      if (tool !== undefined && isJSONRPCRequest(message)) {
        this.#delivered.add(message.id);
        this.#pending.set(message.id, {
          tool,
          receivedAt: this.clock(),
          startedAt: performance.now(),
        });
      }
      deliver?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
        const id = message.id;
        if (id !== undefined) this.#completed(id, message);
      }
      return send(message, options);
    };
  }

  /**
   * The tool calls of a request the transport refused before delivering any message (an unsupported
   * MCP-Protocol-Version, a wrong media type, a message that is not JSON-RPC): refused calls too.
   */
  recordUndelivered(calls: readonly ToolCallMessage[], status: number): void {
    const now = this.clock();
    for (const call of calls) {
      if (call.id !== null && this.#delivered.has(call.id)) continue;
      this.#write({
        occurredAt: now,
        subject: this.caller.subject,
        clientId: this.caller.clientId,
        tool: call.name,
        scopes: this.caller.scope,
        outcome: "error",
        durationMs: 0,
        error:
          call.id === null
            ? "not a request (no id): nothing runs and nothing answers"
            : `the transport refused the request with HTTP ${status}`,
      });
    }
  }

  #completed(id: RequestId, response: JSONRPCMessage): void {
    const call = this.#pending.get(id);
    if (call === undefined) return;
    this.#pending.delete(id);
    const denial = this.#denials.get(id);
    let outcome: ToolCallOutcome = "success";
    let error: string | undefined;
    if (denial !== undefined) {
      outcome = "denied";
      error = denial;
    } else if (isJSONRPCErrorResponse(response)) {
      outcome = "error";
      error = response.error.message;
    } else if (isJSONRPCResultResponse(response) && response.result.isError === true) {
      outcome = "error";
      error = errorTextOf(response.result);
    }
    this.#write({
      occurredAt: call.receivedAt,
      subject: this.caller.subject,
      clientId: this.caller.clientId,
      tool: call.tool,
      scopes: this.caller.scope,
      outcome,
      durationMs: performance.now() - call.startedAt,
      error: error ?? null,
    });
  }
}
