/**
 * The run command (`npm run dev`, `npm start`): the whole product on one
 * machine, see scripts/stack.ts for the parts and their order.
 *
 * This thin supervisor exists for Ctrl-C. A terminal sends SIGINT to its
 * whole foreground process group, which would reach the embedded PostgreSQL
 * (a plain child of the stack) at the same moment as everything else, so the
 * database would go down while the worker still releases its leases. The
 * stack therefore runs in its own process group, and this process hands it
 * one signal per Ctrl-C (tsx and npm relay the same Ctrl-C again: repeats
 * within a second are the same press). A second press makes the stack exit at once.
 */
import { spawn } from "node:child_process";

const stack = spawn(process.execPath, [...process.execArgv, "scripts/stack.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  detached: true,
});

let lastSignalAt = 0;
function forward(signal: NodeJS.Signals) {
  const now = Date.now();
  if (now - lastSignalAt < 1000) return;
  lastSignalAt = now;
  if (stack.pid) process.kill(stack.pid, signal);
}
process.on("SIGINT", forward);
process.on("SIGTERM", forward);
stack.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
