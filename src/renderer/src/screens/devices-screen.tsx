/**
 * Devices: the boards TinyDeploy can target (virtual boards run in QEMU; real ones come from the
 * catalog) and the serial devices plugged in now, identified by USB vendor and product id. The
 * lists follow `devices.onDevicesChanged`, so plugging a board shows it without a refresh. Real
 * boards cannot be deployed to yet, and the screen says so rather than offering a dead button.
 */

import type { BoardDescription, SerialDevice } from '../../../shared/services/types.js';
import { EmptyState, ErrorBanner, Panel } from '../components/widgets.js';
import { formatBytes, formatUsbId } from '../format.js';
import { useDevices } from '../state/services-context.js';

export function DevicesScreen() {
  const { listing, error } = useDevices();
  return (
    <div className="screen" data-testid="devices-screen">
      <header className="screen__header">
        <h1 className="screen__title">Devices</h1>
        <span className="muted" aria-live="polite">
          {listing ? `${listing.boards.length} boards, ${listing.serial.length} serial ${listing.serial.length === 1 ? 'device' : 'devices'}` : 'loading…'}
        </span>
      </header>
      <ErrorBanner error={error} />
      <Panel title="Boards" testId="boards-panel">
        <div className="table-scroll">
          <table className="table" data-testid="boards-table">
            <thead>
              <tr>
                <th scope="col">Board</th>
                <th scope="col">Id</th>
                <th scope="col">Kind</th>
                <th scope="col">Core</th>
                <th scope="col" className="numeric">
                  Flash
                </th>
                <th scope="col" className="numeric">
                  RAM
                </th>
                <th scope="col">Timer counts</th>
                <th scope="col">Deploy</th>
              </tr>
            </thead>
            <tbody>
              {listing?.boards.map((board) => <BoardRow key={board.id} board={board} />)}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel
        title="Serial devices"
        testId="serial-panel"
        footer="Deploying to real boards (flashing through OpenOCD, pyOCD, J-Link or a DAPLink drive) arrives in a later release; the virtual boards work now."
      >
        {listing && listing.serial.length === 0 ? (
          <EmptyState title="No serial device plugged in">
            <p>Plug a board with its debug probe’s USB cable; it appears here when the system sees its serial port.</p>
          </EmptyState>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="serial-table">
              <thead>
                <tr>
                  <th scope="col">Port</th>
                  <th scope="col">USB id</th>
                  <th scope="col">Manufacturer</th>
                  <th scope="col">Serial number</th>
                  <th scope="col">Identified as</th>
                  <th scope="col">Deploy</th>
                </tr>
              </thead>
              <tbody>
                {listing?.serial.map((device) => <SerialRow key={device.path} device={device} />)}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}

function BoardRow({ board }: { board: BoardDescription }) {
  return (
    <tr data-testid="board-row" data-board-id={board.id}>
      <td>{board.name}</td>
      <td className="mono">{board.id}</td>
      <td>{board.kind}</td>
      <td className="mono">{board.core}</td>
      <td className="numeric">{formatBytes(board.flashBytes)}</td>
      <td className="numeric">{formatBytes(board.ramBytes)}</td>
      <td>{board.timerUnit}</td>
      <td>
        {board.deployable ? (
          <span className="badge badge--ready">ready</span>
        ) : (
          <span className="board-reason">
            <span className={`badge ${board.kind === 'real' ? 'badge--later' : 'badge--failed'}`}>{board.kind === 'real' ? 'not yet' : 'unavailable'}</span>{' '}
            <span className="muted">{board.reason}</span>
          </span>
        )}
      </td>
    </tr>
  );
}

function SerialRow({ device }: { device: SerialDevice }) {
  const identified = device.boardIds.length > 0 ? device.boardIds.join(', ') : device.probe ? `${device.probe} (probe)` : 'unknown device';
  return (
    <tr data-testid="serial-row">
      <td className="mono">{device.path}</td>
      <td className="mono">{formatUsbId(device.vendorId, device.productId)}</td>
      <td>{device.manufacturer ?? '–'}</td>
      <td className="mono">{device.serialNumber ?? '–'}</td>
      <td className={device.boardIds.length > 0 || device.probe ? undefined : 'muted'}>{identified}</td>
      <td>
        {device.boardIds.length > 0 || device.probe ? (
          <span className="badge badge--later" title="Deploying to real boards arrives in a later release">
            not yet
          </span>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
    </tr>
  );
}
