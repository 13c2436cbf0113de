// Training progress: a redrawn bar on a terminal, plain periodic lines elsewhere (CI logs,
// pipes, browsers' consoles).
import type { EpochLogs } from './callbacks';

type Out = { isTTY?: boolean; write(s: string): unknown; columns?: number };

/** Whether stdout is a terminal (fit prints progress by default only there). */
export function hasTerminal(): boolean {
  return !!(globalThis as { process?: { stdout?: Out } }).process?.stdout?.isTTY;
}

export class Progress {
  private readonly out: Out | null;
  private readonly tty: boolean;
  private lastLine = 0;

  constructor() {
    const p = (globalThis as { process?: { stdout?: Out } }).process;
    this.out = p?.stdout && typeof p.stdout.write === 'function' ? p.stdout : null;
    this.tty = !!this.out?.isTTY;
  }

  private print(line: string): void {
    if (this.out) this.out.write(line + '\n');
    else console.log(line);
  }

  update(epoch: number, epochs: number, step: number, steps: number, loss: number, acc: number, ips: number): void {
    const head = `epoch ${epoch + 1}/${epochs}`;
    const tail = `loss ${loss.toFixed(4)}  acc ${(acc * 100).toFixed(2)}%  ${Math.round(ips)} img/s`;
    if (this.tty && this.out) {
      const width = 30;
      const done = Math.round((step / steps) * width);
      this.out.write(`\r${head} [${'='.repeat(done)}${done < width ? '>' : ''}${' '.repeat(Math.max(0, width - done - 1))}] ${step}/${steps}  ${tail}\x1b[K`);
      return;
    }
    // Without a terminal: a line at each quarter of an epoch.
    const quarter = Math.floor((step * 4) / steps);
    if (quarter > this.lastLine && step < steps) {
      this.lastLine = quarter;
      this.print(`${head} step ${step}/${steps}  ${tail}`);
    }
  }

  epochEnd(l: EpochLogs, epochs: number): void {
    this.lastLine = 0;
    const parts = [`epoch ${l.epoch + 1}/${epochs}`, `loss ${l.loss.toFixed(4)}`];
    if (l.accuracy !== undefined) parts.push(`acc ${(l.accuracy * 100).toFixed(2)}%`);
    if (l.valLoss !== undefined) parts.push(`val_loss ${l.valLoss.toFixed(4)}`);
    if (l.valAccuracy !== undefined) parts.push(`val_acc ${(l.valAccuracy * 100).toFixed(2)}%`);
    parts.push(`lr ${l.lr.toPrecision(3)}`, `${l.seconds.toFixed(1)} s`, `${Math.round(l.imagesPerSecond)} img/s`);
    if (this.tty && this.out) this.out.write('\r\x1b[K');
    this.print(parts.join('  '));
  }
}
