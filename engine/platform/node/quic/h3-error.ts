/**
 * The typed error of the HTTP/3, QPACK and WebTransport codecs and state machines: every malformed or misplaced
 * input throws an {@link H3Error} carrying the HTTP/3 error code that closes the offending connection (RFC 9114
 * section 8.1, RFC 9204 section 6, RFC 9297 section 5). Nothing here is thrown for a condition the peer cannot cause.
 */

/** HTTP/3 application error codes used here. Wire values; never renumber. */
export const H3Code = {
  /** No error; a graceful close. */
  NoError: 0x100,
  /** A protocol violation with no more specific code. */
  GeneralProtocolError: 0x101,
  /** An internal error in this endpoint. */
  InternalError: 0x102,
  /** A stream of a kind the peer may not open. */
  StreamCreationError: 0x103,
  /** A critical (control) stream was closed or duplicated. */
  ClosedCriticalStream: 0x104,
  /** A frame not allowed in the current state or on this stream. */
  FrameUnexpected: 0x105,
  /** A frame that breaks its layout (length, payload). */
  FrameError: 0x106,
  /** The peer makes this endpoint do too much work or buffer too much. */
  ExcessiveLoad: 0x107,
  /** A stream or push id used wrongly. */
  IdError: 0x108,
  /** A malformed SETTINGS frame. */
  SettingsError: 0x109,
  /** The control stream did not start with SETTINGS. */
  MissingSettings: 0x10a,
  /** The request was refused before any processing. */
  RequestRejected: 0x10b,
  /** A malformed HTTP message (headers). */
  MessageError: 0x10e,
  /** A field section that cannot be decoded. */
  QpackDecompressionFailed: 0x200,
  /** A malformed HTTP datagram. */
  DatagramError: 0x33,
  /** Reset code of a WebTransport stream whose session is gone (draft-ietf-webtrans-http3). */
  WtSessionGone: 0x170d7b68,
} as const;

/** An HTTP/3-layer failure caused by the peer; closes that peer's connection with `code`. */
export class H3Error extends Error {
  override name = 'H3Error';
  /** The HTTP/3 error code (see {@link H3Code}). */
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}
