/**
 * Search: hardware-aware architecture search in the project. Choose a built-in space, a dataset
 * of the project, a board, budgets (flash, RAM, latency), the number of trials and the optimizer;
 * every candidate is trained, quantized and measured on the board by a search job, and each trial
 * appears in the table and the Pareto plot (accuracy against latency, coloured by RAM) as it ends.
 * A point of the plot (or a row) is selected to make it a variant of the project, to deploy it,
 * or to optimize it further (the Model tab's Optimize panel). A search started again with the same
 * settings continues after its stored trials.
 */

import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ModelVariant, SearchDetail, SearchTrial } from '../../../shared/services/types.js';
import { DataTable, type Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Panel } from '../components/widgets.js';
import { DatasetsPanel } from '../datasets/datasets-panel.js';
import { useDatasetChoice } from '../datasets/use-dataset-choice.js';
import { JobStatus } from '../evaluate/job-status.js';
import { formatBytes, formatCount, formatPercent, formatTime } from '../format.js';
import { navigate } from '../state/route.js';
import { asError, isActive, useDevices, useFinishedJobsCount, useJobs, useQuery, useServices } from '../state/services-context.js';
import { ParetoPlot } from './pareto-plot.js';
import { paramsText, paretoPoints } from './search-view.js';
import './search.css';

const spaces: { id: string; label: string }[] = [
  { id: 'lstm', label: 'LSTM (recurrent: layers, hidden size, window, head)' },
  { id: 'gru', label: 'GRU (recurrent: layers, hidden size, window, head; int8 by post-training quantization)' },
  { id: 'ds-cnn', label: 'DS-CNN (keyword spotting: blocks, channels, kernels, strides)' },
  { id: 'mlp', label: 'MLP / 1-D conv (small sensor tasks)' },
];

/** A whole number typed in a field, or undefined when blank; NaN when it is not one. */
function wholeNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) ? value : Number.NaN;
}

export function SearchTab({ projectId, variants, onVariantsChanged }: { projectId: string; variants: ModelVariant[]; onVariantsChanged: () => void }) {
  const services = useServices();
  const finished = useFinishedJobsCount(projectId);
  const { jobs } = useJobs(projectId);
  const { datasets, list: datasetList, dataset, choose: setDatasetId, panel } = useDatasetChoice(projectId, 'search-datasets');
  const searchJob = jobs.find((job) => job.kind === 'search');
  // The search list and the shown search reload when a job ends and whenever the running search logs a line (a trial ended).
  const liveVersion = `${finished}:${searchJob?.id ?? ''}:${searchJob?.log.length ?? 0}:${searchJob?.status ?? ''}`;
  const searches = useQuery(`searches:${projectId}`, () => services.searches.list({ projectId }), liveVersion);
  const [searchId, setSearchId] = useState<string>();
  const searchList = searches.data ?? [];
  // The search shown: the one picked, else the one the newest job runs, else the newest.
  const shown = searchList.find((search) => search.id === searchId) ?? searchList.find((search) => search.jobId === searchJob?.id) ?? searchList[0];
  const detail = useQuery(shown ? `search:${shown.id}` : null, () => services.searches.get({ searchId: shown!.id }), liveVersion);

  return (
    <>
      <DatasetsPanel {...panel} />
      <ErrorBanner error={datasets.error ?? searches.error ?? detail.error} />
      <SearchForm projectId={projectId} datasets={datasetList} datasetId={dataset?.id} onDataset={setDatasetId} onStarted={() => setSearchId(undefined)} />
      {searchJob && (isActive(searchJob) || searchJob.status !== 'succeeded') && <JobStatus job={searchJob} label="Search progress" testId="search-progress" />}
      {searchList.length > 1 && (
        <label className="field field--inline search-picker">
          <span className="field__label">Search</span>
          <select className="select" value={shown?.id ?? ''} onChange={(event) => setSearchId(event.target.value)} data-testid="search-select">
            {searchList.map((search) => (
              <option key={search.id} value={search.id}>
                {search.space} on {search.boardId}, {search.optimizer}, seed {search.seed}: {search.trialsDone} trials ({formatTime(search.updatedAt)})
              </option>
            ))}
          </select>
        </label>
      )}
      {detail.data ? (
        <SearchResults projectId={projectId} search={detail.data} variants={variants} onVariantsChanged={onVariantsChanged} />
      ) : (
        !searches.loading &&
        searchList.length === 0 && (
          <Panel title="Trials">
            <EmptyState title="No search yet">Choose a space, a dataset and a board above, then start a search: each trial appears here as it ends.</EmptyState>
          </Panel>
        )
      )}
    </>
  );
}

