/**
 * Small pieces every screen uses: error banners, status badges, the bit-exact badge, progress
 * bars and the confirmation dialog. Each is accessible on its own (roles, labels, keyboard), so
 * screens compose them without repeating that care.
 */

import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import type { JobStatus } from '../../../shared/services/types.js';
import { formatPercent, friendlyError } from '../format.js';
import './widgets.css';

/** A failed service call, with the error's class name (ImportError, DeviceError, …) and message. */
export function ErrorBanner({ error, onDismiss }: { error: Error | undefined; onDismiss?: () => void }) {
  if (!error) return null;
  const { title, message } = friendlyError(error);
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span className="error-banner__name">{title}</span>
      <span className="error-banner__message" title={message === error.message ? undefined : error.message}>
        {message}
      </span>
      {onDismiss && (
        <button type="button" className="button button--quiet" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      )}
    </div>
  );
}

const statusText: Record<JobStatus, string> = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge badge--${status}`} data-testid="job-status">
      {statusText[status]}
    </span>
  );
}

/**
 * Whether the board's outputs matched the host interpreter: bit-exact (every byte), within the
 * float tolerance (float outputs), or different. Colour is never the only signal: the text says it.
 */
export function BitExactBadge({ bitExact, passed }: { bitExact: boolean | undefined; passed: boolean | undefined }) {
  if (bitExact === undefined) return null;
  const kind = bitExact ? 'exact' : passed ? 'tolerance' : 'differs';
  const text = bitExact ? 'bit-exact' : passed ? 'within float tolerance' : 'outputs differ';
  const title = bitExact
    ? 'Every output byte of every run equals the host reference interpreter’s'
    : passed
      ? 'Integer outputs equal, float outputs within the relative tolerance'
      : 'The board’s outputs differ from the host reference interpreter’s';
  return (
    <span className={`badge badge--${kind}`} data-testid="bit-exact-badge" title={title}>
      {bitExact ? '✓ ' : passed ? '≈ ' : '✗ '}
      {text}
    </span>
  );
}

/** A determinate progress bar (0 … 1) with its percentage, announced to screen readers. */
export function ProgressBar({ value, label, status }: { value: number; label: string; status?: JobStatus }) {
  const clamped = Math.min(1, Math.max(0, value));
  return (
    <div className="progress" data-status={status}>
      <div
        className="progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped * 100)}
      >
        <div className="progress__fill" style={{ width: `${clamped * 100}%` }} />
      </div>
      <span className="progress__text numeric">{formatPercent(clamped, 0)}</span>
    </div>
  );
}

/**
 * A modal question with a destructive answer (delete a project, a variant). Built on <dialog>:
 * focus moves into it, Escape cancels, and the rest of the window is inert while it is open.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      data-testid="confirm-dialog"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId} className="dialog__title">
        {title}
      </h2>
      <div className="dialog__body">{children}</div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="button button--danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** What an empty screen or panel says, and the action that fills it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-state__title">{title}</p>
      {children && <div className="empty-state__body">{children}</div>}
    </div>
  );
}

/** A titled panel of a screen. */
export function Panel({ title, actions, children, footer, testId }: { title: string; actions?: ReactNode; children: ReactNode; footer?: ReactNode; testId?: string }) {
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId} data-testid={testId}>
      <header className="panel__header">
        <h2 id={headingId} className="panel__title" title={title}>
          {title}
        </h2>
        {actions && <div className="panel__actions">{actions}</div>}
      </header>
      <div className="panel__body">{children}</div>
      {footer && <footer className="panel__footer">{footer}</footer>}
    </section>
  );
}

/** A labelled figure of a figures grid (MACs, arena, flash, …), its value in monospace. */
/** A labelled figure; `wrap`: a longer text (shapes, a precision) that wraps instead of being cut. */
export function Figure({ label, value, unit, title, testId, wrap }: { label: string; value: string; unit?: string; title?: string; testId?: string; wrap?: boolean }) {
  return (
    <div className={`figure${wrap ? ' figure--wrap' : ''}`} title={title}>
      <span className="figure__label">{label}</span>
      <span className={`figure__value${wrap ? ' figure__value--wrap' : ''}`} data-testid={testId}>
        {value}
        {unit && <span className="figure__unit">{unit}</span>}
      </span>
    </div>
  );
}
