// `npm run demo`: builds the web app, starts the auth-server, the MCP server and the web app with
// prefixed logs, waits until each answers, then says where to go next. Ctrl-C stops all three.
//
// Hand-written rather than `turbo run start` or `concurrently`: neither knows when a server is ready,
// and the point of this command is the moment it can say "ready" with the URLs a newcomer needs.
// package.json runs it as `node --import tsx`, not through the tsx CLI, whose signal relay kills a
// child with SIGKILL when it does not acknowledge a Ctrl-C within 30 ms: on a busy machine that was
// this script, halfway through stopping the servers.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules", ".bin");
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

// The settings file the apps read when started on their own (.env.example). Loaded once here, so
// the URLs below agree with the apps, and passed on to them in their environment.
if (existsSync(join(ROOT, ".env"))) process.loadEnvFile(join(ROOT, ".env"));

/** A setting as the apps see it: unset and empty both mean the default (.env.example). */
function setting(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : value;
}

const ISSUER = setting("ISSUER", "http://localhost:4000");
const MCP_RESOURCE = setting("MCP_RESOURCE", "http://localhost:4100/mcp");
const WEB_URL = setting("WEB_URL", "http://localhost:3000");

// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by this script, not by a turbo task.
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = (text: string) => paint(1, text);
const dim = (text: string) => paint(2, text);

interface Service {
  name: string;
  colour: number;
  cwd: string;
  command: string;
  args: string[];
  /** A URL that answers 2xx once the service can take requests. */
  healthUrl: string;
}

function hostnameOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
}

function portOf(url: string): string {
  const parsed = new URL(url);
  return parsed.port || (parsed.protocol === "https:" ? "443" : "80");
}

const SERVICES: Service[] = [
  {
    name: "auth-server",
    colour: 36,
    cwd: join(ROOT, "apps/auth-server"),
    command: process.execPath,
    args: ["--import", "tsx", "src/main.ts"],
    healthUrl: `${ISSUER}/health`,
  },
  {
    name: "mcp-server",
    colour: 35,
    cwd: join(ROOT, "apps/mcp-server"),
    command: process.execPath,
    args: ["--import", "tsx", "src/main.ts"],
    healthUrl: `${new URL(MCP_RESOURCE).origin}/health`,
  },
  {
    name: "web",
    colour: 33,
    cwd: join(ROOT, "apps/web"),
    command: join(BIN, "next"),
    // The web app's host and port follow WEB_URL, as the servers' follow ISSUER and MCP_RESOURCE
    // (Next would otherwise listen on every interface).
    args: ["start", "--hostname", hostnameOf(WEB_URL), "--port", portOf(WEB_URL)],
    healthUrl: `${WEB_URL}/login`,
  },
];

const NAME_WIDTH = Math.max(...SERVICES.map((service) => service.name.length));

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function prefixLines(service: Service, stream: NodeJS.ReadableStream): void {
  const label = paint(service.colour, `${service.name.padEnd(NAME_WIDTH)} │`);
  createInterface({ input: stream }).on("line", (line) => log(`${label} ${line}`));
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, env, stdio: "inherit" });
    child.on("error", () => resolveRun(1));
    child.on("exit", (code) => resolveRun(code ?? 1));
  });
}

const children = new Map<Service, ChildProcess>();
let stopping = false;

function start(service: Service): ChildProcess {
  const child = spawn(service.command, service.args, {
    cwd: service.cwd,
    env: {
      ...process.env,
      // `next start` runs a production build whatever NODE_ENV says, and warns about any other
      // value: the web app gets none (as without a .env), the servers get .env's.
      ...(service.name === "web" ? { NODE_ENV: undefined } : {}),
      // Piped output looks like a file to each app; tell them whether this terminal shows colour.
      ...(colour ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" }),
    },
    // A process group of its own: the terminal's Ctrl-C reaches only this script, which then stops
    // each group once (a server may run children of its own) instead of every process at once.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.stdout) prefixLines(service, child.stdout);
  if (child.stderr) prefixLines(service, child.stderr);
  child.on("exit", (code, signal) => {
    children.delete(service);
    if (!stopping) {
      log(
        `\n${service.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the others.`,
      );
      void stopAll(1);
    }
  });
  children.set(service, child);
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const running = [...children.values()];
    for (const child of running) signalGroup(child, "SIGTERM");
    const exited = Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolveExit) => {
            if (child.exitCode !== null || child.signalCode !== null) resolveExit();
            else child.once("exit", () => resolveExit());
          }),
      ),
    );
    const timer = setTimeout(() => {
      for (const child of running) signalGroup(child, "SIGKILL");
    }, STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    log(exitCode === 0 ? "Stopped all three services." : "Stopped.");
  }
  process.exit(exitCode);
}

