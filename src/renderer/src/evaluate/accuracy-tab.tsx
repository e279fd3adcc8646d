/**
 * Accuracy: the project's datasets, and two actions on a variant with a dataset — Evaluate
 * (accuracy on the host interpreter: top-1, top-k, per class, the confusion matrix) and Validate
 * on a board (N samples run on the board and on the host, compared sample by sample). The last
 * job of each and the newest stored result of the selected variant and dataset are shown; the
 * results are kept (History lists them).
 */

import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Dataset, Evaluation, Job, ModelVariant } from '../../../shared/services/types.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { NoModelPanel } from '../components/no-model.js';
import { VariantField } from '../components/variant-field.js';
import { DatasetsPanel } from '../datasets/datasets-panel.js';
import { useDatasetChoice } from '../datasets/use-dataset-choice.js';
import { useProject } from '../state/projects.js';
import { optimizeChoice } from '../deploy/optimize-words.js';
import { asError, useDevices, useFinishedJobsCount, useJobs, useQuery, useServices } from '../state/services-context.js';
import { EvaluationView } from './evaluation-view.js';
import { JobStatus } from './job-status.js';
import './evaluate.css';

export function AccuracyTab({
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
  const finished = useFinishedJobsCount(projectId);
  const { datasets, list, dataset, choose: setDatasetId, panel } = useDatasetChoice(projectId, 'accuracy-datasets');
  const evaluations = useQuery(`evaluations:${projectId}`, () => services.evaluations.list({ projectId }), finished);

  if (variants.length === 0) return <NoModelPanel title="Accuracy" projectId={projectId} />;

  return (
    <>
      <DatasetsPanel {...panel} />
      <ErrorBanner error={datasets.error ?? evaluations.error} />
      <RunPanel projectId={projectId} variants={variants} selected={selected} onSelect={onSelect} datasets={list} dataset={dataset} onDataset={setDatasetId} evaluations={evaluations.data ?? []} />
    </>
  );
}

function RunPanel({
  projectId,
  variants,
  selected,
  onSelect,
  datasets,
  dataset,
  onDataset,
  evaluations,
}: {
  projectId: string;
  variants: ModelVariant[];
  selected: ModelVariant | undefined;
  onSelect: (variantId: string) => void;
  datasets: Dataset[];
  dataset: Dataset | undefined;
  onDataset: (datasetId: string) => void;
  evaluations: Evaluation[];
}) {
  const services = useServices();
  const { jobs } = useJobs(projectId);
  const optimizeFor = useProject(projectId)?.optimizeFor ?? 'size';
  const { listing } = useDevices();
  const boards = (listing?.boards ?? []).filter((board) => board.deployable);
  const [boardId, setBoardId] = useState<string>();
  const [limit, setLimit] = useState('');
  const [samples, setSamples] = useState(20);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Error>();
  const board = boards.find((candidate) => candidate.id === boardId) ?? boards[0];

  const start = async (action: () => Promise<Job>) => {
    setStarting(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setStarting(false);
    }
  };
  const evaluate = (event: FormEvent) => {
    event.preventDefault();
    if (!selected || !dataset) return;
    const count = Math.round(Number(limit));
    void start(() => services.jobs.startEvaluate({ variantId: selected.id, datasetId: dataset.id, ...(limit.trim() !== '' && count >= 1 ? { limit: count } : {}) }));
  };
  const validate = () => {
    if (!selected || !dataset || !board) return;
    void start(() => services.jobs.startValidate({ variantId: selected.id, boardId: board.id, datasetId: dataset.id, samples }));
  };

  const matches = (job: Job, kind: Job['kind']) => job.kind === kind && job.params.variantId === selected?.id && job.params.datasetId === dataset?.id;
  const evaluateJob = jobs.find((job) => matches(job, 'evaluate'));
  const validateJob = jobs.find((job) => matches(job, 'validate'));
  const ofSelection = (kind: Evaluation['kind']) => evaluations.find((entry) => entry.kind === kind && entry.variantId === selected?.id && entry.datasetId === dataset?.id);
  const lastEvaluation = ofSelection('evaluate');
  const lastValidation = ofSelection('validate');
  const ready = selected !== undefined && dataset !== undefined && !starting;

  return (
    <>
      <Panel title="Evaluate and validate" testId="accuracy-panel">
        <form className="accuracy-form" onSubmit={evaluate} aria-label="Evaluate accuracy">
          <VariantField variants={variants} value={selected?.id ?? ''} onChange={onSelect} testId="accuracy-variant-select" />
          <label className="field">
            <span className="field__label">Dataset</span>
            <select className="select" value={dataset?.id ?? ''} onChange={(event) => onDataset(event.target.value)} disabled={datasets.length === 0} data-testid="accuracy-dataset-select">
              {datasets.length === 0 && <option value="">add a dataset above</option>}
              {datasets.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name} ({candidate.sampleCount} samples)
                </option>
              ))}
            </select>
          </label>
          <div className="accuracy-form__group">
            <label className="field">
              <span className="field__label">Samples (blank: all)</span>
              <input className="input input--narrow" type="number" min={1} value={limit} placeholder="all" onChange={(event) => setLimit(event.target.value)} data-testid="evaluate-limit" />
            </label>
            <button type="submit" className="button button--primary" disabled={!ready} data-testid="evaluate-button" title="Accuracy on the host reference interpreter">
              Evaluate
            </button>
          </div>
          <div className="accuracy-form__group">
            <label className="field">
              <span className="field__label">Board</span>
              <select className="select" value={board?.id ?? ''} onChange={(event) => setBoardId(event.target.value)} disabled={boards.length === 0} data-testid="validate-board-select">
                {boards.length === 0 && <option value="">{listing ? 'no board can run now' : 'loading boards…'}</option>}
                {boards.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field__label">Samples</span>
              <input
                className="input input--narrow"
                type="number"
                min={1}
                max={100000}
                value={samples}
                onChange={(event) => setSamples(Math.max(1, Math.min(100_000, Math.round(Number(event.target.value)) || 1)))}
                data-testid="validate-samples"
              />
            </label>
            <button type="button" className="button" onClick={validate} disabled={!ready || !board} data-testid="validate-button" title="Run the samples on the board and on the host, and compare their outputs">
              Validate on board
            </button>
          </div>
        </form>
        <p className="note">
          Evaluate runs the dataset through the host reference interpreter. Validate builds the variant for the board as Deploy &amp; Profile does (optimized for{' '}
          <span data-testid="validate-optimize-for">{optimizeChoice(optimizeFor).label.toLowerCase()}</span>, the project&apos;s setting), flashes it once, runs each sample there and on the host, and compares the
          outputs sample by sample (int8: identical bytes; float: max |Δ|, RMSE, MAE, cosine, L2 relative error).
        </p>
        <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
        {evaluateJob && (evaluateJob.status !== 'succeeded' || !lastEvaluation || lastEvaluation.jobId !== evaluateJob.id) && <JobStatus job={evaluateJob} label="Evaluation progress" testId="evaluate-progress" />}
        {validateJob && (validateJob.status !== 'succeeded' || !lastValidation || lastValidation.jobId !== validateJob.id) && <JobStatus job={validateJob} label="Validation progress" testId="validate-progress" />}
      </Panel>
      {lastValidation && (
        <Panel title="Validation on the board" testId="validation-panel">
          <EvaluationView evaluation={lastValidation} variantName={selected?.name} />
        </Panel>
      )}
      {lastEvaluation && (
        <Panel title="Evaluation" testId="evaluation-panel">
          <EvaluationView evaluation={lastEvaluation} variantName={selected?.name} />
        </Panel>
      )}
    </>
  );
}
