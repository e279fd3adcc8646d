/**
 * A deploy job while it runs and after: the four steps (build, flash, run, verify) with the one
 * in progress highlighted, the progress bar, what it does now, Cancel, the error of a failed job
 * and its log, which follows new lines unless the user scrolled up to read.
 */

import { useEffect, useRef, useState } from 'react';
import type { Job } from '../../../shared/services/types.js';
import { JobHeader } from '../components/job-header.js';
import { formatElapsed } from '../format.js';
import { isActive } from '../state/services-context.js';
import { deploySteps, stepStates } from './deploy-steps.js';
import './deploy.css';

const stepLabels: Record<(typeof deploySteps)[number], string> = { build: 'Build', flash: 'Flash', run: 'Run', verify: 'Verify' };

export function JobProgress({ job }: { job: Job }) {
  const states = stepStates(job);
  const now = useNow(isActive(job));

  return (
    <div className="job-progress" data-testid="deploy-progress" data-status={job.status}>
      <ol className="steps" aria-label="Deploy steps">
        {deploySteps.map((step, i) => (
          <li key={step} className={`steps__step steps__step--${states[i]}`} aria-current={states[i] === 'active' ? 'step' : undefined} data-testid={`step-${step}`} data-state={states[i]}>
            <span className="steps__marker" aria-hidden="true">
              {states[i] === 'done' ? '✓' : states[i] === 'failed' ? '✗' : states[i] === 'stopped' ? '■' : i + 1}
            </span>
            <span className="steps__label">{stepLabels[step]}</span>
            <span className="visually-hidden">: {states[i]}</span>
          </li>
        ))}
      </ol>
      <JobHeader
        job={job}
        label="Deploy progress"
        cancelTestId="cancel-job"
        beside={
          <span className="job-progress__elapsed numeric" title="elapsed">
            {formatElapsed(job.startedAt ?? job.createdAt, job.finishedAt ?? now)}
          </span>
        }
      />
      {job.status === 'interrupted' && !job.error && <p className="muted">The app quit while this job was running; start it again.</p>}
      <JobLog lines={job.log} />
    </div>
  );
}

/** The job's log in monospace, scrolled to the newest line unless the reader scrolled away from it. */
export function JobLog({ lines }: { lines: readonly string[] }) {
  const ref = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const element = ref.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [lines.length]);
  return (
    <pre
      ref={ref}
      className="job-log"
      role="log"
      aria-label="Job log"
      tabIndex={0}
      data-testid="job-log"
      onScroll={(event) => {
        const element = event.currentTarget;
        pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 8;
      }}
    >
      {lines.length === 0 ? <span className="muted">(no output yet)</span> : lines.join('\n')}
    </pre>
  );
}

/** The current time as ISO, ticking every half second while `ticking` (for elapsed times). */
function useNow(ticking: boolean): string {
  const [now, setNow] = useState(() => new Date().toISOString());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(new Date().toISOString()), 500);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? now : new Date().toISOString();
}
