// drizzle-kit generates the PostgreSQL migrations in ./drizzle-postgres from src/db/schema.postgres.ts
// (`npm run db:generate`); the SQLite ones come from drizzle.config.ts.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.postgres.ts",
  out: "./drizzle-postgres",
});
