// Helpers of the runtime runners: child processes, binaries, result records.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LOGITS_TOL, maxRelDiff } from './smoke.js';

/** Runs a command; resolves to { status, out } (stdout + stderr, ANSI colours removed). */
export function exec(cmd, args, { cwd, env, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n[killed after ${timeoutMs / 1000} s]`;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.on('error', (err) => (out += `\n${err}`));
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out: out.replace(/\x1b\[[0-9;]*m/g, '') });
    });
  });
}

/** Thrown by a runner when its runtime is not installed: the runtime is skipped, not failed. */
export class Skip extends Error {}

export function requireBinary(path, why) {
  if (!existsSync(path)) throw new Skip(`${path} not found (${why})`);
  return path;
}

export const pass = (name, extra) => ({ name, ok: true, ...extra });
export const failure = (name, error) => ({ name, ok: false, error: String(error) });

/** A result from a command's output that should end in a JSON line `{ "logits": [...] }`. */
export function logitsResult(name, { status, out }, fixture) {
  try {
    const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{"logits"'));
    if (!line) throw new Error(`exit ${status}, no logits printed:\n${out.slice(-3000)}`);
    const d = maxRelDiff(JSON.parse(line).logits, fixture.logits);
    if (!(d <= LOGITS_TOL)) throw new Error(`logits differ from Node's by ${d}`);
    return pass(name, { note: d === 0 ? "logits bit-identical to Node's" : `max rel. diff ${d}` });
  } catch (err) {
    return failure(name, err.message);
  }
}

/** The results a smoke-cli.mjs run printed as its last line. */
export function smokeResults(prefix, { status, out }) {
  const line = out.trim().split('\n').reverse().find((l) => l.startsWith('[{'));
  if (!line) return [failure(`${prefix}: smoke tests`, `exit ${status}, no results:\n${out.slice(-3000)}`)];
  return JSON.parse(line).map((r) => ({ ...r, name: `${prefix}: ${r.name}` }));
}

/**
 * The npm that runs us (`npm test` sets npm_execpath), not whatever `npm` comes first on
 * PATH: npm puts node_modules/.bin there, and a dependency of as-pect installs npm 6 in it,
 * which knows no --pack-destination. As [command, ...leading args].
 */
export function npmCommand() {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? [process.execPath, cli] : ['npm'];
}
