// drizzle-kit generates the PostgreSQL migrations in ./drizzle-postgres from src/db/schema.postgres.ts
// (`npm run db:generate:postgres`); the server applies them at start when AUTH_DATABASE_URL is a
// postgres:// URL.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.postgres.ts",
  out: "./drizzle-postgres",
});
