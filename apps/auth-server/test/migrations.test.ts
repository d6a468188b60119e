// The committed migrations are exactly what drizzle-kit generates from each dialect's schema:
// drizzle/ from src/db/schema.ts (SQLite), drizzle-postgres/ from src/db/schema.postgres.ts.
import { describeMigrations } from "@repo/server-kit/testing/migrations";

describeMigrations(new URL("../", import.meta.url));
