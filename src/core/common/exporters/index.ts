/**
 * Model writers: the inverse of `importers/`. A graph of the IR is saved in a format that other
 * tools run (TFLite first), so that a variant made by TinyDeploy's passes can leave the app.
 */
export { exportTflite, DEFAULT_DESCRIPTION, TFLITE_SCHEMA_VERSION } from './tflite/writer.js';
