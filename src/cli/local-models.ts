import cliProgress from 'cli-progress';
import { downloadNotice, ensureLocalModel, formatBytes, type DownloadProgress } from '../llm/index.ts';
import { writeLine, type CliIo } from './io.ts';

/**
 * Downloads a Hub model into the cache unless it is there, with a notice and a progress bar on stderr (Ctrl-C stops
 * it; the next run resumes); returns its path. The operations take it as their `download`.
 */
export async function downloadWithProgress(modelId: string, io: CliIo): Promise<string> {
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => controller.abort(new Error('download stopped (Ctrl-C); run the command again to resume')));
  const progress = progressReporter(io);
  try {
    return await ensureLocalModel(modelId, {
      env: io.env, cwd: io.cwd, signal: controller.signal,
      onDownloadStart: (info) => writeLine(io.stderr, downloadNotice(info)),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
    removeInterrupt();
  }
}

/** A progress bar on a terminal; elsewhere a line every 10%, so logs stay short. */
function progressReporter(io: CliIo): { update: (progress: DownloadProgress) => void; stop: () => void } {
  const stderr = io.stderr as NodeJS.WriteStream;
  if (stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream: stderr,
      format: 'downloading [{bar}] {percentage}% | {got} of {size} | {speed} | eta {eta_formatted}',
      hideCursor: true,
      fps: 5,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    const startedAt = Date.now();
    let firstBytes = 0;
    return {
      update(progress) {
        const total = progress.total ?? progress.received;
        if (!started) { bar.start(total, progress.received, {}); started = true; firstBytes = progress.received; }
        const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
        bar.setTotal(total);
        bar.update(progress.received, {
          got: formatBytes(progress.received), size: formatBytes(total), speed: `${formatBytes((progress.received - firstBytes) / seconds)}/s`,
        });
      },
      stop() { if (started) bar.stop(); },
    };
  }
  let lastTenth = -1;
  return {
    update(progress) {
      if (!progress.total) return;
      const tenth = Math.floor((progress.received / progress.total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      writeLine(io.stderr, `downloading: ${tenth * 10}% (${formatBytes(progress.received)} of ${formatBytes(progress.total)})`);
    },
    stop() {},
  };
}
