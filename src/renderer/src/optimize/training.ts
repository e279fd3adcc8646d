/**
 * The Optimize panel's pure parts: the pipelines it offers, the job request its form makes (with
 * the reason when the form cannot start a job), and the per-epoch figures read back from an
 * optimize job's log (the worker writes one line per epoch: loss and validation accuracy).
 */

import type { JobRequest } from '../../../shared/services/job-kinds.js';
import { newestFirst } from '../../../core/common/newest-first.js';

/** A pipeline the panel offers: post-training quantization or passes that train. */
export interface PipelineChoice {
  id: string;
  label: string;
  /** Empty: the post-training quantize-int8 job (calibration, no training). */
  passes: string[];
}

export const pipelineChoices: readonly PipelineChoice[] = [
  { id: 'quantize-int8', label: 'Quantize to int8 (post-training)', passes: [] },
  { id: 'prune-finetune', label: 'Prune channels → fine-tune', passes: ['prune-channels', 'finetune'] },
  { id: 'prune-finetune-int8', label: 'Prune channels → fine-tune → int8', passes: ['prune-channels', 'finetune', 'quantize-int8'] },
  { id: 'prune-distill', label: 'Prune channels → distill from the parent', passes: ['prune-channels', 'distill'] },
  { id: 'finetune', label: 'Fine-tune', passes: ['finetune'] },
  { id: 'finetune-int8', label: 'Fine-tune → int8', passes: ['finetune', 'quantize-int8'] },
  { id: 'prune-finetune-qat', label: 'Prune channels → fine-tune → int8 by quantization-aware training', passes: ['prune-channels', 'finetune', 'qat-int8'] },
  { id: 'qat-int8', label: 'Quantization-aware training → int8', passes: ['qat-int8'] },
];

export function findPipeline(id: string): PipelineChoice {
  const choice = pipelineChoices.find((candidate) => candidate.id === id);
  if (!choice) throw new Error(`unknown pipeline "${id}" (known: ${pipelineChoices.map((candidate) => candidate.id).join(', ')})`);
  return choice;
}

/** How much pruning removes: a share of every prunable group, or down to a parameter or MAC budget. */
export type PruneTarget = { kind: 'ratio'; percent: number } | { kind: 'params'; count: number } | { kind: 'macs'; count: number };

/** What the training form holds. */
export interface TrainingForm {
  pipeline: string;
  /** A dataset of the project (required for training). */
  datasetId?: string;
  target: PruneTarget;
  epochs: number;
  holdoutPercent: number;
  seed: number;
  /** Stop after this many training steps (a quick look); absent: whole epochs. */
  maxSteps?: number;
}

export const defaultTrainingForm: TrainingForm = { pipeline: 'prune-finetune', target: { kind: 'ratio', percent: 50 }, epochs: 3, holdoutPercent: 20, seed: 1 };

/** True when the pipeline prunes (so the form asks for a target). */
export function prunes(choice: PipelineChoice): boolean {
  return choice.passes.includes('prune-channels');
}

/**
 * The optimize job request for a training form, or the reason it cannot be started (no dataset,
 * a value out of the job's range, a budget the variant already meets).
 */
export function trainingRequest(
  variant: { id: string; summary: { parameters: number; macs: number } },
  form: TrainingForm,
): { request: JobRequest<'optimize'>; problem?: undefined } | { request?: undefined; problem: string } {
  const choice = findPipeline(form.pipeline);
  if (choice.passes.length === 0) return { problem: `${choice.label} is not a training pipeline` };
  if (!form.datasetId) return { problem: 'Training needs a dataset of the project: add one below.' };
  const whole = (name: string, value: number, min: number, max: number) => (Number.isInteger(value) && value >= min && value <= max ? undefined : `${name} must be a whole number from ${min} to ${max}, not ${value}`);
  const checks = [whole('Epochs', form.epochs, 1, 10_000), whole('Held-out share (%)', form.holdoutPercent, 1, 90), whole('Seed', form.seed, 0, 2_147_483_647)];
  if (form.maxSteps !== undefined) checks.push(whole('Max steps', form.maxSteps, 1, 10_000_000));
  const request: JobRequest<'optimize'> = { variantId: variant.id, datasetId: form.datasetId, passes: [...choice.passes], epochs: form.epochs, holdoutPercent: form.holdoutPercent, seed: form.seed };
  if (form.maxSteps !== undefined) request.maxSteps = form.maxSteps;
  if (prunes(choice)) {
    const { target } = form;
    if (target.kind === 'ratio') {
      checks.push(whole('Prune ratio (%)', target.percent, 1, 99));
      request.ratioPercent = target.percent;
    } else {
      const [name, current] = target.kind === 'params' ? ['Target parameters', variant.summary.parameters] : ['Target MACs', variant.summary.macs];
      checks.push(whole(name, target.count, 1, 1_000_000_000_000));
      if (Number.isInteger(target.count) && target.count >= current) checks.push(`${name} (${target.count}) must be below the variant's ${current}`);
      if (target.kind === 'params') request.targetParams = target.count;
      else request.targetMacs = target.count;
    }
  }
  const problem = checks.find((check) => check !== undefined);
  return problem ? { problem } : { request };
}

