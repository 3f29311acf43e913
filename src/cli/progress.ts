import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { RunProgress } from '../run/index.ts';

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

/** What a command shows while a run executes: a progress bar (or lines) on stderr, Ctrl-C to stop it. */
export interface RunFollower {
  /** Aborted by Ctrl-C once the run started. */
  signal: AbortSignal;
  /** The run is stored and about to execute: show its progress, and let Ctrl-C stop it. */
  onStart: (run: { id: string }) => void;
  onProgress: (progress: RunProgress) => void;
  /** A line on stderr that does not break the bar. */
  log: (line: string) => void;
  /** Removes the bar and the Ctrl-C handler. */
  stop: () => void;
}

/** Follows a run on the terminal: `run ID` progress and Ctrl-C, from the moment the run starts. */
export function followRun(io: { stderr: ProgressOptions['stream']; onInterrupt: (handler: () => void) => () => void }): RunFollower {
  const controller = new AbortController();
  let progress: ProgressReporter | undefined;
  let removeInterrupt: (() => void) | undefined;
  return {
    signal: controller.signal,
    onStart: (run) => {
      removeInterrupt = io.onInterrupt(() => controller.abort());
      progress = createProgressReporter({ stream: io.stderr, label: `run ${run.id}` });
    },
    onProgress: (update) => progress?.update(update),
    log: (line) => (progress ? progress.log(line) : io.stderr.write(`${line}\n`)),
    stop: () => {
      progress?.stop();
      removeInterrupt?.();
    },
  };
}
