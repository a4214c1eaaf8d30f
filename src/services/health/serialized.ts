/**
 * Runs tally updates one after another within this function instance. A tally is read, changed and
 * written back; two updates of the same tally at once (status sync reacts to several issues at a time)
 * would lose one. Across invocations the weekly rebuild corrects what a race may still lose.
 */
let tail: Promise<unknown> = Promise.resolve();

export function serialized<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(work, work);
  tail = run.catch(() => undefined);
  return run;
}
