/**
 * Deploy & Profile: pick a variant and a board, start, watch the steps, see the result. The job
 * shown is the newest deploy of the selected variant, so the last result is still there after a
 * reload; its measurement is loaded once the job has succeeded. The board picker (board-picker.tsx)
 * lists virtual, catalog and custom boards; a real board can be picked once it is plugged in, and a
 * virtual one takes the real board to estimate cycles and ms for. "Optimize for" is the project's
 * setting (saved at once, used by every later deploy, validation and export of the project);
 * "Deploy once for …" builds for the other setting without changing it, so both builds can be
 * compared without setting the project back; each result says which one it was built with.
 */

import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { BoardDescription, Job, ModelVariant, OptimizeFor } from '../../../shared/services/types.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { NoModelPanel } from '../components/no-model.js';
import { VariantField } from '../components/variant-field.js';
import { formatBytes, formatTime } from '../format.js';
import { devicesStatus } from '../state/device-rules.js';
import { deploysOf } from '../state/job-rules.js';
import { asError, useDevices, useJobs, useQuery, useServices } from '../state/services-context.js';
import { useProject, useProjects } from '../state/projects.js';
import { BoardPicker } from './board-picker.js';
import { JobProgress } from './job-progress.js';
import { optimizeChoice, optimizeChoices } from './optimize-words.js';
import { ResultView } from './result-view.js';
import './deploy.css';