function SearchForm({
  projectId,
  datasets,
  datasetId,
  onDataset,
  onStarted,
}: {
  projectId: string;
  datasets: { id: string; name: string; sampleCount: number }[];
  datasetId: string | undefined;
  onDataset: (id: string) => void;
  onStarted: () => void;
}) {
  const services = useServices();
  const { listing } = useDevices();
  const boards = (listing?.boards ?? []).filter((board) => board.deployable);
  const [space, setSpace] = useState('lstm');
  const [boardId, setBoardId] = useState<string>();
  const [trials, setTrials] = useState('20');
  const [epochs, setEpochs] = useState('10');
  const [optimizer, setOptimizer] = useState('bo');
  const [seed, setSeed] = useState('1');
  const [flashKb, setFlashKb] = useState('');
  const [ramKb, setRamKb] = useState('');
  const [maxLatency, setMaxLatency] = useState('');
  const [limit, setLimit] = useState('');
  const [maxSteps, setMaxSteps] = useState('');
  const [float32, setFloat32] = useState(false);
  const [qat, setQat] = useState(false);
  const withQat = qat;
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Error>();
  const board = boards.find((candidate) => candidate.id === boardId) ?? boards[0];

  const numbers = {
    trials: wholeNumber(trials),
    epochs: wholeNumber(epochs),
    seed: wholeNumber(seed),
    flash: wholeNumber(flashKb),
    ram: wholeNumber(ramKb),
    maxLatency: wholeNumber(maxLatency),
    limit: wholeNumber(limit),
    maxSteps: wholeNumber(maxSteps),
  };
  const problem =
    numbers.trials === undefined || !(numbers.trials >= 1 && numbers.trials <= 1000)
      ? 'Trials must be a whole number from 1 to 1000'
      : numbers.epochs === undefined || !(numbers.epochs >= 1 && numbers.epochs <= 1000)
        ? 'Epochs must be a whole number from 1 to 1000'
        : numbers.seed === undefined || !(numbers.seed >= 0)
          ? 'Seed must be a whole number, 0 or more'
          : [numbers.flash, numbers.ram, numbers.maxLatency, numbers.limit, numbers.maxSteps].some((value) => value !== undefined && !(value >= 1))
            ? 'Budgets, samples and steps must be whole numbers of at least 1 (or blank)'
            : !datasetId
              ? 'Add a dataset of the project above'
              : !board
                ? 'No board can run now (Devices lists why)'
                : undefined;

  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (problem || !datasetId || !board) return;
    setStarting(true);
    setError(undefined);
    try {
      await services.jobs.startSearch({
        projectId,
        space,
        datasetId,
        boardId: board.id,
        trials: numbers.trials!,
        epochs: numbers.epochs!,
        optimizer,
        seed: numbers.seed!,
        ...(numbers.flash !== undefined ? { budgetFlash: numbers.flash * 1024 } : {}),
        ...(numbers.ram !== undefined ? { budgetRam: numbers.ram * 1024 } : {}),
        ...(numbers.maxLatency !== undefined ? { maxLatency: numbers.maxLatency } : {}),
        ...(numbers.limit !== undefined ? { limit: numbers.limit } : {}),
        ...(numbers.maxSteps !== undefined ? { maxSteps: numbers.maxSteps } : {}),
        ...(float32 || withQat ? { precisions: ['int8-ptq', ...(withQat ? ['int8-qat'] : []), ...(float32 ? ['float32'] : [])] } : {}),
      });
      onStarted();
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setStarting(false);
    }
  };

  const text = (label: string, value: string, set: (value: string) => void, testId: string, placeholder?: string, title?: string) => (
    <label className="field" title={title}>
      <span className="field__label">{label}</span>
      <input className="input input--narrow" inputMode="numeric" value={value} placeholder={placeholder} onChange={(event) => set(event.target.value)} data-testid={testId} />
    </label>
  );

  return (
    <Panel title="Architecture search" testId="search-panel">
      <form className="search-form" onSubmit={(event) => void start(event)} aria-label="Start an architecture search">
        <div className="search-form__row">
          <label className="field">
            <span className="field__label">Space</span>
            <select className="select" value={space} onChange={(event) => setSpace(event.target.value)} data-testid="search-space-select">
              {spaces.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Dataset</span>
            <select className="select" value={datasetId ?? ''} onChange={(event) => onDataset(event.target.value)} disabled={datasets.length === 0} data-testid="search-dataset-select">
              {datasets.length === 0 && <option value="">add a dataset above</option>}
              {datasets.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name} ({candidate.sampleCount} samples)
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Board</span>
            <select className="select" value={board?.id ?? ''} onChange={(event) => setBoardId(event.target.value)} disabled={boards.length === 0} data-testid="search-board-select">
              {boards.length === 0 && <option value="">{listing ? 'no board can run now' : 'loading boards…'}</option>}
              {boards.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name} ({formatBytes(candidate.flashBytes)} flash, {formatBytes(candidate.ramBytes)} RAM)
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="search-form__row">
          {text('Flash budget (KiB)', flashKb, setFlashKb, 'search-budget-flash', board ? String(Math.floor(board.flashBytes / 1024)) : '', "Blank: the board's flash")}
          {text('RAM budget (KiB)', ramKb, setRamKb, 'search-budget-ram', board ? String(Math.floor(board.ramBytes / 1024)) : '', "Arena + stack; blank: the board's RAM")}
          {text(`Max latency (${board?.timerUnit ?? 'instructions'})`, maxLatency, setMaxLatency, 'search-max-latency', 'none')}
          <label className="field">
            <span className="field__label">Optimizer</span>
            <select className="select" value={optimizer} onChange={(event) => setOptimizer(event.target.value)} data-testid="search-optimizer-select">
              <option value="bo">Bayesian (GP, expected hypervolume improvement)</option>
              <option value="random">random</option>
              <option value="sobol">Sobol</option>
            </select>
          </label>
        </div>
        <div className="search-form__row">
          {text('Trials', trials, setTrials, 'search-trials-input', undefined, 'Trials in all, counting the ones a search with the same settings already stored')}
          {text('Epochs', epochs, setEpochs, 'search-epochs-input', undefined, 'Training epochs per candidate (early stopping on the validation part)')}
          {text('Seed', seed, setSeed, 'search-seed-input')}
          {text('Samples', limit, setLimit, 'search-limit-input', 'all', 'Read only this many samples (files per class of a time series)')}
          {text('Steps per trial', maxSteps, setMaxSteps, 'search-max-steps-input', 'no limit', 'Stop each training after this many steps (quick runs)')}
          <label className="checkbox" title="Also search int8 candidates fine-tuned with quantization-aware training (qat-int8) beside post-training quantized ones">
            <input type="checkbox" checked={withQat} onChange={(event) => setQat(event.target.checked)} data-testid="search-qat" /> int8 QAT too
          </label>
          <label className="checkbox" title="Also search float32 candidates (no quantization) beside int8 ones">
            <input type="checkbox" checked={float32} onChange={(event) => setFloat32(event.target.checked)} data-testid="search-float32" /> float32 too
          </label>
          <button type="submit" className="button button--primary" disabled={problem !== undefined || starting} data-testid="search-start-button">
            Start search
          </button>
        </div>
        {problem && (
          <p className="note" data-testid="search-problem">
            {problem}
          </p>
        )}
      </form>
      <p className="note">
        Each trial builds a candidate of the space, trains it (held-out: the last 20 % of the dataset), quantizes it to int8 (or keeps it float32, or fine-tunes it with quantization-aware
        training, when those are searched too), deploys it on the board and measures latency, arena, stack and flash; a candidate the memory planner proves cannot fit is rejected before
        training.
      </p>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
    </Panel>
  );
}

