import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkRecordFiles, type FileReport, type RecordChecker } from '../core/workspace/check';
import type { ReviewFileSystem } from '../core/review/fileSystem';
import * as nodePath from 'node:path';
import { fileSystemWith, nodeFileSystem } from '../node/fileSystem';
import type { FoundRecord } from '../core/review/recordTemplate';
import { openReview, type Review } from '../core/review/review';
import { usePrecompiledSchema } from '../core/schema/schema';
import { readFileSync } from 'node:fs';

const ROLE = 'study-extract:check-records';
/** Below this many records, starting threads costs more than it saves. */
const MIN_RECORDS_FOR_THREADS = 300;
/** Records handed out at a time: small enough to share the end of the work, large enough to be cheap. */
const BATCH = 40;

interface WorkerInput {
  role: typeof ROLE;
  root: string;
  /** The extraction schema's text and its validator compiled by the main thread, to load instead of compiling. */
  schema?: { text: string; code: string };
}

/** The main thread's compiled extraction schema, for threads to load (when its text can be read again). */
function compiledSchemaOf(review: Review): WorkerInput['schema'] {
  if (!review.usesReviewSchema) return undefined;
  const code = review.schema.validatorCode();
  if (code === undefined) return undefined;
  try {
    const text = readFileSync(nodePath.join(review.root, review.schemaPath), 'utf8').replace(/^\uFEFF/, '');
    return { text, code };
  } catch {
    return undefined;
  }
}

/** A batch, with the bytes of records already read (so that what was hashed is what is checked). */
type ToWorker = { batch: FoundRecord[]; texts: [string, Uint8Array][] } | { stop: true };
type FromWorker = { ready: true } | { reports: FileReport[] };

/**
 * Checks records on worker threads as well as the main thread: parsing YAML is the bulk of a large
 * review's check, and it parallelizes perfectly. Records are handed out in batches as each thread is free,
 * so the main thread starts at once and a thread still starting up (loading the bundle, compiling the
 * schema) takes a share only from when it is ready. The reports come back in the records' order.
 */
export function parallelRecordChecker(
  script: string,
  options: { threads?: number; texts?: ReadonlyMap<string, Uint8Array> } = {},
): RecordChecker {
  const threads = options.threads ?? Math.min(availableParallelism(), 4);
  const texts = options.texts ?? new Map<string, Uint8Array>();
  const fs: ReviewFileSystem = texts.size > 0 ? fileSystemWith(texts) : nodeFileSystem;
  return async (review, records) => {
    if (threads < 2 || records.length < MIN_RECORDS_FOR_THREADS) return checkRecordFiles(review, records, fs);
    const reports: FileReport[][] = [];
    let next = 0;
    const take = (): { at: number; batch: FoundRecord[] } | undefined => {
      if (next >= records.length) return undefined;
      const at = next;
      next = Math.min(records.length, next + BATCH);
      return { at, batch: records.slice(at, next) };
    };
    /** Batches of a thread that stopped before reporting them: the main thread checks them instead. */
    const lost: { at: number; batch: FoundRecord[] }[] = [];
    const schema = compiledSchemaOf(review);
    const workers = Array.from(
      { length: threads - 1 },
      () =>
        new Promise<void>((resolve) => {
          const input: WorkerInput = { role: ROLE, root: review.root, schema };
          const worker = new Worker(script, { workerData: input });
          let current: { at: number; batch: FoundRecord[] } | undefined;
          const give = () => {
            current = take();
            const message: ToWorker = current
              ? {
                  batch: current.batch,
                  texts: current.batch.flatMap((record): [string, Uint8Array][] => {
                    const full = nodePath.join(review.root, record.path);
                    const bytes = texts.get(full);
                    return bytes ? [[full, bytes]] : [];
                  }),
                }
              : { stop: true };
            worker.postMessage(message);
          };
          worker.on('message', (message: FromWorker) => {
            if ('reports' in message && current) reports[current.at] = message.reports;
            give();
          });
          // An error is followed by `exit`; whatever the thread held is checked again.
          worker.on('error', () => undefined);
          worker.once('exit', () => {
            if (current) lost.push(current);
            current = undefined;
            resolve();
          });
        }),
    );
    // The main thread checks batches too, letting the workers' messages in between.
    for (let work = take(); work; work = take()) {
      reports[work.at] = await checkRecordFiles(review, work.batch, fs);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(workers);
    for (const work of lost) reports[work.at] = await checkRecordFiles(review, work.batch, fs);
    return reports.flat();
  };
}

/** Whether this thread was started by `parallelRecordChecker` (then it only checks what it is given). */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as WorkerInput | undefined)?.role === ROLE;
}

export async function runCheckWorker(): Promise<void> {
  const input = workerData as WorkerInput;
  if (input.schema) usePrecompiledSchema(input.schema.text, input.schema.code);
  const review = await openReview(input.root, nodeFileSystem);
  const port = parentPort!;
  port.on('message', (message: ToWorker) => {
    if ('stop' in message) {
      port.close();
      return;
    }
    const fs = message.texts.length > 0 ? fileSystemWith(new Map(message.texts)) : nodeFileSystem;
    void checkRecordFiles(review, message.batch, fs).then((reports) =>
      port.postMessage({ reports } satisfies FromWorker),
    );
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}
