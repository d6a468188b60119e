// Entry point of `npm run demo:client`: parse the command line, run one flow, exit 0 or 1 with a one-line error.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCli, USAGE } from "./cli";
import { describeError } from "./errors";
import { runClientCredentialsFlow } from "./flows/client-credentials";
import { runUserFlow } from "./flows/user";
import { Trace, wantsColour } from "./trace";

// The repository's .env, as the servers read it (the same URLs); Node 20's --env-file-if-exists would
// say "not found" twice on every run without one.
const ENV_FILE = fileURLToPath(new URL("../../../.env", import.meta.url));

async function main(): Promise<void> {
  if (existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
  const options = parseCli(process.argv.slice(2), process.env);
  if (options.flow === "help") {
    console.log(USAGE);
    return;
  }
  const trace = new Trace((line) => process.stdout.write(`${line}\n`), {
    colour: wantsColour(process.stdout, process.env),
  });
  if (options.flow === "client-credentials") await runClientCredentialsFlow(options, trace);
  else await runUserFlow(options, trace);
}

main().then(
  // The SDK may leave an idle keep-alive socket behind; the run is over.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo-client: ${describeError(error)}\n`);
    if (process.env.DEMO_CLIENT_DEBUG) console.error(error);
    process.exit(1);
  },
);
