// A fresh PostgreSQL database per test file: created on the shared server, dropped afterwards, so
// tests on PostgreSQL start as empty as the SQLite tests' `:memory:` and never see each other's rows.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { POSTGRES_TEST_URL } from "./services";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(
  prefix: string,
  serverUrl = POSTGRES_TEST_URL,
): Promise<TestDatabase> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `drop database if exists "${name}" with (force)`),
  };
}

/** One query on a test database, for tests that check what servers wrote (rows as plain objects). */
export async function queryTestDatabase(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
