/**
 * The table every list screen shows (projects, variants, layers, jobs, measurements, boards):
 * one column description per column instead of a hand-written header cell and body cell kept in
 * step, so the header's alignment, the hidden label of the actions column, row selection and the
 * empty state look and behave the same everywhere.
 */

import { useEffect, useRef } from 'react';
import type { HTMLAttributes, ReactNode } from 'react';
import { EmptyState } from './widgets.js';

/**
 * One column. `align: 'numeric'` right-aligns header and cells (monospace figures);
 * `align: 'actions'` is the trailing column of buttons, whose header text is only read to screen
 * readers. The other per-cell properties take the row, so a cell can mark itself (the peak of a
 * column, a full hash in its tooltip).
 */
export interface Column<Row> {
  /** The header text; for an `actions` column, the screen-reader label. */
  header: ReactNode;
  align?: 'numeric' | 'actions';
  /** Tooltip of the header cell. */
  headerTitle?: string;
  /** Extra class of each body cell (`mono`, `muted`, …), or a function of the row. */
  className?: string | ((row: Row) => string | undefined);
  /** Tooltip of each body cell. */
  title?: (row: Row) => string | undefined;
  /** `data-testid` of each body cell. */
  testId?: string;
  /** The cell is the row's header (`<th scope="row">`), as the first column of a grid. */
  rowHeader?: boolean;
  /** React key of the column when its header is not a unique string. */
  key?: string;
  render: (row: Row) => ReactNode;
}

/** What an empty table shows instead of itself: the empty state's title and its explanation. */
export interface EmptyTable {
  title: string;
  body?: ReactNode;
}

/**
 * A table of `rows`, one `<tr>` per row keyed by `rowKey`. `rows` undefined means "still loading":
 * the header shows with no body. With `empty`, an empty (loaded) list shows that empty state
 * instead of a table. With `onRowClick`, rows are clickable, carry `aria-selected`, and the
 * selected one scrolls into view when the selection changes. `scroll` (default true) wraps the
 * table in the horizontally scrolling container; pass false when the caller provides its own.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  isSelected,
  onRowClick,
  rowTestId,
  rowAttributes,
  empty,
  footer,
  testId,
  className,
  label,
  scroll = true,
}: {
  columns: readonly Column<Row>[];
  rows: readonly Row[] | undefined;
  rowKey: (row: Row) => string | number;
  isSelected?: (row: Row) => boolean;
  onRowClick?: (row: Row) => void;
  /** `data-testid` of each body row. */
  rowTestId?: string;
  /** Further attributes of each body row, such as `data-job-id`. */
  rowAttributes?: (row: Row) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  empty?: EmptyTable;
  /** Rows of the `<tfoot>`, such as totals. */
  footer?: ReactNode;
  testId?: string;
  className?: string;
  label?: string;
  scroll?: boolean;
}) {
  const selectedRow = useRef<HTMLTableRowElement>(null);
  const selectedItem = isSelected && rows?.find(isSelected);
  const selectedKey = selectedItem === undefined ? undefined : rowKey(selectedItem);
  const clickable = onRowClick !== undefined;
  useEffect(() => {
    if (clickable) selectedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [clickable, selectedKey]);

  if (empty && rows?.length === 0) return <EmptyState title={empty.title}>{empty.body}</EmptyState>;

  const table = (
    <table className={className ? `table ${className}` : 'table'} data-testid={testId} aria-label={label}>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={columnKey(column, index)} scope="col" className={column.align} title={column.headerTitle}>
              {column.align === 'actions' ? <span className="visually-hidden">{column.header}</span> : column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows?.map((row) => {
          const selected = isSelected?.(row) ?? false;
          const rowClass = [clickable && 'is-clickable', selected && 'is-selected'].filter(Boolean).join(' ') || undefined;
          return (
            <tr
              key={rowKey(row)}
              ref={selected ? selectedRow : undefined}
              className={rowClass}
              aria-selected={clickable ? selected : undefined}
              onClick={onRowClick && (() => onRowClick(row))}
              data-testid={rowTestId}
              {...rowAttributes?.(row)}
            >
              {columns.map((column, index) => {
                const Cell = column.rowHeader ? 'th' : 'td';
                return (
                  <Cell
                    key={columnKey(column, index)}
                    scope={column.rowHeader ? 'row' : undefined}
                    className={cellClass(column, row)}
                    title={column.title?.(row)}
                    data-testid={column.testId}
                  >
                    {column.render(row)}
                  </Cell>
                );
              })}
            </tr>
          );
        })}
      </tbody>
      {footer && <tfoot>{footer}</tfoot>}
    </table>
  );
  return scroll ? <div className="table-scroll">{table}</div> : table;
}

function columnKey<Row>(column: Column<Row>, index: number): string {
  return column.key ?? (typeof column.header === 'string' ? column.header : String(index));
}

function cellClass<Row>(column: Column<Row>, row: Row): string | undefined {
  const extra = typeof column.className === 'function' ? column.className(row) : column.className;
  return [column.align, extra].filter(Boolean).join(' ') || undefined;
}
