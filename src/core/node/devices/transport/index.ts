/**
 * Transports of the device stack: the interface (pure, in core/common so the session can use it)
 * and its Node implementations.
 */

export type { Disposable, Transport } from '../../../common/protocol/transport.js';
export { SerialPortTransport, type SerialPortOptions } from './serial.js';
export { TcpTransport, type TcpOptions } from './tcp.js';
export {
  chain,
  createMockLink,
  dropWrites,
  flipBit,
  garbage,
  injectGarbage,
  MockTransport,
  seededRandom,
  splitEvery,
  splitRandomly,
  type LineFilter,
  type MockLink,
  type MockLinkOptions,
} from './mock.js';
