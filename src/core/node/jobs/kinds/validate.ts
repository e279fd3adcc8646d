import { requireBoard } from '../../../common/boards/index.js';
import { DeviceError } from '../../../common/errors.js';
import { checkSameProject } from '../../../../shared/services/checks.js';
import { jobDefaults } from '../../../../shared/services/job-kinds.js';
import { EvaluationRecords } from '../../datasets/evaluation-records.js';
import type { ValidateResult } from '../../deploy/validate.js';
import type { JobKindDescriptor } from './descriptor.js';
import { realBoardReason } from './deploy.js';

/** Parameters of a validate job, as it is stored. */
export interface ValidateJobParams {
  variantId: string;
  boardId: string;
  datasetId: string;
  samples: number;
}

/** Validate on the board in the worker (src/worker/tasks/validate.ts). */
export interface ValidateTask {
  kind: 'validate';
  modelPath: string;
  modelName: string;
  modelHash: string;
  boardId: string;
  datasetPath: string;
  samples: number;
}

export interface ValidateOutput {
  kind: 'validate';
  result: ValidateResult;
}

export interface ValidateJobResult {
  evaluationId: string;
  boardId: string;
  samples: number;
  equal: number;
  accuracy: { board: number | null; host: number | null };
}

/**
 * Validate on the board: N samples of a dataset of the project run on a virtual board and on the
 * host, compared sample by sample (core/node/deploy/validate.ts); records the validation.
 */
export const validateJob: JobKindDescriptor<'validate', ValidateJobParams, ValidateTask, ValidateOutput> = {
  kind: 'validate',
  accept(store, { variantId, boardId, datasetId, samples = jobDefaults.validate.samples }) {
    const variant = store.getVariant(variantId);
    const dataset = store.getDataset(datasetId);
    checkSameProject(dataset, variant);
    const board = requireBoard(boardId);
    if (board.kind !== 'virtual') throw new DeviceError(`board ${board.id} is real hardware: ${realBoardReason}`, { board: board.id });
    return { projectId: variant.projectId, params: { variantId: variant.id, boardId: board.id, datasetId: dataset.id, samples }, boardId: board.id };
  },
  prepare(store, _job, params) {
    const variant = store.getVariant(params.variantId);
    const dataset = store.getDataset(params.datasetId);
    return {
      kind: 'validate',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      modelHash: variant.fileHash,
      boardId: requireBoard(params.boardId).id,
      datasetPath: dataset.path,
      samples: params.samples,
    };
  },
  complete(store, job, params, { result }): ValidateJobResult {
    const variant = store.getVariant(params.variantId);
    // The dataset may have been removed while the job ran: its id then names nothing.
    const dataset = store.findDataset(params.datasetId);
    const { boardName: _boardName, model: _model, datasetName, timings: _timings, ...validation } = result;
    const evaluation = new EvaluationRecords(store).add({
      projectId: variant.projectId,
      variantId: variant.id,
      jobId: job.id,
      datasetId: dataset ? dataset.id : null,
      datasetName: dataset?.name ?? datasetName,
      kind: 'validate',
      boardId: result.boardId,
      validation,
    });
    return { evaluationId: evaluation.id, boardId: result.boardId, samples: result.samples, equal: result.equal, accuracy: result.accuracy };
  },
};
