/**
 * `distill`: trains the model against a teacher's softened outputs as well as the labels, loss
 * α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α)·cross-entropy (Hinton et al.). The
 * teacher is the model the pipeline started from (the parent: distilling a pruned network from the
 * network it was cut from) unless the training data names another. α = 1 ignores the labels.
 */

import { PassError } from '../../../common/errors.js';
import { registerPass } from '../../../common/passes/registry.js';
import { type FinetuneOptions, trainPass, trainingOptionSpecs } from './finetune.js';

export interface DistillOptions extends FinetuneOptions {
  alpha?: number;
  temperature?: number;
}

registerPass<DistillOptions>({
  name: 'distill',
  description: 'train against a teacher (the parent model by default): α·T²·KL(teacher/T ‖ student/T) + (1 − α)·cross-entropy',
  requires: 'as finetune, and a teacher with the same input and output shapes',
  resources: ['training'],
  options: {
    ...trainingOptionSpecs,
    alpha: { type: 'number', description: 'weight of the soft-target loss (1: labels unused)', default: 0.5 },
    temperature: { type: 'number', description: 'softmax temperature T of both networks', default: 4 },
  },
  run(graph, context) {
    const teacher = context.resources.training?.teacher;
    if (!teacher) throw new PassError('distill needs a teacher model (the parent, or one given with --teacher)');
    const alpha = context.options.alpha ?? 0.5;
    const temperature = context.options.temperature ?? 4;
    if (!(alpha >= 0 && alpha <= 1)) throw new PassError(`alpha ${alpha} is not in [0, 1]`);
    if (!(temperature > 0)) throw new PassError(`temperature ${temperature} must be positive`);
    const [studentOut, teacherOut] = [graph, teacher].map((model) => model.tensors[model.outputs[0]].shape.at(-1));
    if (studentOut !== teacherOut) throw new PassError(`the teacher has ${teacherOut} outputs, the model ${studentOut}`);
    return trainPass(graph, context, { teacher, alpha, temperature });
  },
});
