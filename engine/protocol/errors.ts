/**
 * The typed error for anything wrong on the wire. A connection that meets one closes (only itself) with the reason.
 */

/** Why a frame or message was refused. Values are stable strings: logs and close reasons carry them. */
export const ProtocolErrorCode = {
  /** A frame declares a length above the maximum frame size (checked before any allocation). */
  FrameTooLarge: 'frame-too-large',
  /** A frame declares length 0 or is cut short. */
  BadFrame: 'bad-frame',
  /** A message type byte names no known message. */
  UnknownType: 'unknown-type',
  /** The payload is not valid msgpack or does not match the message schema. */
  BadPayload: 'bad-payload',
  /** A known message arrived on a channel (or in a direction) that does not carry it. */
  WrongChannel: 'wrong-channel',
  /** A message arrived before the handshake finished, or a second Hello. */
  BadState: 'bad-state',
  /** A stream opened with an unknown channel header byte, or a channel opened twice. */
  BadStream: 'bad-stream',
  /** The peer sent more than its budget allows (messages of one kind, bytes, or an oversized datagram). */
  Flood: 'flood',
} as const;
/** A {@link ProtocolErrorCode} value. */
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** A malformed or misplaced frame or message. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  /** Machine-readable reason. */
  readonly code: ProtocolErrorCode;

  /** Creates an error with a reason code and a human-readable detail. */
  constructor(code: ProtocolErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.code = code;
  }
}
