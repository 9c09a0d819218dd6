import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkRecordFiles, type FileReport, type RecordChecker } from '../core/workspace/check';
import { nodeFileSystem } from '../node/fileSystem';
import type { FoundRecord } from '../core/review/recordTemplate';
import { openReview } from '../core/review/review';

const ROLE = 'study-extract:check-records';
/** Below this many records, starting threads costs more than it saves. */
const MIN_RECORDS_FOR_THREADS = 300;

interface WorkerInput {
  role: typeof ROLE;
  root: string;
  records: FoundRecord[];
}

/**
 * Checks records on worker threads as well as the main thread: parsing YAML is the bulk of a large
 * review's check, and it parallelizes perfectly. Each thread opens the review (compiles the schema) once.
 */
export function parallelRecordChecker(
  script: string,
  threads = Math.min(availableParallelism(), 4),
): RecordChecker {
  return async (review, records) => {
    if (threads < 2 || records.length < MIN_RECORDS_FOR_THREADS)
      return checkRecordFiles(review, records, nodeFileSystem);
    const shards: FoundRecord[][] = Array.from({ length: threads }, () => []);
    records.forEach((record, i) => shards[i % threads]!.push(record));
    const [own, ...others] = shards;
    const workers = others.map(
      (shard) =>
        new Promise<FileReport[]>((resolve, reject) => {
          const input: WorkerInput = { role: ROLE, root: review.root, records: shard };
          const worker = new Worker(script, { workerData: input });
          worker.once('message', (reports: FileReport[]) => resolve(reports));
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`a checking thread stopped with code ${code}`));
          });
        }),
    );
    const mine = await checkRecordFiles(review, own!, nodeFileSystem);
    return [...mine, ...(await Promise.all(workers)).flat()];
  };
}

/** Whether this thread was started by `parallelRecordChecker` (then it only checks its share). */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as WorkerInput | undefined)?.role === ROLE;
}

export async function runCheckWorker(): Promise<void> {
  const input = workerData as WorkerInput;
  const review = await openReview(input.root, nodeFileSystem);
  parentPort!.postMessage(await checkRecordFiles(review, input.records, nodeFileSystem));
}
