/**
 * Devices: the boards TinyDeploy can target (virtual boards run in QEMU; real ones come from the
 * catalog) and the serial devices plugged in now, identified by USB vendor and product id. The
 * lists follow `devices.onDevicesChanged`, so plugging a board shows it without a refresh. Real
 * boards cannot be deployed to yet, and the screen says so rather than offering a dead button.
 */

import type { BoardDescription, SerialDevice } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { formatBytes, formatUsbId } from '../format.js';
import { devicesStatus } from '../state/device-rules.js';
import { useDevices } from '../state/services-context.js';

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
        footer="Deploying to real boards (flashing through OpenOCD, pyOCD, J-Link or a DAPLink drive) arrives in a later release; the virtual boards work now."
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
  { header: 'Timer counts', render: (board) => board.timerUnit },
  {
    header: 'Deploy',
    render: (board) =>
      board.deployable ? (
        <span className="badge badge--ready">ready</span>
      ) : (
        <span className="board-reason">
          <span className={`badge ${board.kind === 'real' ? 'badge--later' : 'badge--failed'}`}>{board.kind === 'real' ? 'not yet' : 'unavailable'}</span>{' '}
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
    render: (device) =>
      isKnown(device) ? (
        <span className="badge badge--later" title="Deploying to real boards arrives in a later release">
          not yet
        </span>
      ) : (
        <span className="muted">–</span>
      ),
  },
];
