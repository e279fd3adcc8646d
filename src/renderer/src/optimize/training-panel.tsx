/**
 * The training half of the Optimize panel: the options of a training pipeline (pruning target,
 * epochs, held-out share, seed, dataset) started as an optimize job, and such a job shown live
 * (progress, Cancel, loss and validation accuracy per epoch as curves) and, once it has
 * succeeded, the new variant beside its parent: held-out accuracy, parameters and MACs.
 */

import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { Dataset, Job, ModelVariant } from '../../../shared/services/types.js';
import { ErrorBanner } from '../components/widgets.js';
import { JobHeader } from '../components/job-header.js';
import { JobLog } from '../deploy/job-progress.js';
import { formatBytes, formatCount, formatPercent } from '../format.js';
import { asError, useFinishedJobsCount, useQuery, useServices } from '../state/services-context.js';
import { type StepLoss, TrainingChart } from './training-chart.js';
import { type PruneTarget, type StepPoint, type DeployFigures, type TrainingForm, change, currentPassOffset, deployedSideBySide, epochPoints, findPipeline, prunes, stepPoint, stepPosition, trainingRequest } from './training.js';
import './optimize.css';

/** What a training optimize job reports (see OptimizeJobResult in core/node/jobs/kinds/optimize.ts). */
interface TrainingResult {
  variantId: string;
  parentId: string;
  heldOut?: { samples: number; parentAccuracy: number; variantAccuracy: number };
  training?: { accuracy: Before; params: Before; macs: Before; backend: string; epochs: number; wallMs: number; heldOutSamples: number };
}

interface Before {
  before: number;
  after: number;
}

/** True for an optimize job that trains (its stored params carry the training settings). */
export function isTrainingJob(job: Job): boolean {
  return job.params.training !== undefined;
}

function NumberInput({ label, value, min, max, onChange, testId, placeholder }: { label: string; value: number | undefined; min: number; max: number; onChange: (value: number | undefined) => void; testId: string; placeholder?: string }) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        className="input input--narrow"
        type="number"
        min={min}
        max={max}
        value={value ?? ''}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value === '' ? undefined : Math.round(Number(event.target.value)))}
        data-testid={testId}
      />
    </label>
  );
}

/** The options of a training pipeline and its Start button. */
export function TrainingOptions({ variant, datasets, form, onChange, busy }: { variant: ModelVariant; datasets: Dataset[]; form: TrainingForm; onChange: (form: TrainingForm) => void; busy: boolean }) {
  const services = useServices();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Error>();
  const choice = findPipeline(form.pipeline);
  const made = trainingRequest(variant, form);
  const set = (patch: Partial<TrainingForm>) => onChange({ ...form, ...patch });
  const targetValue = form.target.kind === 'ratio' ? form.target.percent : form.target.count;
  const setTarget = (kind: PruneTarget['kind'], value: number) => set({ target: kind === 'ratio' ? { kind, percent: value } : { kind, count: value } });
  const defaultTarget = (kind: PruneTarget['kind']) => (kind === 'ratio' ? 50 : Math.max(1, Math.round((kind === 'params' ? variant.summary.parameters : variant.summary.macs) / 4)));

  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (!made.request) return;
    setStarting(true);
    setError(undefined);
    try {
      await services.jobs.startOptimize(made.request);
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setStarting(false);
    }
  };

  return (
    <>
      <form className="deploy-form" onSubmit={start} aria-label="Optimize with training">
        <label className="field">
          <span className="field__label">Dataset</span>
          <select className="select" value={form.datasetId ?? ''} onChange={(event) => set({ datasetId: event.target.value || undefined })} data-testid="training-dataset-select">
            {datasets.length === 0 && <option value="">No dataset yet: add one below</option>}
            {datasets.map((dataset) => (
              <option key={dataset.id} value={dataset.id}>
                {dataset.name} ({formatCount(dataset.sampleCount)} samples)
              </option>
            ))}
          </select>
        </label>
        {prunes(choice) && (
          <>
            <label className="field">
              <span className="field__label">Prune by</span>
              <select className="select" value={form.target.kind} onChange={(event) => setTarget(event.target.value as PruneTarget['kind'], defaultTarget(event.target.value as PruneTarget['kind']))} data-testid="prune-target-select">
                <option value="ratio">Ratio of every prunable group (%)</option>
                <option value="params">Target parameters</option>
                <option value="macs">Target MACs</option>
              </select>
            </label>
            <NumberInput label={form.target.kind === 'ratio' ? 'Ratio (%)' : form.target.kind === 'params' ? `Parameters (now ${formatCount(variant.summary.parameters)})` : `MACs (now ${formatCount(variant.summary.macs)})`} value={targetValue} min={1} max={form.target.kind === 'ratio' ? 99 : 1_000_000_000_000} onChange={(value) => setTarget(form.target.kind, value ?? 0)} testId="prune-target-input" />
          </>
        )}
        <NumberInput label="Epochs" value={form.epochs} min={1} max={10_000} onChange={(value) => set({ epochs: value ?? 0 })} testId="epochs-input" />
        <NumberInput label="Held out (%)" value={form.holdoutPercent} min={1} max={90} onChange={(value) => set({ holdoutPercent: value ?? 0 })} testId="holdout-input" />
        <NumberInput label="Seed" value={form.seed} min={0} max={2_147_483_647} onChange={(value) => set({ seed: value ?? 0 })} testId="seed-input" />
        <NumberInput label="Max steps" value={form.maxSteps} min={1} max={10_000_000} placeholder="all" onChange={(value) => set({ maxSteps: value })} testId="max-steps-input" />
        <button type="submit" className="button button--primary" disabled={starting || busy || !made.request} data-testid="optimize-button">
          Start {choice.label.toLowerCase()}
        </button>
      </form>
      {made.problem && (
        <p className="note" data-testid="training-problem">
          {made.problem}
        </p>
      )}
      <p className="note">The last {form.holdoutPercent}% of the dataset (in file order) is never trained on: both accuracies are measured there.</p>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
    </>
  );
}

