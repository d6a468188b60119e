// One MCP tool as this server defines it (MCP 2025-11-25 "Tools"): schemas, annotations and its work.
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { ToolName } from "@repo/scopes";
import type { z } from "zod";
import type { McpStore } from "../db/database";
import type { Caller } from "./caller";

export interface ToolContext {
  caller: Caller;
  /** This server's store; a tool hands its statements to `store.run` or `store.transaction`. */
  store: McpStore;
  now: Date;
}

/** What a tool returns: data matching its output schema, and one or two lines for people to read. */
export interface ToolAnswer<Output> {
  structuredContent: Output;
  summary: string;
}

/**
 * A refusal the caller can act on (an unknown ticker, a full watchlist). Its message goes back to the
 * client as a tool error (`isError: true`), so the model can correct its call; anything else a tool
 * throws is a bug and the client sees only that the call failed.
 */
export class ToolError extends Error {
  override readonly name = "ToolError";
}

/** MCP tool annotations, all four stated: a client must not have to guess a default. */
export interface ToolHints extends ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  /** Every tool here works on this server's own dataset and database: a closed world. */
  openWorldHint: false;
}

export interface ToolDefinition<Input extends z.ZodObject, Output extends z.ZodObject> {
  name: ToolName;
  title: string;
  /** What the tool does; the scope it needs is appended from the catalogue when it is listed. */
  description: string;
  inputSchema: Input;
  outputSchema: Output;
  annotations: ToolHints;
  run(
    input: z.output<Input>,
    context: ToolContext,
  ): ToolAnswer<z.input<Output>> | Promise<ToolAnswer<z.input<Output>>>;
}

/** A tool with its types erased, so tools of different shapes fit in one list. */
export interface Tool {
  name: ToolName;
  title: string;
  description: string;
  inputSchema: z.ZodObject;
  outputSchema: z.ZodObject;
  annotations: ToolHints;
  run(input: unknown, context: ToolContext): Promise<ToolAnswer<unknown>>;
}

export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): Tool {
  return {
    ...definition,
    // The SDK parses the arguments with this very inputSchema before the handler runs.
    run: async (input, context) => definition.run(input as z.output<Input>, context),
  };
}
