// Which runtime this is, where the backend must know (Node reads file: URLs with node:fs and
// starts worker_threads; Deno and Bun also set process.versions.node but are not Node).
const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown; Bun?: unknown };

/** Node itself (not Deno or Bun, which imitate its process object). */
export const isNode = (): boolean => !!g.process?.versions?.node && !g.Deno && !g.Bun;
