/**
 * Optimize: the selected variant through a pipeline as a job in the worker. The pipeline select
 * offers post-training int8 quantization (the form below) and pipelines that train (pruning,
 * fine-tuning, distillation, optionally ending in int8: see ../optimize/training-panel.tsx, which
 * also shows such a job's curves and its variant beside the parent).
 *
 * Quantize: post-training int8 quantization of the selected variant as a job in the worker.
 * The user picks the calibration data (a dataset of the project, added here by its path on the
 * serving machine, or synthetic inputs), how many samples calibrate and how many held-out samples
 * evaluate; the newest optimize job of the variant is shown with its progress, Cancel and log,
 * and once it has succeeded, the variant it made with its accuracy next to its parent's on the
 * same held-out samples (both stored as measurements by the job).
 */

import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Dataset, Job, ModelVariant } from '../../../shared/services/types.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { JobHeader } from '../components/job-header.js';
import { JobLog } from '../deploy/job-progress.js';
import { formatCount, formatPercent, formatPrecision } from '../format.js';
import { asError, isActive, useJobs, useQuery, useServices } from '../state/services-context.js';
import { TrainingJobView, TrainingOptions, isTrainingJob } from '../optimize/training-panel.js';
import { type TrainingForm, defaultTrainingForm, pipelineChoices } from '../optimize/training.js';

/** What an optimize job reports when it succeeds (see OptimizeJobResult in core/node/jobs). */
interface OptimizeResult {
  variantId: string;
  parentId: string;
  heldOut?: { samples: number; parentAccuracy: number; variantAccuracy: number; sqnrDb: number | null };
}

const synthetic = 'synthetic';

/** The newest optimize job of a variant (jobs come newest first). */
export function newestOptimize(jobs: readonly Job[], variantId: string): Job | undefined {
  return jobs.find((job) => job.kind === 'optimize' && job.params.variantId === variantId);
}

export function QuantizePanel({ projectId, variant, variants, onSelect }: { projectId: string; variant: ModelVariant; variants: ModelVariant[]; onSelect: (variantId: string) => void }) {
  const services = useServices();
  const { jobs } = useJobs(projectId);
  const [datasetVersion, setDatasetVersion] = useState(0);
  const datasets = useQuery(`datasets:${projectId}`, () => services.datasets.list({ projectId }), datasetVersion);
  const [choice, setChoice] = useState<string>();
  const [samples, setSamples] = useState(200);
  const [evaluationLimit, setEvaluationLimit] = useState(500);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Error>();
  const [pipeline, setPipeline] = useState('quantize-int8');
  const [trainingForm, setTrainingForm] = useState<Omit<TrainingForm, 'pipeline'>>(defaultTrainingForm);

  const list = datasets.data ?? [];
  // Default calibration: the newest dataset of the project, else synthetic inputs.
  const calibration = choice ?? list.at(-1)?.id ?? synthetic;
  const job = newestOptimize(jobs, variant.id);
  const quantized = variant.summary.dtype !== 'float32';
  const progress = job && (isTrainingJob(job) ? <TrainingJobView job={job} variants={variants} datasets={list} onSelect={onSelect} /> : <OptimizeProgress job={job} variants={variants} datasets={list} onSelect={onSelect} />);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setStarting(true);
    setError(undefined);
    try {
      await services.jobs.startOptimize({ variantId: variant.id, ...(calibration === synthetic ? {} : { datasetId: calibration }), samples, evaluationLimit });
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setStarting(false);
    }
  };

  // An int8 variant has nothing to quantize: the panel says so in one line, with no form that
  // cannot be used (its last optimization, if any, stays shown).
  if (quantized) {
    return (
      <Panel title={`Quantize ${variant.name}`} testId="quantize-panel">
        <p className="note" data-testid="quantize-note">
          This variant is already quantized ({formatPrecision(variant.summary)}): post-training quantization starts from a float32 or hybrid model. Select its float
          parent, or import the float model, to quantize again.
        </p>
        {progress}
      </Panel>
    );
  }

  const addDataset = (
    <AddDatasetForm
      projectId={projectId}
      onAdded={(dataset) => {
        setDatasetVersion((value) => value + 1);
        setChoice(dataset.id);
        setTrainingForm((form) => ({ ...form, datasetId: dataset.id }));
      }}
    />
  );
  const pipelineSelect = (
    <form className="deploy-form" aria-label="Pipeline" onSubmit={(event) => event.preventDefault()}>
      <label className="field field--wide">
        <span className="field__label">Pipeline</span>
        <select className="select" value={pipeline} onChange={(event) => setPipeline(event.target.value)} data-testid="pipeline-select">
          {pipelineChoices.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.label}
            </option>
          ))}
        </select>
      </label>
    </form>
  );

  if (pipeline !== 'quantize-int8') {
    // Training starts from the newest dataset of the project unless the user picks another.
    const form: TrainingForm = { ...trainingForm, pipeline, datasetId: trainingForm.datasetId ?? list.at(-1)?.id };
    return (
      <Panel title={`Optimize ${variant.name}`} testId="quantize-panel">
        {pipelineSelect}
        <TrainingOptions variant={variant} datasets={list} form={form} onChange={({ pipeline: _pipeline, ...rest }) => setTrainingForm(rest)} busy={job !== undefined && isActive(job)} />
        {addDataset}
        <ErrorBanner error={datasets.error} />
        {progress}
      </Panel>
    );
  }

  return (
    <Panel title={`Optimize ${variant.name}`} testId="quantize-panel">
      {pipelineSelect}
      <form className="deploy-form" onSubmit={start} aria-label="Quantize to int8">
        <label className="field">
          <span className="field__label">Calibration data</span>
          <select className="select" value={calibration} onChange={(event) => setChoice(event.target.value)} data-testid="calibration-select">
            {list.map((dataset) => (
              <option key={dataset.id} value={dataset.id}>
                {dataset.name} ({formatCount(dataset.sampleCount)} samples)
              </option>
            ))}
            <option value={synthetic}>Synthetic inputs (no accuracy)</option>
          </select>
        </label>
        <NumberField label="Calibration samples" value={samples} max={100_000} onChange={setSamples} testId="samples-input" />
        <NumberField label="Evaluate on (held-out samples)" value={evaluationLimit} max={100_000} onChange={setEvaluationLimit} testId="evaluation-limit-input" />
        <button type="submit" className="button button--primary" disabled={starting || (job !== undefined && isActive(job))} data-testid="quantize-button">
          Quantize to int8
        </button>
      </form>
      {addDataset}
      <ErrorBanner error={error ?? datasets.error} onDismiss={error ? () => setError(undefined) : undefined} />
      {progress}
    </Panel>
  );
}

