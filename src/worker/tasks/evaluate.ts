import { formatPercent } from './format.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { evaluate } from '../../core/node/datasets/evaluate.js';
import type { EvaluateOutput, EvaluateTask } from '../../core/node/jobs/kinds/evaluate.js';
import { loadModelFile } from '../../core/node/model-file.js';
import type { TaskContext } from './task-context.js';

/** Host accuracy of a variant on a dataset (the reference interpreter, as `tinydeploy eval`). */
export async function runEvaluateTask(task: EvaluateTask, context: TaskContext): Promise<EvaluateOutput> {
  const [graph, dataset] = await Promise.all([loadModelFile(task.modelPath, task.modelName), openDataset(task.datasetPath)]);
  const total = Math.min(task.limit ?? Infinity, dataset.size);
  context.progress({ fraction: 0, step: 'evaluate', log: [`evaluating ${task.modelName} on ${dataset.name}: ${total} of ${dataset.size} samples`] });
  const result = await evaluate(graph, dataset, {
    limit: task.limit,
    signal: context.signal,
    onProgress: ({ done, total: all, correct }) => context.progress({ fraction: done / all, step: `sample ${done} of ${all}, accuracy ${formatPercent(correct / done)}` }),
  });
  context.progress({ fraction: 1, step: 'done', log: [`${result.correct} of ${result.samples} correct: top-1 accuracy ${formatPercent(result.accuracy)}`] });
  return { kind: 'evaluate', result };
}