function SearchResults({ projectId, search, variants, onVariantsChanged }: { projectId: string; search: SearchDetail; variants: ModelVariant[]; onVariantsChanged: () => void }) {
  const [selected, setSelected] = useState<number>();
  const front = new Set(search.front);
  const points = paretoPoints(search.trialList, search.front);
  const unit = search.trialList.find((trial) => trial.latencyUnit)?.latencyUnit ?? 'instructions';
  const trial = search.trialList.find((candidate) => candidate.index === selected);
  const columns: Column<SearchTrial>[] = [
    { header: '#', align: 'numeric', render: (row) => row.index },
    { header: 'Candidate', className: 'search-table__params mono', render: (row) => paramsText(row.params) },
    { header: 'Status', title: (row) => row.reason, render: (row) => <span className={`search-status search-status--${row.status}`}>{row.status}</span> },
    { header: 'Accuracy', align: 'numeric', render: (row) => (row.accuracy === undefined ? '–' : formatPercent(row.accuracy, 2)) },
    { header: `Latency (${unit})`, align: 'numeric', render: (row) => (row.latency === undefined ? '–' : formatCount(row.latency)) },
    { header: 'RAM', align: 'numeric', headerTitle: 'arena + stack', render: (row) => (row.arenaBytes === undefined ? '–' : formatBytes(row.arenaBytes + (row.stackBytes ?? 0))) },
    { header: 'Flash', align: 'numeric', render: (row) => (row.flashBytes === undefined ? '–' : formatBytes(row.flashBytes)) },
    { header: 'Front', render: (row) => (front.has(row.index) ? '★' : '') },
  ];
  const budget = [
    search.budget.flashBytes !== undefined ? `flash ≤ ${formatBytes(search.budget.flashBytes)}` : undefined,
    search.budget.ramBytes !== undefined ? `RAM ≤ ${formatBytes(search.budget.ramBytes)}` : undefined,
    search.budget.latency !== undefined ? `latency ≤ ${formatCount(search.budget.latency)}` : undefined,
  ].filter(Boolean);

  return (
    <>
      <Panel title={`Pareto plot: ${search.space} on ${search.boardId}`} testId="search-plot-panel">
        <p className="note">
          {search.trialsDone} of {search.trials} trials, {search.optimizer}, seed {search.seed}, {search.epochs} epochs{budget.length ? `, ${budget.join(', ')}` : ''}; {search.front.length} on the front.
        </p>
        <ParetoPlot points={points} unit={unit} selected={selected} onSelect={setSelected} />
        {trial && <TrialActions projectId={projectId} searchId={search.id} trial={trial} variants={variants} onVariantsChanged={onVariantsChanged} />}
      </Panel>
      <Panel title="Trials" testId="search-trials-panel">
        <DataTable
          columns={columns}
          rows={search.trialList}
          rowKey={(row) => row.index}
          rowTestId="search-trial-row"
          rowAttributes={(row) => ({ 'data-index': String(row.index), 'data-status': row.status })}
          isSelected={(row) => row.index === selected}
          onRowClick={(row) => setSelected(row.index)}
          label="Trials of the search"
          className="search-table"
          empty={{ title: 'No trial has ended yet' }}
        />
      </Panel>
    </>
  );
}