/** A training optimize job: progress, Cancel, the curves, and the new variant beside its parent. */
export function TrainingJobView({ job, variants, datasets, onSelect }: { job: Job; variants: ModelVariant[]; datasets: Dataset[]; onSelect: (variantId: string) => void }) {
  const services = useServices();
  const [steps, setSteps] = useState<{ jobId: string; points: (StepPoint & StepLoss)[] }>({ jobId: job.id, points: [] });
  // Steps are seen live only (the job keeps its current step, not their history): collected while the panel watches.
  useEffect(() => {
    const current = stepPoint(job.step);
    setSteps((seen) => {
      const points = seen.jobId === job.id ? seen.points : [];
      if (!current) return seen.jobId === job.id ? seen : { jobId: job.id, points };
      const last = points.at(-1);
      if (last && last.pass === current.pass && last.epoch === current.epoch && last.step === current.step) return seen;
      // Placed when seen: after the epochs of the training passes that ran before this one.
      return { jobId: job.id, points: [...points, { ...current, position: currentPassOffset(job.log) + stepPosition(current) }] };
    });
    // job.log is read when a new step arrives; a log line alone does not add a step.
  }, [job.id, job.step]);
  const epochs = epochPoints(job.log);
  const result = job.status === 'succeeded' ? (job.result as TrainingResult | undefined) : undefined;
  const made = result && variants.find((candidate) => candidate.id === result.variantId);
  const parent = variants.find((candidate) => candidate.id === job.params.variantId);
  const dataset = datasets.find((candidate) => candidate.id === job.params.datasetId);
  const settings = job.params.training as { passes?: string[] } | undefined;
  // Once either side is deployed: latency, RAM and flash on the same board (refreshed as jobs finish).
  const finished = useFinishedJobsCount(job.projectId);
  const measurements = useQuery(result ? `optimize-deploys:${job.projectId}` : null, () => services.measurements.list({ projectId: job.projectId }), finished);
  const deployed = result && measurements.data ? deployedSideBySide(measurements.data, result.parentId, result.variantId) : undefined;
  return (
    <div className="job-progress" data-testid="optimize-progress" data-status={job.status}>
      <JobHeader
        job={job}
        label="Optimization progress"
        cancelTestId="cancel-optimize"
        stepPrefix={`${(settings?.passes ?? []).join(' → ')}${dataset ? ` on ${dataset.name}` : ''}: `}
      />
      {(epochs.length > 0 || steps.points.length > 0) && <TrainingChart epochs={epochs} steps={steps.jobId === job.id ? steps.points : []} />}
      {result?.training && (
        <div className="optimize-compare" data-testid="optimize-result">
          <p className="note">
            Made{' '}
            {made ? (
              <button type="button" className="link-button" onClick={() => onSelect(made.id)} data-testid="optimize-variant-link">
                {made.name}
              </button>
            ) : (
              'a variant'
            )}{' '}
            from {parent?.name ?? 'its parent'}: {result.training.epochs} epoch(s) on {result.training.backend} in {(result.training.wallMs / 1000).toFixed(1)} s; accuracies on the {formatCount(result.training.heldOutSamples)} held-out samples
            {dataset ? ` of ${dataset.name}` : ''}.
          </p>
          <ComparisonTable training={result.training} deployed={deployed} parentName={parent?.name ?? 'parent'} variantName={made?.name ?? 'variant'} />
          {!deployed?.variant && <p className="note">Deploy the new variant (Deploy &amp; Profile) to see its latency, RAM and flash here beside its parent’s.</p>}
        </div>
      )}
      <JobLog lines={job.log} />
    </div>
  );
}

