/**
 * The schema of every service method's request and the list of every service's events. The
 * serving side (Electron main, `tinydeploy serve`) validates each payload against it before the
 * implementation sees it, and the proxy serves exactly the methods and events named here: this
 * catalog is the one list of what crosses a process boundary.
 *
 * `ServicesSchema<AppServices>` makes the compiler check it against `types.ts`: a method added
 * there without a schema here, or a schema whose type differs from the method's request, does
 * not compile.
 */

import type { AppServices, Unsubscribe } from './types.js';
import { array, bytes, formatIssue, integer, nothing, object, optional, type AnySchema, type Schema } from './validation.js';
import { RequestError } from './errors.js';
import { absolutePath, displayName, fileName, id, optimizeFor, relativePath } from './fields.js';
import { startMethodSchemas } from './job-kinds.js';
import type { ReportFormat } from './compare-types.js';
import { string } from './validation.js';

/** The formats of a measurement report (`exports.report`). */
const reportFormat = string({ minLength: 3, maxLength: 4, pattern: { expression: /^(html|csv|json)$/, description: 'html, csv or json' } }) as Schema<ReportFormat>;

type RequestOf<F> = F extends (...args: infer A) => unknown ? (A extends [] ? undefined : A[0]) : never;

/** Names of a service's methods: members returning a Promise. */
export type MethodNames<S> = { [K in keyof S]: S[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof S] & string;
/** Names of a service's events: `onSomething(listener)` members returning an unsubscribe function. */
export type EventNames<S> = { [K in keyof S]: S[K] extends (listener: never) => Unsubscribe ? K : never }[keyof S] & string;

export interface ServiceSchema<S> {
  methods: { [M in MethodNames<S>]: Schema<RequestOf<S[M]>> };
  events: { [E in EventNames<S>]: true };
}

/** A schema for each service of `T` (an object of services by name). */
export type ServicesSchema<T> = { [Name in keyof T & string]: ServiceSchema<T[Name]> };

/** Largest model file accepted by `models.importModel` (MCU models are KiB to a few MiB). */
export const maxModelBytes = 64 * 1024 * 1024;

export const servicesSchema: ServicesSchema<AppServices> = {
  projects: {
    methods: {
      list: nothing,
      create: object({ name: displayName }),
      rename: object({ id, name: displayName }),
      setOptimizeFor: object({ id, optimizeFor }),
      remove: object({ id }),
    },
    events: {},
  },
  models: {
    methods: {
      list: object({ projectId: id }),
      importModel: object({ projectId: id, fileName, bytes: bytes(1, maxModelBytes) }),
      rename: object({ variantId: id, name: displayName }),
      get: object({ variantId: id }),
      remove: object({ variantId: id }),
    },
    events: {},
  },
  datasets: {
    methods: {
      list: object({ projectId: id }),
      add: object({ projectId: id, path: absolutePath, name: optional(displayName) }),
      remove: object({ datasetId: id }),
      preview: object({ datasetId: id, count: optional(integer(1, 12)) }),
      // One message carries the whole folder: its size is bounded by the transport's message limit.
      upload: object({ projectId: id, name: fileName, files: array(object({ path: relativePath, bytes: bytes(0, maxModelBytes) }), 1, 100_000) }),
      chooseFolder: nothing,
    },
    events: {},
  },
  jobs: {
    methods: {
      list: object({ projectId: optional(id) }),
      get: object({ jobId: id }),
      // startDeploy, startEvaluate, …: one per kind of job, with its parameters (job-kinds.ts).
      ...startMethodSchemas,
      cancel: object({ jobId: id }),
    },
    events: { onJobChanged: true },
  },
  devices: {
    methods: { list: nothing },
    events: { onDevicesChanged: true },
  },
  measurements: {
    methods: { list: object({ projectId: id, variantId: optional(id) }) },
    events: {},
  },
  evaluations: {
    methods: { list: object({ projectId: id, variantId: optional(id) }) },
    events: {},
  },
  compare: {
    methods: {
      table: object({ projectId: id }),
      layerDiff: object({ measurementA: id, measurementB: id }),
    },
    events: {},
  },
  graphs: {
    methods: { get: object({ variantId: id }) },
    events: {},
  },
  exports: {
    methods: {
      cProject: object({ variantId: id, boardId: id }),
      firmware: object({ variantId: id, boardId: id }),
      model: object({ variantId: id }),
      report: object({ measurementId: id, format: reportFormat }),
    },
    events: {},
  },
  searches: {
    methods: {
      list: object({ projectId: id }),
      get: object({ searchId: id }),
      makeVariant: object({ searchId: id, trialIndex: integer(0, 1_000_000) }),
    },
    events: {},
  },
  menu: {
    methods: {},
    events: { onCommand: true },
  },
};

/**
 * Checks `request` against the schema of `service.method` and throws a RequestError naming
 * them, the field and the value (`projects.rename: name must be a non-empty string of at most
 * 200 characters, got ""`). Unknown services and methods are refused the same way.
 */
export function validateRequest<T>(schema: ServicesSchema<T>, service: string, method: string, request: unknown): void {
  const serviceSchema = Object.hasOwn(schema, service) ? (schema as Record<string, ServiceSchema<unknown>>)[service] : undefined;
  if (!serviceSchema) {
    throw new RequestError(`unknown service ${JSON.stringify(service)} (services: ${Object.keys(schema).join(', ')})`, { service });
  }
  const methods = serviceSchema.methods as Record<string, AnySchema>;
  const methodSchema = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!methodSchema) {
    const names = Object.keys(methods);
    throw new RequestError(`${service}: unknown method ${JSON.stringify(method)} (methods: ${names.length > 0 ? names.join(', ') : 'none'})`, { service, method });
  }
  const issue = methodSchema.check(request);
  if (issue) throw new RequestError(`${service}.${method}: ${formatIssue(issue)}`, { service, method, field: issue.path.join('.') });
}
