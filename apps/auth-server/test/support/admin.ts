// Calling the admin and connected-apps routes as the web app does: its token, plus the Acting-User header.
import { scopesForAudience } from "@repo/scopes";
import { expect } from "vitest";
import { listAuditEvents } from "../../src/store/audit";
import { findUserByEmail, findUserById } from "../../src/store/users";
import { ANALYST_USER, DEMO_USER, internalApiToken } from "./authorization";
import { type JsonBody, json, type TestAuthServer } from "./test-server";

export const ALL_INTERNAL_SCOPES = scopesForAudience("internal");

/** A web-app token with every internal scope but `without` (for insufficient_scope tests). */
export function webToken(server: TestAuthServer, without?: string): Promise<string> {
  return internalApiToken(
    server,
    ALL_INTERNAL_SCOPES.filter((scope) => scope !== without).join(" "),
  );
}

const tokens = new WeakMap<object, Promise<string>>();
function sharedWebToken(server: TestAuthServer): Promise<string> {
  let token = tokens.get(server.instance);
  if (!token) {
    token = webToken(server);
    tokens.set(server.instance, token);
  }
  return token;
}

export async function userIdOf(server: TestAuthServer, email: string): Promise<string> {
  const user = await server.instance.server.store.run((x) => findUserByEmail(x, email));
  if (!user) throw new Error(`no user ${email}`);
  return user.id;
}

export const adminId = (server: TestAuthServer) => userIdOf(server, DEMO_USER.email);
export const analystId = (server: TestAuthServer) => userIdOf(server, ANALYST_USER.email);

export interface InternalCall {
  method?: "GET" | "POST" | "DELETE";
  body?: unknown;
  token?: string;
  /** The Acting-User header; defaults to the demo admin, null sends none. */
  actor?: string | null;
  /** The Acting-User-Session-Epoch header; defaults to the actor's current epoch, null sends none. */
  epoch?: number | null;
}

export async function callInternal(
  server: TestAuthServer,
  path: string,
  call: InternalCall = {},
): Promise<Response> {
  const token = call.token ?? (await sharedWebToken(server));
  const actor = call.actor === undefined ? await adminId(server) : call.actor;
  const epoch =
    call.epoch !== undefined || actor === null
      ? call.epoch
      : (await server.instance.server.store.run((x) => findUserById(x, actor)))?.sessionEpoch;
  return fetch(server.url(`/internal${path}`), {
    method: call.method ?? (call.body === undefined ? "GET" : "POST"),
    headers: {
      Authorization: `Bearer ${token}`,
      ...(actor === null ? {} : { "Acting-User": actor }),
      ...(epoch === null || epoch === undefined
        ? {}
        : { "Acting-User-Session-Epoch": String(epoch) }),
      ...(call.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
}

/** An admin call that must succeed with `status`; returns the JSON body. */
export async function admin(
  server: TestAuthServer,
  path: string,
  call: InternalCall = {},
  status = 200,
): Promise<JsonBody> {
  const response = await callInternal(server, `/admin${path}`, call);
  const body = await json(response);
  expect({ status: response.status, body }).toMatchObject({ status });
  return body;
}

/** The newest audit row of `event`, which must name `actorUserId` as the one who acted. */
export async function expectAuditedBy(server: TestAuthServer, event: string, actorUserId: string) {
  const [row] = await server.instance.server.store.run((x) =>
    listAuditEvents(x, { event: event as never, limit: 1 }),
  );
  expect(row, `an audit row for ${event}`).toBeDefined();
  expect(row?.actorUserId).toBe(actorUserId);
  return row;
}