function deployRows(deployed: ReturnType<typeof deployedSideBySide>): [string, string, DeployFigures | undefined, DeployFigures | undefined][] {
  if (!deployed) return [];
  return [
    [`Latency on ${deployed.boardId}`, 'latency', deployed.parent, deployed.variant],
    ['RAM', 'ram', deployed.parent, deployed.variant],
    ['Flash', 'flash', deployed.parent, deployed.variant],
  ];
}

function deployValue(key: string, figures: DeployFigures | undefined): number | undefined {
  if (!figures) return undefined;
  return key === 'latency' ? figures.latency?.value : key === 'ram' ? figures.ramBytes : figures.flashBytes;
}

function ComparisonTable({ training, deployed, parentName, variantName }: { training: NonNullable<TrainingResult['training']>; deployed: ReturnType<typeof deployedSideBySide>; parentName: string; variantName: string }) {
  const unit = deployed?.variant?.latency?.unit ?? deployed?.parent?.latency?.unit ?? 'instructions';
  const rows: [string, string, Before, (value: number) => string, string][] = [
    ['Accuracy (held out)', 'accuracy', training.accuracy, (value) => formatPercent(value, 2), `${(100 * Math.abs(training.accuracy.after - training.accuracy.before)).toFixed(2)} points`],
    ['Parameters', 'params', training.params, formatCount, change(training.params.before, training.params.after).percent],
    ['MACs', 'macs', training.macs, formatCount, change(training.macs.before, training.macs.after).percent],
  ];
  return (
    <div className="table-scroll">
      <table className="table" data-testid="optimize-compare-table">
        <thead>
          <tr>
            <th />
            <th className="numeric" title={parentName}>
              Parent
            </th>
            <th className="numeric" title={variantName}>
              New variant
            </th>
            <th className="numeric">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, key, figure, format, delta]) => (
            <tr key={key} data-testid={`compare-${key}`}>
              <th scope="row">{label}</th>
              <td className="numeric" data-testid={`compare-${key}-before`}>
                {format(figure.before)}
              </td>
              <td className="numeric" data-testid={`compare-${key}-after`}>
                {format(figure.after)}
              </td>
              <td className="numeric">{key === 'accuracy' ? `${training.accuracy.after >= training.accuracy.before ? '+' : '−'}${delta}` : delta}</td>
            </tr>
          ))}
          {deployRows(deployed).map(([label, key, before, after]) => {
            const [a, b] = [deployValue(key, before), deployValue(key, after)];
            const format = (value: number | undefined) => (value === undefined ? 'not deployed' : key === 'latency' ? `${formatCount(value)} ${unit}` : formatBytes(value));
            return (
              <tr key={key} data-testid={`compare-${key}`}>
                <th scope="row">{label}</th>
                <td className="numeric">{format(a)}</td>
                <td className="numeric">{format(b)}</td>
                <td className="numeric">{a !== undefined && b !== undefined ? change(a, b).percent : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
