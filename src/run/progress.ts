import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { RunProgress } from './local-runner.ts';

export interface ProgressReporter {
  update(progress: RunProgress): void;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: Writable & { isTTY?: boolean; columns?: number };
  label: string;
  /** Seconds between plain progress lines when not on a TTY (default 5). */
  plainEverySeconds?: number;
  now?: () => number;
}

/** A progress bar on a terminal, plain `label: done/total` lines otherwise (logs, CI). */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  return options.stream.isTTY ? barReporter(options) : plainReporter(options);
}

function barReporter(options: ProgressOptions): ProgressReporter {
  const bar = new cliProgress.SingleBar({
    stream: options.stream as NodeJS.WriteStream,
    format: `${options.label} [{bar}] {value}/{total} | failed {failed} | running {running} | {duration_formatted} elapsed, eta {eta_formatted}`,
    hideCursor: true,
    etaBuffer: 50,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      const payload = { failed: p.failed, running: p.running };
      if (!started) {
        bar.start(p.total, p.done + p.failed, payload);
        started = true;
      } else {
        bar.update(p.done + p.failed, payload);
      }
    },
    log(line) {
      if (started) (bar as unknown as { terminal: { clearLine(): void; cursorTo(x: number): void } }).terminal.clearLine();
      options.stream.write(`\r${line}\n`);
      if (started) bar.render();
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function plainReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const every = (options.plainEverySeconds ?? 5) * 1000;
  const start = now();
  let lastAt = 0;
  let lastFinished = -1;
  let last: RunProgress | undefined;
  const print = (p: RunProgress) => {
    const finished = p.done + p.failed;
    const seconds = ((now() - start) / 1000).toFixed(1);
    options.stream.write(`${options.label}: ${finished}/${p.total} (${p.done} done, ${p.failed} failed) ${seconds}s\n`);
    lastAt = now();
    lastFinished = finished;
  };
  return {
    update(p) {
      last = p;
      const finished = p.done + p.failed;
      // The first line, the last one, and at most one every few seconds between.
      if (lastFinished === -1 || (finished === p.total && finished !== lastFinished) || (finished !== lastFinished && now() - lastAt >= every)) print(p);
    },
    log(line) {
      options.stream.write(`${line}\n`);
    },
    stop() {
      if (last && last.done + last.failed !== lastFinished) print(last);
    },
  };
}
