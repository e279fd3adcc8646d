/**
 * Transports of the device stack: the interface (pure, in core/common so the session can use it)
 * and its Node implementations. The mock pair is pure too: core/common/protocol/testing/mock-transport.ts.
 */

export type { Disposable, Transport } from '../../../common/protocol/transport.js';
export { SerialPortTransport, type SerialPortOptions } from './serial.js';
export { TcpTransport, type TcpOptions } from './tcp.js';
