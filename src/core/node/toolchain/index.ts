export * from './compiler.js';
export * from './elf.js';
export * from './stack-usage.js';
export * from './firmware.js';
export * from './host-runner.js';
export * from './project.js';
export * from './build-model.js';
