/**
 * Checks of service requests that a schema cannot make (they trim, or compare two records), shared
 * by the real services (core/node/services) and the in-memory fake (testing/fake-services.ts) so
 * that both refuse the same requests with the same errors.
 */

import { UsageError } from '../../core/common/errors.js';

/** Longest project or dataset name kept. */
export const maxNameLength = 200;

/** A name people typed, trimmed; empty or too long is a UsageError naming `what`. */
export function checkName(what: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new UsageError(`${what} name must not be empty`);
  if (trimmed.length > maxNameLength) throw new UsageError(`${what} name has ${trimmed.length} characters, at most ${maxNameLength} are allowed`, { length: trimmed.length });
  return trimmed;
}

interface Named {
  id: string;
  name: string;
  projectId: string;
}

/** A job may use a dataset of its variant's project only. */
export function checkSameProject(dataset: Named, variant: Named): void {
  if (dataset.projectId !== variant.projectId) {
    throw new UsageError(`dataset ${dataset.id} (${dataset.name}) belongs to another project than variant ${variant.id} (${variant.name})`, { datasetId: dataset.id, variantId: variant.id });
  }
}
