// whoami (scope mcp:data:client-info:read): what this server sees of the caller's verified token.

import { TOOL_ACCESS, TOOL_NAMES } from "@repo/scopes";
import { z } from "zod";
import { mayCall } from "./catalogue";
import { defineTool } from "./tool";

export const whoamiTool = defineTool({
  name: "whoami",
  title: "Who am I",
  description:
    "Shows what this server knows about the current connection from its access token: the client, the person it acts for (if any), the granted scopes, when the token expires, and which tools those scopes open.",
  inputSchema: z.object({}),
  outputSchema: z.object({
    subject: z.string().describe("The person the token acts for, or the client itself"),
    clientId: z.string(),
    actsForUser: z.boolean().describe("False for a client-credentials token, which has no user"),
    scopes: z
      .array(z.string())
      .describe("The granted scopes this server honours: those in its scope catalogue"),
    ignoredScopes: z
      .array(z.string())
      .describe("Granted scopes outside the scope catalogue, which open nothing here"),
    issuer: z.string(),
    audience: z.array(z.string()),
    issuedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    expiresInSeconds: z.number().int(),
    tools: z.array(
      z.object({
        name: z.string(),
        scope: z.string(),
        allowed: z
          .boolean()
          .describe("Whether the token's scopes (and whether it has a user) allow the tool"),
      }),
    ),
  }),
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run: (_input, { caller, now }) => {
    const tools = TOOL_NAMES.map((name) => {
      const access = TOOL_ACCESS[name];
      return {
        name,
        scope: access.scope,
        allowed:
          mayCall(caller.scopes, name) && (access.actsFor === "anyone" || caller.actsForUser),
      };
    });
    const expiresInSeconds = Math.max(
      0,
      Math.floor((caller.expiresAt.getTime() - now.getTime()) / 1000),
    );
    const ignored =
      caller.ignoredScopes.length > 0
        ? `; ignored (not in the scope catalogue): ${caller.ignoredScopes.join(" ")}`
        : "";
    const who = caller.actsForUser
      ? `client ${caller.clientId} acting for ${caller.subject}`
      : `client ${caller.clientId} acting for itself (no user)`;
    return {
      structuredContent: {
        subject: caller.subject,
        clientId: caller.clientId,
        actsForUser: caller.actsForUser,
        scopes: [...caller.scopes],
        ignoredScopes: [...caller.ignoredScopes],
        issuer: caller.issuer,
        audience: [...caller.audience],
        issuedAt: caller.issuedAt.toISOString(),
        expiresAt: caller.expiresAt.toISOString(),
        expiresInSeconds,
        tools,
      },
      summary: `${who}; scopes: ${caller.scopes.join(" ") || "(none)"}${ignored}; token expires in ${expiresInSeconds} s.`,
    };
  },
});
