import { describe, expect, it } from 'vitest';
import { depthwiseCalls, mixedDepthwiseGraph } from '../../../../test/codegen/testing/mixed-depthwise.js';
import { generateModel } from './index.js';

describe('optimize for size or speed (GenerateOptions.optimize)', () => {
  it('size (the default) links one depthwise kernel for a model whose layers take different ones; speed gives each layer its own', () => {
    const graph = mixedDepthwiseGraph();
    const byDefault = generateModel(graph, { dsp: true });
    const size = generateModel(graph, { dsp: true, optimize: 'size' });
    const speed = generateModel(graph, { dsp: true, optimize: 'speed' });
    expect(size.source).toBe(byDefault.source);
    // Its three layers are 3x3: the blocks' entry for 3x3 windows alone (td_depthwise_conv2d_s8_3x3, the same file).
    expect(depthwiseCalls(size.source)).toEqual(['td_depthwise_conv2d_s8_3x3', 'td_depthwise_conv2d_s8_3x3', 'td_depthwise_conv2d_s8_3x3']);
    expect(size.kernels).toEqual(['td_depthwise_conv2d_s8']);
    expect(depthwiseCalls(speed.source)).toEqual(['td_depthwise_conv2d_s8_planes', 'td_depthwise_conv2d_s8', 'td_depthwise_conv2d_s8_wide_packed']);
    expect(speed.kernels).toEqual(['td_depthwise_conv2d_s8', 'td_depthwise_conv2d_s8_planes', 'td_depthwise_conv2d_s8_wide']);
  });

  it('changes nothing where every layer takes the same kernel, in portable builds and in Helium builds; Helium builds choose as DSP builds do', () => {
    // The two stride-1 layers alone: the planes and the wide kernel both link beside nothing else, so size takes them too.
    const graph = mixedDepthwiseGraph();
    const strideOne = { ...graph, ops: [graph.ops[0]!], outputs: [graph.ops[0]!.outputs[0]!] };
    for (const options of [{ dsp: true }, { dsp: false }, { dsp: true, helium: true }]) {
      expect(generateModel(strideOne, { ...options, optimize: 'speed' }).source, JSON.stringify(options)).toBe(generateModel(strideOne, { ...options, optimize: 'size' }).source);
    }
    expect(generateModel(graph, { dsp: false, optimize: 'speed' }).kernels).toEqual(['td_depthwise_conv2d_s8']);
    // The Cortex-M55 takes the DSP depthwise kernels where its Helium file runs no faster (3x3 windows): the same choice,
    // but through td_depthwise_conv2d_s8 itself where a DSP build calls its _3x3 entry (the Helium file's own loop runs
    // some 3x3 layers in that entry).
    for (const optimize of ['size', 'speed'] as const) {
      const dsp = depthwiseCalls(generateModel(graph, { dsp: true, optimize }).source).map((name) => (name === 'td_depthwise_conv2d_s8_3x3' ? 'td_depthwise_conv2d_s8' : name));
      expect(depthwiseCalls(generateModel(graph, { dsp: true, helium: true, optimize }).source), optimize).toEqual(dsp);
    }
    expect(depthwiseCalls(generateModel(graph, { dsp: true, helium: true, optimize: 'speed' }).source)).toContain('td_depthwise_conv2d_s8_planes');
  });
});
