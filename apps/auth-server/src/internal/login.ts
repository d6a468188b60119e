// POST /internal/login: checks a person's email and password for the web app (docs/internal-api.md).
import { LoginRequest, type LoginResponse } from "@repo/contracts/internal-api";
import type { Context } from "hono";
import { LoginThrottle } from "../security/login-throttle";
import { hashPassword, verifyPassword } from "../security/passwords";
import type { AuthServer } from "../server-context";
import { audit } from "../store/audit";
import { findUserByEmail, normalizeEmail } from "../store/users";
import { InternalApiError, readJsonBody } from "./internal-error";

/** Five wrong passwords per email, or twenty per address, in fifteen minutes. */
const THROTTLE = { perEmail: 5, perAddress: 20, windowSeconds: 900 };

export function loginRoute(server: AuthServer) {
  const throttle = new LoginThrottle(THROTTLE, server.limits);
  // A real scrypt hash to check unknown emails against, so that they take as long as known ones and
  // the response time does not reveal which emails have accounts.
  const decoyHash = hashPassword("decoy password that matches nothing", server.passwordHashCost);

  return async (c: Context) => {
    const parsed = LoginRequest.safeParse(await readJsonBody(c));
    if (!parsed.success) {
      throw new InternalApiError("invalid_request", "email and password are required", 400);
    }
    const { password, clientAddress } = parsed.data;
    const email = normalizeEmail(parsed.data.email);
    const now = server.clock();

    const wait = await throttle.attempt(email, clientAddress);
    if (wait > 0) {
      await audit(
        server.store,
        {
          event: "user.login_failed",
          outcome: "failure",
          ipAddress: clientAddress,
          details: { email, reason: "throttled" },
        },
        now,
      );
      throw new InternalApiError(
        "too_many_attempts",
        "too many failed sign-ins; try again later",
        429,
        {
          "Retry-After": String(wait),
        },
      );
    }

    const user = await server.store.run((x) => findUserByEmail(x, email));
    const passwordMatches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !passwordMatches || user.disabledAt !== null) {
      await audit(
        server.store,
        {
          event: "user.login_failed",
          outcome: "failure",
          subject: user?.id,
          ipAddress: clientAddress,
          details: {
            email,
            reason: !user ? "unknown email" : !passwordMatches ? "wrong password" : "disabled user",
          },
        },
        now,
      );
      throw new InternalApiError("invalid_credentials", "the email or password is incorrect", 401);
    }

    await throttle.succeeded(email, clientAddress);
    await audit(
      server.store,
      { event: "user.login", outcome: "success", subject: user.id, ipAddress: clientAddress },
      now,
    );
    c.header("Cache-Control", "no-store");
    return c.json({
      user: {
        id: user.id,
        email: user.email,
        name: user.displayName,
        isAdmin: user.isAdmin,
        // The web app keeps it in the session and sends it with every call it makes for the person
        // (acting-user.ts): raising it ends every session signed in before.
        sessionEpoch: user.sessionEpoch,
      },
    } satisfies LoginResponse);
  };
}
