/** The field schemas service requests are made of (see schemas.ts and job-kinds.ts). */

import { string, type Schema } from './validation.js';

/** Store ids (UUIDs) and board ids ("virtual-m4f"). */
export const id = string({
  minLength: 1,
  maxLength: 128,
  pattern: { expression: /^[A-Za-z0-9][A-Za-z0-9._:-]*$/, description: "made of letters, digits, '.', '_', ':' and '-'" },
});

/** A name people type: project and dataset names. */
export const displayName = string({
  minLength: 1,
  maxLength: 200,
  pattern: { expression: /^(?=.*\S)[^\u0000-\u001f\u007f]*$/, description: 'not blank and without control characters' },
});

/** The base name of a dropped or chosen file: never a path. */
export const fileName = string({
  minLength: 1,
  maxLength: 255,
  pattern: { expression: /^(?!\.\.?$)[^/\\\u0000-\u001f\u007f]+$/, description: "a file name without '/', '\\' or control characters" },
});

/** A dataset on the serving machine: absolute, since the client's working folder means nothing there. */
export const absolutePath = string({
  minLength: 1,
  maxLength: 4096,
  pattern: {
    expression: /^(?=[^\u0000-\u001f\u007f]*$)(?:\/|[A-Za-z]:[\\/]|\\\\)/,
    description: 'an absolute path (/…, C:\\… or \\\\server\\…) without control characters',
  },
});

/** A file inside an uploaded folder: relative, '/'-separated, no empty, '.' or '..' part, no '\\' or control characters. */
export const relativePath = string({
  minLength: 1,
  maxLength: 1024,
  pattern: {
    expression: /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!\/)(?!.*\/\/)(?!.*\/$)[^\\\u0000-\u001f\u007f]+$/,
    description: "a relative path of '/'-separated names, none empty, '.' or '..', without '\\' or control characters",
  },
});

/**
 * What the code generator favours where kernels trade code for speed (GenerateOptions.optimize):
 * `size` takes a faster kernel only where the whole model can use it (one kernel per kind of layer
 * linked), `speed` gives each layer its fastest kernel, whatever the model then links.
 */
export type OptimizeFor = 'size' | 'speed';

/** An OptimizeFor value: `size` or `speed`. */
export const optimizeFor = string({ minLength: 4, maxLength: 5, pattern: { expression: /^(size|speed)$/, description: 'size or speed' } }) as Schema<OptimizeFor>;
