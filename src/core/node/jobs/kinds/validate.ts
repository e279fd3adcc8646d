import type { Board } from '../../../common/boards/index.js';
import { checkSameProject } from '../../../../shared/services/checks.js';
import { jobDefaults } from '../../../../shared/services/job-kinds.js';
import { EvaluationRecords } from '../../datasets/evaluation-records.js';
import type { ValidateResult } from '../../deploy/validate.js';
import { unreachableReason } from '../../devices/board-connection.js';
import type { OptimizeFor } from '../../../../shared/services/types.js';
import type { JobKindDescriptor } from './descriptor.js';
import { lendBoardToJob, storeBoard } from './deploy.js';

/** Parameters of a validate job, as it is stored. */
export interface ValidateJobParams {
  variantId: string;
  boardId: string;
  datasetId: string;
  samples: number;
  /** What the code is generated for: the project's setting when the job was accepted (absent in jobs stored before it existed: size). */
  optimizeFor?: OptimizeFor;
}

/** Validate on the board in the worker (src/worker/tasks/validate.ts). */
export interface ValidateTask {
  kind: 'validate';
  modelPath: string;
  modelName: string;
  modelHash: string;
  boardId: string;
  /** The board's entry, read in the backend (a custom board is in the store, which the worker does not open). */
  board?: Board;
  datasetPath: string;
  samples: number;
  /** What the code is generated for (GenerateOptions.optimize; default size). */
  optimize?: OptimizeFor;
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
  /** What the firmware was generated for (stored with the validation too). */
  optimizeFor: OptimizeFor;
}

/**
 * Validate on the board: N samples of a dataset of the project run on a board (virtual or real,
 * catalog or custom) and on the host, compared sample by sample (core/node/deploy/validate.ts);
 * records the validation. A real board is reached as Deploy reaches it: lent to the job by the
 * backend's device manager while it runs, its port and flashing found in the worker.
 */
export const validateJob: JobKindDescriptor<'validate', ValidateJobParams, ValidateTask, ValidateOutput> = {
  kind: 'validate',
  accept(store, { variantId, boardId, datasetId, samples = jobDefaults.validate.samples }) {
    const variant = store.getVariant(variantId);
    const dataset = store.getDataset(datasetId);
    checkSameProject(dataset, variant);
    const board = storeBoard(store, boardId);
    // What can be known without the machine is refused at once (firmware not written, no GDB server TinyDeploy can start).
    const unreachable = unreachableReason(board);
    if (unreachable) throw unreachable;
    const optimizeFor = store.getProject(variant.projectId).optimizeFor;
    return { projectId: variant.projectId, params: { variantId: variant.id, boardId: board.id, datasetId: dataset.id, samples, optimizeFor }, boardId: board.id };
  },
  prepare(store, job, params) {
    const variant = store.getVariant(params.variantId);
    const dataset = store.getDataset(params.datasetId);
    const board = storeBoard(store, params.boardId);
    if (!board.qemu) lendBoardToJob(store, board, `validate job ${job.id}`, job.id);
    return {
      kind: 'validate',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      modelHash: variant.fileHash,
      boardId: board.id,
      board,
      datasetPath: dataset.path,
      samples: params.samples,
      optimize: params.optimizeFor ?? 'size',
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
    return { evaluationId: evaluation.id, boardId: result.boardId, samples: result.samples, equal: result.equal, accuracy: result.accuracy, optimizeFor: result.optimizeFor };
  },
};