async function answers(url: string): Promise<boolean> {
  // A timer of our own, not AbortSignal.timeout(): that one does not keep the process alive, and a
  // request whose socket another program drops may leave nothing else that does (seen in CI: Node
  // then exits with 13, "unsettled top-level await", instead of going on).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 2_000);
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: "manual" });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntilHealthy(service: Service, deadline: number): Promise<void> {
  while (!stopping) {
    if (await answers(service.healthUrl)) return;
    if (Date.now() > deadline) {
      log(
        `\n${service.name} did not answer ${service.healthUrl} within ${READY_TIMEOUT_MS / 1000} s.`,
      );
      return stopAll(1);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
}

function banner(seconds: number): string {
  const seeding = setting("SEED_DEMO_DATA", "true");
  const seeded = seeding !== "false" && seeding !== "0";
  const demoPassword = setting("DEMO_USER_PASSWORD", "demo-password");
  const analystPassword = setting("ANALYST_USER_PASSWORD", "analyst-password");
  // The demo client defaults to the standard URLs; moved servers must be named to it too (unless a
  // .env names them, which it reads as well).
  const moved = ISSUER !== "http://localhost:4000" || MCP_RESOURCE !== "http://localhost:4100/mcp";
  const clientPrefix =
    moved && !existsSync(join(ROOT, ".env"))
      ? `ISSUER=${ISSUER} MCP_RESOURCE=${MCP_RESOURCE} `
      : "";
  const lines = [
    "",
    bold(`Ready in ${seconds.toFixed(1)} s.`),
    "",
    `  Sign-in and consent    ${WEB_URL}`,
    `  Authorization server   ${ISSUER}`,
    `  MCP server             ${MCP_RESOURCE}`,
    "",
  ];
  if (seeded) {
    lines.push(
      `  Sign in as demo@example.com / ${demoPassword} (administrator)`,
      `          or analyst@example.com / ${analystPassword}`,
      "",
    );
  }
  lines.push(
    "  Next, in another terminal:",
    `    ${clientPrefix}npm run demo:client                            ${dim("# a person's flow: Discovery → Authorization → Access")}`,
    `    ${clientPrefix}npm run demo:client -- --client-credentials    ${dim("# the machine flow, as the seeded client demo-batch")}`,
    "",
    dim("  Ctrl-C stops all three."),
    "",
  );
  return lines.join("\n");
}

async function main(): Promise<void> {
  const started = performance.now();
  // `on`, not `once`: a second Ctrl-C while the services stop must not end this script before they
  // have stopped.
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  log(bold("Building the web app") + dim(" (next build; cached after the first run)"));
  const built = await run(
    join(BIN, "turbo"),
    ["run", "build", "--filter=@repo/web", "--output-logs=errors-only", "--log-prefix=none"],
    ROOT,
    // `next build` always builds for production, and refuses NODE_ENV=development (.env.example
    // sets it for the servers); the servers still get it below.
    { ...process.env, NODE_ENV: undefined },
  );
  if (built !== 0) {
    log("The web app did not build; see the errors above.");
    process.exit(1);
  }

  // A second copy would find the first one's servers answering and call itself ready.
  const answering = [];
  for (const service of SERVICES) if (await answers(service.healthUrl)) answering.push(service);
  if (answering.length > 0) {
    log(
      `Something already answers at ${answering.map((service) => service.healthUrl).join(", ")}: ` +
        "is another copy of the demo running? Stop it first, or move this one (ISSUER, " +
        "MCP_RESOURCE, WEB_URL).",
    );
    process.exit(1);
  }

  mkdirSync(join(ROOT, "data"), { recursive: true });
  log(bold("Starting the auth-server, the MCP server and the web app"));
  // The auth-server first: the others are of no use before it answers.
  const [authServer, ...others] = SERVICES as [Service, ...Service[]];
  const deadline = Date.now() + READY_TIMEOUT_MS;
  start(authServer);
  await waitUntilHealthy(authServer, deadline);
  for (const service of others) start(service);
  await Promise.all(others.map((service) => waitUntilHealthy(service, deadline)));
  if (!stopping) log(banner((performance.now() - started) / 1000));
}

await main();
