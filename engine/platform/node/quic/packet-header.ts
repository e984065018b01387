/**
 * The part of a QUIC packet header needed to route it (RFC 9000 section 17, RFC 8999): the destination connection
 * id. A long header carries its length; a short header does not, so the length of the ids this endpoint issued is
 * given. Pure and allocation-free apart from the returned view; undefined for anything that is not a QUIC packet.
 */

/** True for a long-header packet (Initial, 0-RTT, Handshake, Retry, Version Negotiation). */
export function isLongHeader(packet: Uint8Array): boolean {
  return packet.length > 0 && (packet[0] & 0x80) !== 0;
}

/** The destination connection id of `packet`, or undefined when the packet is too short or malformed. */
export function readDestinationId(packet: Uint8Array, shortIdLen: number): Uint8Array | undefined {
  if (packet.length === 0) return undefined;
  if (isLongHeader(packet)) {
    if (packet.length < 6) return undefined;
    const len = packet[5];
    if (len > 20 || packet.length < 6 + len) return undefined;
    return packet.subarray(6, 6 + len);
  }
  if ((packet[0] & 0x40) === 0) return undefined; // the fixed bit must be set
  if (packet.length < 1 + shortIdLen) return undefined;
  return packet.subarray(1, 1 + shortIdLen);
}

/** A connection id as a map key. */
export function idKey(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex');
}
