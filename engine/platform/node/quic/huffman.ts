/**
 * The Huffman code of HPACK, which QPACK reuses for string literals (RFC 7541 section 5.2 and appendix B). The code
 * is canonical, so only each symbol's code length is listed; the codes follow from the lengths (shorter codes first,
 * ties by symbol). No npm package keeps this small and current (the HPACK ones are unmaintained and bring old stream
 * libraries), so it is written here and checked against the RFC's codes and its appendix C examples.
 */
import { H3Code, H3Error } from './h3-error.ts';

/** Code length in bits of symbols 0..255 and of EOS (256), RFC 7541 appendix B. */
const LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

/** The end-of-string symbol; never valid inside a string. */
const EOS = 256;
/** Longest code, bits. */
const MAX_BITS = 30;

/** The code tables derived from {@link LENGTHS}. */
interface HuffmanTables {
  /** Code of each symbol (right-aligned). */
  codes: number[];
  /** Per length: the first code of that length. */
  firstCode: number[];
  /** Per length: index into `sorted` of the first symbol of that length. */
  firstIndex: number[];
  /** Per length: how many symbols have it. */
  count: number[];
  /** Symbols ordered by (length, symbol). */
  sorted: number[];
}

function buildTables(): HuffmanTables {
  const sorted = LENGTHS.map((_, s) => s).sort((a, b) => LENGTHS[a] - LENGTHS[b] || a - b);
  const codes = new Array<number>(LENGTHS.length).fill(0);
  const firstCode = new Array<number>(MAX_BITS + 1).fill(0);
  const firstIndex = new Array<number>(MAX_BITS + 1).fill(0);
  const count = new Array<number>(MAX_BITS + 1).fill(0);
  let code = 0;
  let prevLen = LENGTHS[sorted[0]];
  sorted.forEach((sym, i) => {
    const len = LENGTHS[sym];
    if (i > 0) code = (code + 1) * 2 ** (len - prevLen);
    if (count[len] === 0) {
      firstCode[len] = code;
      firstIndex[len] = i;
    }
    count[len]++;
    codes[sym] = code;
    prevLen = len;
  });
  return { codes, firstCode, firstIndex, count, sorted };
}

const TABLES = buildTables();

/** The code of `symbol` (0..256) and its length, as in RFC 7541 appendix B. */
export function huffmanCode(symbol: number): { code: number; bits: number } {
  return { code: TABLES.codes[symbol], bits: LENGTHS[symbol] };
}

/** Bytes that `bytes` take Huffman-coded. */
export function huffmanEncodedLength(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) bits += LENGTHS[b];
  return Math.ceil(bits / 8);
}

/** Huffman-codes `bytes`, padding the last byte with the most significant bits of EOS (ones). */
export function huffmanEncode(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(huffmanEncodedLength(bytes));
  let acc = 0; // pending bits, fewer than 8 + 30, so exact in a double
  let accBits = 0;
  let pos = 0;
  for (const b of bytes) {
    acc = acc * 2 ** LENGTHS[b] + TABLES.codes[b];
    accBits += LENGTHS[b];
    while (accBits >= 8) {
      accBits -= 8;
      const byte = Math.floor(acc / 2 ** accBits);
      out[pos++] = byte;
      acc -= byte * 2 ** accBits;
    }
  }
  if (accBits > 0) out[pos] = (acc * 2 ** (8 - accBits)) | (0xff >> accBits);
  return out;
}

/**
 * Decodes a Huffman-coded string. Throws QPACK_DECOMPRESSION_FAILED for EOS inside the string, padding longer than
 * 7 bits, or padding that is not all ones (RFC 7541 section 5.2).
 */
export function huffmanDecode(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((bytes.length * 8) / 5)); // the shortest code is 5 bits
  let n = 0;
  let code = 0;
  let len = 0;
  let ones = true; // the bits of the pending code are all ones (a possible padding)
  const { firstCode, firstIndex, count, sorted } = TABLES;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >> bit) & 1;
      code = code * 2 + b;
      len++;
      ones &&= b === 1;
      const offset = code - firstCode[len];
      if (count[len] > 0 && offset >= 0 && offset < count[len]) {
        const sym = sorted[firstIndex[len] + offset];
        if (sym === EOS) throw new H3Error(H3Code.QpackDecompressionFailed, 'Huffman string contains EOS');
        out[n++] = sym;
        code = 0;
        len = 0;
        ones = true;
      } else if (len >= MAX_BITS) {
        throw new H3Error(H3Code.QpackDecompressionFailed, 'invalid Huffman code');
      }
    }
  }
  if (len > 7) throw new H3Error(H3Code.QpackDecompressionFailed, `Huffman padding of ${len} bits`);
  if (!ones) throw new H3Error(H3Code.QpackDecompressionFailed, 'Huffman padding is not the EOS prefix');
  return out.subarray(0, n);
}
