/**
 * Devices: the boards TinyDeploy can target (virtual boards run in QEMU; real ones from the
 * catalog and the user's own) and the serial devices plugged in now, recognised by their probe's
 * USB vendor and product id. The lists follow `devices.onDevicesChanged`, so plugging a board
 * shows it without a refresh. A real board can be deployed to once it is plugged in; the screen
 * says how each is flashed, that HELLO confirms it, and what to install when nothing can flash it.
 */

import type { BoardDescription, SerialDevice } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { formatBytes, formatClock, formatUsbId, latencyMeaning } from '../format.js';
import { devicesStatus } from '../state/device-rules.js';
import { useDevices } from '../state/services-context.js';
import { flashingText, realBoardsNote, serialDeviceDeploy } from '../state/real-board-text.js';

export function DevicesScreen() {
  const { listing, error } = useDevices();
  const status = devicesStatus(listing, error);
  return (
    <div className="screen" data-testid="devices-screen">
      <header className="screen__header">
        <h1 className="screen__title">Devices</h1>
        <span className="muted" aria-live="polite" data-testid="devices-status">
          {status.text}
        </span>
      </header>
      <ErrorBanner error={error} />
      <Panel title="Boards" testId="boards-panel">
        <DataTable
          columns={boardColumns}
          rows={listing?.boards ?? (error ? [] : undefined)}
          empty={{ title: 'The boards cannot be listed', body: <p>{error?.message}</p> }}
          rowKey={(board) => board.id}
          rowTestId="board-row"
          rowAttributes={(board) => ({ 'data-board-id': board.id })}
          testId="boards-table"
        />
      </Panel>
      <Panel
        title="Serial devices"
        testId="serial-panel"
        footer={<span data-testid="real-boards-note">{realBoardsNote}</span>}
      >
        <DataTable
          columns={serialColumns}
          rows={listing?.serial ?? (error ? [] : undefined)}
          rowKey={(device) => device.path}
          rowTestId="serial-row"
          testId="serial-table"
          empty={
            status.problem
              ? { title: 'Serial devices cannot be listed', body: <p>{status.problem}</p> }
              : { title: 'No serial device plugged in', body: <p>Plug a board with its debug probe’s USB cable; it appears here when the system sees its serial port.</p> }
          }
        />
      </Panel>
    </div>
  );
}

const boardColumns: Column<BoardDescription>[] = [
  { header: 'Board', render: (board) => board.name },
  { header: 'Id', className: 'mono', render: (board) => board.id },
  { header: 'Kind', render: (board) => board.kind },
  { header: 'Core', className: 'mono', render: (board) => board.core },
  { header: 'Flash', align: 'numeric', render: (board) => formatBytes(board.flashBytes) },
  { header: 'RAM', align: 'numeric', render: (board) => formatBytes(board.ramBytes) },
  { header: 'Clock', align: 'numeric', render: (board) => (board.cpuHz ? formatClock(board.cpuHz) : '–') },
  {
    header: 'Latency in',
    title: (board) => latencyMeaning(board.timerUnit, { name: board.name, ...(board.cpuHz ? { cpuHz: board.cpuHz } : {}) }),
    render: (board) => (board.timerUnit === 'instructions' ? 'instructions (emulated; cycles and ms estimated)' : 'cycles and ms (measured)'),
  },
  { header: 'Flashed by', className: 'muted', render: (board) => flashingText(board.id) ?? 'as described (custom board)' },
  {
    header: 'Deploy',
    render: (board) =>
      board.deployable ? (
        <span className="badge badge--ready">ready</span>
      ) : (
        <span className="board-reason">
          <span className={`badge ${board.kind === 'real' ? 'badge--later' : 'badge--failed'}`}>{board.kind === 'real' ? 'not now' : 'unavailable'}</span>{' '}
          <span className="muted">{board.reason}</span>
        </span>
      ),
  },
];

/** Whether a serial device is a board or probe TinyDeploy knows, rather than an unknown USB device. */
const isKnown = (device: SerialDevice) => device.boardIds.length > 0 || Boolean(device.probe);

const serialColumns: Column<SerialDevice>[] = [
  { header: 'Port', className: 'mono', render: (device) => device.path },
  { header: 'USB id', className: 'mono', render: (device) => formatUsbId(device.vendorId, device.productId) },
  { header: 'Manufacturer', render: (device) => device.manufacturer ?? '–' },
  { header: 'Serial number', className: 'mono', render: (device) => device.serialNumber ?? '–' },
  {
    header: 'Identified as',
    className: (device) => (isKnown(device) ? undefined : 'muted'),
    render: (device) => (device.boardIds.length > 0 ? device.boardIds.join(', ') : device.probe ? `${device.probe} (probe)` : 'unknown device'),
  },
  {
    header: 'Deploy',
    render: (device) => {
      const deploy = serialDeviceDeploy(device);
      return deploy ? (
        <span className={`badge ${device.boardIds.length > 0 ? 'badge--ready' : 'badge--later'}`} title={deploy.title}>
          {deploy.badge}
        </span>
      ) : (
        <span className="muted">–</span>
      );
    },
  },
];
