import { useLayoutEffect, useRef, useState } from 'react';

/**
 * The width of an element, followed with a ResizeObserver: charts draw in pixels (so text keeps
 * its size) yet fill their panel. Starts at `initial` until the first measurement.
 */
export function useWidth<T extends HTMLElement>(initial = 480): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth || initial);
    const observer = new ResizeObserver((entries) => {
      const measured = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (measured > 0) setWidth(measured);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [initial]);
  return [ref, width];
}
