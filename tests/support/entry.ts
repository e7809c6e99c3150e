/**
 * The built `npm start` entry as a child process, for the suites that start it for real
 * (tests/integration/start-entry.test.ts, crash-start.test.ts): a free port, a spawn, a wait for
 * /healthz, a stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface Entry {
  url: string;
  child: ChildProcess;
  /** What the entry wrote so far (stdout and stderr). */
  output(): string;
  /** The answer of its first healthy /healthz. */
  health: unknown;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Spawns the built entry `main` (a path from the repo root) with `env` and PORT, and waits until /healthz answers 200. */
export async function startEntry(main: string, env: Record<string, string>, readyWithinMs: number): Promise<Entry> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the entry exited (${child.exitCode}): ${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return { url, child, output: () => out, health: await res.json() };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the entry did not become ready: ${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends `signal` and waits for the exit (at once when it is gone already). */
export function stopEntry(entry: Entry | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!entry || entry.child.exitCode !== null || entry.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    entry.child.once('exit', () => resolve());
    entry.child.kill(signal);
  });
}