function TrialActions({
  projectId,
  searchId,
  trial,
  variants,
  onVariantsChanged,
}: {
  projectId: string;
  searchId: string;
  trial: SearchTrial;
  variants: ModelVariant[];
  onVariantsChanged: () => void;
}) {
  const services = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const made = variants.find((variant) => variant.origin.kind === 'search' && variant.origin.searchId === searchId && variant.origin.trialIndex === trial.index);
  const act = async (then?: 'deploy' | 'model') => {
    setBusy(true);
    setError(undefined);
    try {
      const variant = made ?? (await services.searches.makeVariant({ searchId, trialIndex: trial.index }));
      onVariantsChanged();
      if (then) navigate({ screen: 'project', projectId, tab: then, variantId: variant.id });
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="search-selection" data-testid="search-selection" data-index={trial.index}>
      <p>
        <strong>Trial {trial.index}</strong> <span className="mono">{paramsText(trial.params)}</span>: {trial.status}
        {trial.accuracy !== undefined && `, accuracy ${formatPercent(trial.accuracy, 2)}`}
        {trial.reason && ` (${trial.reason})`}
      </p>
      <div className="search-selection__actions">
        {made ? (
          <span data-testid="search-variant-made">
            Variant{' '}
            <a href={`#/projects/${encodeURIComponent(projectId)}/model/${encodeURIComponent(made.id)}`} data-testid="search-variant-link">
              {made.name}
            </a>
          </span>
        ) : (
          <button type="button" className="button" disabled={busy || !trial.hasModel} onClick={() => void act()} data-testid="search-make-variant" title={trial.hasModel ? 'Keep this trial’s int8 model as a variant of the project' : 'This trial kept no model'}>
            Make variant
          </button>
        )}
        <button type="button" className="button" disabled={busy || !trial.hasModel} onClick={() => void act('deploy')} data-testid="search-deploy">
          Deploy…
        </button>
        <button type="button" className="button" disabled={busy || !trial.hasModel} onClick={() => void act('model')} data-testid="search-optimize">
          Optimize further…
        </button>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
    </div>
  );
}
