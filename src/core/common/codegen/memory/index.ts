export * from './planner.js';
export * from './greedy.js';
export * from './graph-plan.js';
export * from './windowed.js';
export * from './timeline.js';
