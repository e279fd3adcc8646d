/**
 * The host side of the device protocol (firmware/runtime/PROTOCOL.md), in the layers of STYLE.md
 * §14: `Transport` (bytes; implementations in core/node/devices/transport), framing (COBS + CRC-32),
 * messages (one codec per command), `Session` (request ids, timeouts, resends, stale-input flush,
 * one command at a time) and `DeviceClient` (the commands with chunking and reply checks).
 */

export { DeviceClient, type DeviceClientOptions, type RunOptions } from './client.js';
export { encodeFrame, FrameDecoder, type FrameError, type FrameEvent } from './framing.js';
export * from './messages.js';
export { Session, type CallOptions, type SessionEvent, type SessionOptions, type SessionStatistics } from './session.js';
export { Listeners, type Disposable, type Transport } from './transport.js';
