/** What a task running in the worker gets from it: the cancel signal and a way to report progress. */
export interface TaskContext {
  /** Aborted (with a CancelledError as its reason) when the host cancels the job. */
  signal: AbortSignal;
  /**
   * Reports progress: the fraction of the whole job (0 … 1), what it is doing now and log lines.
   * Cheap to call often: updates without log lines are coalesced before they are sent.
   */
  progress(update: { fraction?: number; step?: string; log?: string[] }): void;
  /**
   * Sends a piece of the result the host records at once, whatever the job's end (a search's
   * trial). Absent where nothing records it (tasks run outside a worker).
   */
  record?(record: Record<string, unknown>): void;
}
