import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../test/testing/shared-data.js';
import { loadModelFile } from './model-file.js';
import { describeModel } from './model-summary.js';

describe('a variant’s summary', () => {
  it('tells a hybrid model (int8 weights, float32 compute) from a float and an int8 one', async () => {
    const summary = async (path: string) => describeModel(await loadModelFile(path)).summary;
    expect(await summary(sharedModels.kws_ref_model_float32)).toMatchObject({ dtype: 'float32', weightDtype: 'int8' });
    expect(await summary(sharedModels.ad01_fp32)).toMatchObject({ dtype: 'float32', weightDtype: 'float32' });
    expect(await summary(sharedModels.kws_ref_model)).toMatchObject({ dtype: 'int8', weightDtype: 'int8' });
  });
});
