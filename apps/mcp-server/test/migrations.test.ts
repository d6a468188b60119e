// The committed migrations of both engines are exactly what drizzle-kit generates from their schemas.
import { describeMigrations } from "@repo/server-kit/testing/migrations";
import { APP_ROOT } from "../src/db/database";

describeMigrations(APP_ROOT);