export function DeployTab({
  projectId,
  variants,
  selected,
  onSelect,
}: {
  projectId: string;
  variants: ModelVariant[];
  selected: ModelVariant | undefined;
  onSelect: (variantId: string) => void;
}) {
  const services = useServices();
  const { listing, error: devicesError } = useDevices();
  const { jobs } = useJobs(projectId);
  const boards = listing?.boards ?? [];
  const deployable = boards.filter((board) => board.deployable);
  const [boardId, setBoardId] = useState<string>();
  const [targetId, setTargetId] = useState<string>();
  const [runs, setRuns] = useState(1);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Error>();
  const project = useProject(projectId);
  const { reload: reloadProjects } = useProjects();
  const [savingOptimize, setSavingOptimize] = useState(false);
  const optimizeFor = project?.optimizeFor ?? 'size';
  const otherOptimizeFor: OptimizeFor = optimizeFor === 'size' ? 'speed' : 'size';

  const changeOptimizeFor = async (value: OptimizeFor) => {
    setSavingOptimize(true);
    setError(undefined);
    try {
      await services.projects.setOptimizeFor({ id: projectId, optimizeFor: value });
      reloadProjects();
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setSavingOptimize(false);
    }
  };

  // The default board: the first deployable one (virtual-m4f), once the listing arrives.
  const firstDeployable = deployable[0]?.id;
  useEffect(() => {
    if (boardId === undefined && firstDeployable) setBoardId(firstDeployable);
  }, [boardId, firstDeployable]);

  const { newest: job, lastGood } = selected ? deploysOf(jobs, selected.id) : { newest: undefined, lastGood: undefined };
  const board = boards.find((candidate) => candidate.id === boardId);
  const unavailable = boards.filter((candidate) => !candidate.deployable);

  /** Starts a deploy: for the project's setting, or for `once` without changing it. */
  const start = async (event: FormEvent | undefined, once?: OptimizeFor) => {
    event?.preventDefault();
    if (!selected || !board) return;
    setStarting(true);
    setError(undefined);
    try {
      // The estimate target goes with a virtual board only (the picker offers none for a real one).
      const target = board.kind === 'virtual' && targetId ? { targetId } : {};
      await services.jobs.startDeploy({ variantId: selected.id, boardId: board.id, runs, ...target, ...(once ? { optimizeFor: once } : {}) });
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setStarting(false);
    }
  };

  if (variants.length === 0) return <NoModelPanel title="Deploy & Profile" projectId={projectId} />;

  return (
    <>
      <Panel title="Deploy & Profile" testId="deploy-panel">
        <form className="deploy-form" onSubmit={start} aria-label="Deploy and profile">
          <VariantField variants={variants} value={selected?.id ?? ''} onChange={onSelect} testId="variant-select" />
          <BoardPicker
            listing={listing}
            placeholder={devicesStatus(listing, devicesError).text}
            boardId={boardId}
            onBoard={setBoardId}
            targetId={targetId}
            onTarget={setTargetId}
          />
          <label className="field">
            <span className="field__label">Runs</span>
            <input
              className="input input--narrow"
              type="number"
              min={1}
              max={1000}
              value={runs}
              onChange={(event) => setRuns(Math.max(1, Math.min(1000, Math.round(Number(event.target.value)) || 1)))}
              data-testid="runs-input"
            />
          </label>
          <label className="field" title={`Saved for the project: every later deploy of it builds so. ${optimizeChoices.map((choice) => `${choice.label}: ${choice.meaning}.`).join(' ')}`}>
            <span className="field__label">Optimize for</span>
            <select
              className="select"
              value={optimizeFor}
              onChange={(event) => void changeOptimizeFor(event.target.value as OptimizeFor)}
              disabled={!project || savingOptimize}
              data-testid="optimize-select"
            >
              {optimizeChoices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button button--primary" disabled={!selected || !board?.deployable || starting || savingOptimize} data-testid="deploy-button">
            Deploy &amp; Profile
          </button>
          <button
            type="button"
            className="button button--quiet"
            onClick={() => void start(undefined, otherOptimizeFor)}
            disabled={!selected || !board?.deployable || starting || savingOptimize}
            title={`This deploy only, built optimizing for ${optimizeChoice(otherOptimizeFor).label.toLowerCase()} (${optimizeChoice(otherOptimizeFor).meaning}); the project stays set to ${optimizeChoice(optimizeFor).label.toLowerCase()}. Compare shows a row for each.`}
            data-testid="deploy-other-button"
          >
            Deploy once for {optimizeChoice(otherOptimizeFor).label.toLowerCase()}
          </button>
        </form>
        {board && <BoardNote board={board} />}
        <p className="note" data-testid="optimize-note">
          Optimize for {optimizeChoice(optimizeFor).label.toLowerCase()} (this project&apos;s setting): {optimizeChoice(optimizeFor).meaning}.
        </p>
        {unavailable.some((candidate) => candidate.kind === 'real') && (
          <p className="note" data-testid="real-board-note">
            Not available now: {unavailable.filter((candidate) => candidate.kind === 'real').map((candidate) => candidate.id).join(', ')}. Plug a board in (its probe&apos;s USB
            serial port) to deploy to it: TinyDeploy flashes it with OpenOCD or pyOCD, or by copying to its drive.
          </p>
        )}
        <ErrorBanner error={error ?? devicesError} onDismiss={error ? () => setError(undefined) : undefined} />
      </Panel>

      {job && (
        <Panel title={`Last deploy of ${selected?.name ?? 'this variant'}`} testId="deploy-job-panel">
          <JobProgress job={job} />
        </Panel>
      )}
      {lastGood && <JobResult job={lastGood} projectId={projectId} boards={boards} variantName={selected?.name} earlier={lastGood !== job} />}
    </>
  );
}

function BoardNote({ board }: { board: BoardDescription }) {
  return (
    <p className="note" data-testid="board-note">
      {board.name}: {board.core}, flash {formatBytes(board.flashBytes)}, RAM {formatBytes(board.ramBytes)}; its timer counts {board.timerUnit}
      {board.timerUnit === 'instructions' ? ' (QEMU is not cycle-accurate: latency is reported in executed instructions, not time)' : ''}.
    </p>
  );
}

/** A deploy's result; `earlier`: a later deploy of the variant is running or did not succeed. */
function JobResult({ job, projectId, boards, variantName, earlier }: { job: Job; projectId: string; boards: BoardDescription[]; variantName?: string; earlier?: boolean }) {
  const services = useServices();
  const variantId = String(job.params.variantId);
  const measurements = useQuery(`measurements:${projectId}:${variantId}:${job.id}`, () => services.measurements.list({ projectId, variantId }));
  const measurement = measurements.data?.find((candidate) => candidate.jobId === job.id);
  if (measurements.error) return <ErrorBanner error={measurements.error} />;
  if (!measurements.data) return <div aria-busy="true" />;
  if (!measurement) return <ErrorBanner error={new Error(`deploy job ${job.id} succeeded but no measurement of it is stored`)} />;
  return (
    <Panel title={earlier ? `Last successful result (${formatTime(job.createdAt)})` : 'Result'} testId="result-panel">
      <ResultView measurement={measurement} board={boards.find((board) => board.id === measurement.boardId)} variantName={variantName} />
    </Panel>
  );
}
