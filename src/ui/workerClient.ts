/**
 * The page's side of the worker protocol: sends requests, routes events to the request that asked, and
 * restarts the worker if it crashes (pending requests then fail with an 'internal' error).
 */
import type { WorkerError, WorkerEvent, WorkerRequest } from '../workers/protocol.ts';

type Final<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;
type Listener = (event: WorkerEvent) => void;

interface Pending {
  onEvent: Listener;
  reject: (error: WorkerError) => void;
}

/** Distributes the Omit over the union, so each request type keeps its own fields. */
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'requestId'> : never) : never;

export class WorkerClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  /** `onRestart` runs after a crash replaced the worker, so the caller can restore its state there. */
  constructor(
    private readonly create: () => Worker,
    private readonly onRestart: () => void = () => {},
    /** Events the worker sends unasked (requestId 0), such as a lost GPU. */
    private readonly onUnasked: Listener = () => {},
  ) {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = this.create();
    worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      const event = message.data;
      if (event.requestId === 0) this.onUnasked(event);
      else this.pending.get(event.requestId)?.onEvent(event);
    };
    worker.onerror = (event) => this.crashed(event.message || 'the worker stopped unexpectedly');
    return worker;
  }

  /** The worker died: fail what was in flight and start a fresh one, so the page stays usable. */
  private crashed(reason: string): void {
    const failed = [...this.pending.values()];
    this.pending.clear();
    this.worker.terminate();
    this.worker = this.start();
    for (const p of failed) p.reject({ code: 'internal', message: `worker crashed: ${reason}` });
    this.onRestart();
  }

  /**
   * Sends a request; resolves with its final event (`done`), passes every other event to `onEvent`,
   * and rejects with the worker's error. Aborting `signal` asks the worker to cancel it.
   */
  request<T extends WorkerEvent['type']>(body: RequestBody, done: T, transfer: Transferable[] = [], onEvent: Listener = () => {}, signal?: AbortSignal): Promise<Final<T>> {
    const requestId = this.nextId++;
    signal?.addEventListener('abort', () => this.worker.postMessage({ type: 'cancel', requestId: this.nextId++, target: requestId } satisfies WorkerRequest), { once: true });
    return new Promise<Final<T>>((resolve, reject) => {
      this.pending.set(requestId, {
        reject,
        onEvent: (event) => {
          if (event.type === 'error') {
            this.pending.delete(requestId);
            reject(event.error);
          } else if (event.type === done) {
            this.pending.delete(requestId);
            resolve(event as Final<T>);
          } else {
            onEvent(event);
          }
        },
      });
      this.worker.postMessage({ ...body, requestId } as WorkerRequest, transfer);
    });
  }
}
