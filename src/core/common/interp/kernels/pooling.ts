// Host kernel(s): not written yet.
export {};
