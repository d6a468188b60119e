// The ceiling for the token-endpoint rows of `npm run bench`: the least a server can do to answer a
// client-credentials request with a persisted record, on the same stack as ours (Hono on
// @hono/node-server, jose ES256, better-sqlite3 with WAL). It checks one Basic credential, signs an
// RFC 9068-shaped JWT and inserts one audit row, and nothing else: no client lookup, no scope rules,
// no limits, no request log. What ours costs above it is the price of those.
//
// Settings from the environment: PORT (loopback), DATABASE_PATH, ISSUER, RESOURCE, CLIENT_ID,
// CLIENT_SECRET.
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

const port = Number(process.env.PORT);
const { DATABASE_PATH, ISSUER, RESOURCE, CLIENT_ID, CLIENT_SECRET } = process.env;
if (!Number.isInteger(port) || !DATABASE_PATH || !ISSUER || !RESOURCE || !CLIENT_ID) {
  console.error("PORT, DATABASE_PATH, ISSUER, RESOURCE, CLIENT_ID and CLIENT_SECRET");
  process.exit(2);
}
const expectedAuthorization = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;

const database = new Database(DATABASE_PATH);
database.pragma("journal_mode = WAL");
database.pragma("synchronous = NORMAL");
database.exec(
  "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, client_id TEXT NOT NULL, jti TEXT NOT NULL)",
);
const insertAudit = database.prepare("INSERT INTO audit (at, client_id, jti) VALUES (?, ?, ?)");

const { privateKey, publicKey } = await generateKeyPair("ES256");
const kid = (await exportJWK(publicKey)).x?.slice(0, 16) ?? "ceiling";

const app = new Hono();
app.post("/token", async (c) => {
  if (c.req.header("authorization") !== expectedAuthorization) {
    return c.json({ error: "invalid_client" }, 401);
  }
  const form = await c.req.parseBody();
  if (form.grant_type !== "client_credentials" || form.resource !== RESOURCE) {
    return c.json({ error: "invalid_request" }, 400);
  }
  const scope = typeof form.scope === "string" ? form.scope : "";
  const jti = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await new SignJWT({ client_id: CLIENT_ID, scope })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
    .setIssuer(ISSUER)
    .setSubject(CLIENT_ID)
    .setAudience(RESOURCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .setJti(jti)
    .sign(privateKey);
  insertAudit.run(Date.now(), CLIENT_ID, jti);
  c.header("Cache-Control", "no-store");
  return c.json({ access_token: accessToken, token_type: "Bearer", expires_in: 600, scope });
});

serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => {
  console.log(`token-ceiling: listening on http://127.0.0.1:${port}/token`);
});
process.once("SIGTERM", () => process.exit(0));