/** One epoch of a training pass, as the job's log reports it. */
export interface EpochPoint {
  /** The training pass (finetune or distill) and which of the job's training passes it is (0, 1, …). */
  pass: string;
  passIndex: number;
  epoch: number;
  epochs: number;
  loss: number;
  /** 0 … 1; absent when the pass had no validation part. */
  validationAccuracy?: number;
}

const epochLine = /^(finetune|distill): epoch (\d+)\/(\d+): loss (-?[\d.]+(?:e[-+]?\d+)?|NaN|Infinity)(?:, validation accuracy ([\d.]+)%)?/;
const passLine = /^pass \d+ of \d+: /;

/** The epochs in an optimize job's log, in order (lines such as "finetune: epoch 2/5: loss 0.1234, validation accuracy 97.25%, …"). */
export function epochPoints(log: readonly string[]): EpochPoint[] {
  const points: EpochPoint[] = [];
  let passIndex = -1;
  let lastPass = '';
  for (const line of log) {
    if (passLine.test(line)) {
      lastPass = '';
      continue;
    }
    const match = epochLine.exec(line);
    if (!match) continue;
    const [, pass, epoch, epochs, loss, accuracy] = match;
    if (pass !== lastPass) passIndex++;
    lastPass = pass;
    points.push({ pass, passIndex, epoch: Number(epoch), epochs: Number(epochs), loss: Number(loss), ...(accuracy !== undefined ? { validationAccuracy: Number(accuracy) / 100 } : {}) });
  }
  return points;
}

/** A training step as the job's current step shows it ("finetune: epoch 1/3 step 12/113 loss 0.4567"). */
export interface StepPoint {
  pass: string;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
}

const stepLine = /^(finetune|distill): epoch (\d+)\/(\d+) step (\d+)\/(\d+) loss (-?[\d.]+(?:e[-+]?\d+)?|NaN|Infinity)$/;

export function stepPoint(step: string): StepPoint | undefined {
  const match = stepLine.exec(step);
  if (!match) return undefined;
  const [, pass, epoch, epochs, at, steps, loss] = match;
  return { pass, epoch: Number(epoch), epochs: Number(epochs), step: Number(at), steps: Number(steps), loss: Number(loss) };
}

/** Where a step sits on the chart's epoch axis: epoch 2 of steps 1…100, step 50 → 1.5 (epochs run from 0 to `epochs`). */
export function stepPosition(point: StepPoint): number {
  return point.epoch - 1 + point.step / Math.max(1, point.steps);
}

const trainingPassLine = /^pass \d+ of \d+: (finetune|distill)$/;

/**
 * Where the training pass now running starts on the chart's epoch axis: the epochs of the
 * training passes before it in the log (their "pass i of n" lines and epoch lines), so a step seen
 * now is drawn at this offset plus its position within the pass.
 */
export function currentPassOffset(log: readonly string[]): number {
  const running = log.filter((line) => trainingPassLine.test(line)).length - 1;
  const epochsOf = new Map<number, number>();
  for (const point of epochPoints(log)) epochsOf.set(point.passIndex, point.epochs);
  let offset = 0;
  for (const [passIndex, epochs] of epochsOf) if (passIndex < running) offset += epochs;
  return offset;
}

/** A before → after figure with its change: "9,530 → 4,370 (−54.1%)". */
export function change(before: number, after: number): { ratio: number; percent: string } {
  const ratio = before === 0 ? 0 : (after - before) / before;
  const percent = `${ratio > 0 ? '+' : ratio < 0 ? '−' : '±'}${Math.abs(100 * ratio).toFixed(1)}%`;
  return { ratio, percent };
}

/** What a deploy measured, as the comparison needs it. */
export interface DeployFigures {
  boardId: string;
  latency?: { value: number; unit: 'instructions' | 'cycles' };
  ramBytes?: number;
  flashBytes?: number;
}

interface DeployLike extends Omit<DeployFigures, 'boardId'> {
  boardId?: string;
  variantId: string;
  kind: string;
  createdAt: string;
}

/**
 * Parent and variant once deployed, on one board: the board of the variant's newest deploy (else
 * the parent's), and each side's newest deploy there (absent when that side has none on it).
 * Undefined when neither has been deployed.
 */
export function deployedSideBySide(measurements: readonly DeployLike[], parentId: string, variantId: string): { boardId: string; parent?: DeployFigures; variant?: DeployFigures } | undefined {
  const deploys = newestFirst(measurements.filter((measurement) => measurement.kind === 'deploy' && measurement.boardId !== undefined));
  const board = (deploys.find((measurement) => measurement.variantId === variantId) ?? deploys.find((measurement) => measurement.variantId === parentId))?.boardId;
  if (board === undefined) return undefined;
  const newest = (id: string) => {
    const found = deploys.find((measurement) => measurement.variantId === id && measurement.boardId === board);
    return found && { boardId: board, latency: found.latency, ramBytes: found.ramBytes, flashBytes: found.flashBytes };
  };
  const parent = newest(parentId);
  const variant = newest(variantId);
  return { boardId: board, ...(parent ? { parent } : {}), ...(variant ? { variant } : {}) };
}
