// Baseline for the tool-call rows of `npm run bench`: the MCP SDK's own stateless Streamable HTTP
// server, as its documentation shows it (Express, a new McpServer and transport for every request, no
// session), with no authorization at all. Its one tool runs the same sentiment engine as our
// analyze_sentiment, so the two rows differ by everything around the engine, not by the work.
//
// Settings from the environment: PORT (loopback).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { analyzeSentiment } from "@repo/sentiment";
import express from "express";
import { z } from "zod";

const port = Number(process.env.PORT);
if (!Number.isInteger(port)) {
  console.error("PORT must be a port number");
  process.exit(2);
}

function newServer(): McpServer {
  const server = new McpServer({ name: "sdk-stateless-baseline", version: "1.0.0" });
  server.registerTool(
    "analyze_sentiment",
    {
      description: "Financial sentiment of a piece of text.",
      inputSchema: { text: z.string().min(1).max(10_000) },
    },
    async ({ text }) => {
      const result = analyzeSentiment(text);
      return {
        content: [{ type: "text", text: JSON.stringify(result) }],
        structuredContent: { label: result.label, score: result.score },
      };
    },
  );
  return server;
}

const app = express();
app.use(express.json());
app.post("/mcp", async (request, response) => {
  const server = newServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  response.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, request.body);
});

app.listen(port, "127.0.0.1", () => {
  console.log(`sdk-stateless: listening on http://127.0.0.1:${port}/mcp`);
});
process.once("SIGTERM", () => process.exit(0));