function NumberField({ label, value, max, onChange, testId }: { label: string; value: number; max: number; onChange: (value: number) => void; testId: string }) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        className="input input--narrow"
        type="number"
        min={1}
        max={max}
        value={value}
        onChange={(event) => onChange(Math.max(1, Math.min(max, Math.round(Number(event.target.value)) || 1)))}
        data-testid={testId}
      />
    </label>
  );
}

/**
 * Adds a dataset by its folder's path on the machine that serves the app (datasets are
 * referenced, not copied): the service reads its description now and refuses a folder that is
 * not a dataset, with the reason.
 */
export function AddDatasetForm({ projectId, onAdded }: { projectId: string; onAdded: (dataset: Dataset) => void }) {
  const services = useServices();
  const [path, setPath] = useState('');
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<Error>();
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setAdding(true);
    setError(undefined);
    try {
      const dataset = await services.datasets.add({ projectId, path: path.trim() });
      setPath('');
      onAdded(dataset);
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setAdding(false);
    }
  };
  return (
    <>
      <form className="deploy-form" onSubmit={add} aria-label="Add a dataset">
        <label className="field field--wide">
          <span className="field__label">Add a dataset (folder path)</span>
          <input
            className="input"
            type="text"
            value={path}
            maxLength={4096}
            placeholder="/path/to/dataset (in browser mode also relative to where serve started)"
            onChange={(event) => setPath(event.target.value)}
            data-testid="dataset-path-input"
          />
        </label>
        <button type="submit" className="button" disabled={adding || path.trim() === ''} data-testid="add-dataset-button">
          Add dataset
        </button>
      </form>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
    </>
  );
}

/** The optimize job: progress, step, Cancel, its error and log; when done, the variant and the accuracies. */
function OptimizeProgress({ job, variants, datasets, onSelect }: { job: Job; variants: ModelVariant[]; datasets: Dataset[]; onSelect: (variantId: string) => void }) {
  const result = job.status === 'succeeded' ? (job.result as OptimizeResult | undefined) : undefined;
  const made = result && variants.find((candidate) => candidate.id === result.variantId);
  const dataset = datasets.find((candidate) => candidate.id === job.params.datasetId);
  return (
    <div className="job-progress" data-testid="optimize-progress" data-status={job.status}>
      <JobHeader job={job} label="Quantization progress" cancelTestId="cancel-optimize" />
      {result && (
        <p className="note" data-testid="optimize-result">
          Made{' '}
          {made ? (
            <button type="button" className="link-button" onClick={() => onSelect(made.id)}>
              {made.name}
            </button>
          ) : (
            'a variant'
          )}
          {result.heldOut ? (
            <>
              : accuracy <strong data-testid="optimize-variant-accuracy">{formatPercent(result.heldOut.variantAccuracy)}</strong>, parent{' '}
              <strong data-testid="optimize-parent-accuracy">{formatPercent(result.heldOut.parentAccuracy)}</strong> on {formatCount(result.heldOut.samples)} held-out samples
              {dataset ? ` of ${dataset.name}` : ''}
              {result.heldOut.sqnrDb !== null ? `; SQNR ${result.heldOut.sqnrDb.toFixed(1)} dB against the parent` : ''}.
            </>
          ) : (
            ': calibrated on synthetic inputs, so no accuracy was measured.'
          )}
        </p>
      )}
      <JobLog lines={job.log} />
    </div>
  );
}
