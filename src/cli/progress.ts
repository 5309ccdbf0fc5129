// Progress bars on stderr (cli-progress): one for the whole job, one for the fold and phase in training. Only on a
// terminal: piped or redirected stderr gets no bars, so logs and test output stay clean.
import { MultiBar, type SingleBar } from "cli-progress";
import type { ProgressEvent } from "../sae/options.ts";

export interface Progress {
  /** A training run starts (a fold, or the final model): what it is, shown beside its bar. */
  start(label: string): void;
  /** An epoch of the current run ended. */
  epoch(event: ProgressEvent): void;
  /** Removes the bars. */
  stop(): void;
}

const SILENT: Progress = { start() {}, epoch() {}, stop() {} };

/** Bars for a job of `totalEpochs` epochs in all; silent when stderr is not a terminal. */
export function createProgress(totalEpochs: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return SILENT;
  // No SIGINT handler (gracefulExit) and so no hidden cursor to restore: a handler would defer Ctrl-C until the
  // synchronous training returns, where Node's default ends the process at once.
  const bars = new MultiBar({
    stream,
    hideCursor: false,
    clearOnComplete: true,
    barsize: 30,
    autopadding: true,
    gracefulExit: false,
  });
  const overall = bars.create(
    totalEpochs,
    0,
    { label: "all runs" },
    { format: "{bar} {percentage}% · ETA {eta_formatted} · {label}" },
  );
  let current: SingleBar | null = null;
  let label = "";
  let done = 0;
  let lastDraw = 0;
  let stopped = false;
  // Training runs synchronously, so MultiBar's redraw timer never fires while it trains: redraw from the
  // callbacks instead, at most ten times a second.
  const redraw = () => {
    const now = Date.now();
    if (now - lastDraw < 100) return;
    lastDraw = now;
    bars.update();
  };
  return {
    start(text) {
      label = text;
      current ??= bars.create(
        1,
        0,
        { label, phase: "", loss: "" },
        { format: "{bar} {value}/{total} epochs · {label}{phase}{loss}" },
      );
      current.start(1, 0, { label, phase: " · preparing", loss: "" });
      redraw();
    },
    epoch({ phase, epoch, epochs, loss, seed, fold }) {
      const where = fold === undefined ? "" : ` · seed ${seed} · fold ${fold}`;
      current?.setTotal(epochs);
      current?.update(epoch, {
        label: label + where,
        phase: ` · phase ${phase}`,
        loss: ` · loss ${loss.toFixed(4)}`,
      });
      overall.update(++done);
      redraw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bars.stop();
    },
  };
}

/** A bar counting `total` steps of a job that is not trained epoch by epoch (compare's rankings and panels). */
export interface StepProgress {
  /** A step starts: what it is, shown beside the bar; `done` steps are finished. */
  step(label: string, done: number): void;
  stop(): void;
}

/** One bar for `total` steps; silent when stderr is not a terminal. */
export function createStepProgress(total: number, stream: NodeJS.WriteStream = process.stderr): StepProgress {
  if (!stream.isTTY) return { step() {}, stop() {} };
  const bars = new MultiBar({ stream, hideCursor: false, clearOnComplete: true, barsize: 30, gracefulExit: false });
  const bar = bars.create(total, 0, { label: "" }, { format: "{bar} {value}/{total} · ETA {eta_formatted} · {label}" });
  let stopped = false;
  return {
    step(label, done) {
      bar.update(done, { label });
      bars.update();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bars.stop();
    },
  };
}
