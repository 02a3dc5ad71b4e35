import { ImportFileError } from './import-errors.ts';

/** The text encodings an import file may use (SPEC §4.2). */
export type TextEncodingName = 'utf-8' | 'windows-1252';

/** What the decoder found out about a file while reading it. */
export interface DecodedTextInfo {
  /** Decided at the first non-ASCII byte; `undefined` while the file has been pure ASCII so far. */
  encoding?: TextEncodingName;
  /** True when the file began with a UTF-8 byte order mark (which is not passed on). */
  bom: boolean;
}

/**
 * A byte sequence in the file that does not belong to the encoding decided earlier in the same file.
 * `byteOffset` is where it starts; readers turn this into a row number.
 */
export class MixedEncodingError extends ImportFileError {
  readonly byteOffset: number;
  readonly encoding: TextEncodingName;

  constructor(encoding: TextEncodingName, byteOffset: number) {
    super('MIXED_ENCODING', mixedEncodingMessage(encoding));
    this.byteOffset = byteOffset;
    this.encoding = encoding;
  }
}

/** The coordinator-facing explanation of a mixed-encoding file. */
export function mixedEncodingMessage(encoding: TextEncodingName): string {
  return encoding === 'utf-8'
    ? 'Filen blandar teckenkodningar: raderna före är UTF-8 men här finns tecken i Windows-1252 (t.ex. å, ä, ö från Excel). Spara hela filen med en och samma kodning, helst UTF-8, och försök igen.'
    : 'Filen blandar teckenkodningar: raderna före är Windows-1252 men här finns tecken i UTF-8 (å/ä/ö visas som "Ã¥"/"Ã¤"/"Ã¶"). Spara hela filen med en och samma kodning, helst UTF-8, och försök igen.';
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Signatures of binary formats people upload by mistake, with a message saying what to do instead. */
const BINARY_SIGNATURES: ReadonlyArray<{ bytes: number[]; message: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], message: 'Filen är en Excel- eller zip-fil, inte en CSV-fil. Öppna den i Excel och välj Spara som → "CSV UTF-8 (kommaavgränsad)".' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], message: 'Filen är en äldre Excel-fil (.xls), inte en CSV-fil. Öppna den i Excel och välj Spara som → "CSV UTF-8 (kommaavgränsad)".' },
  { bytes: [0x25, 0x50, 0x44, 0x46], message: 'Filen är en PDF, inte en CSV- eller GeoJSON-fil.' },
  { bytes: [0xff, 0xfe], message: 'Filen är sparad som UTF-16 (Unicode-text). Spara den som "CSV UTF-8" och försök igen.' },
  { bytes: [0xfe, 0xff], message: 'Filen är sparad som UTF-16 (Unicode-text). Spara den som "CSV UTF-8" och försök igen.' },
];

const NOT_TEXT_MESSAGE = 'Filen är inte en text- eller CSV-fil (den innehåller binära data, t.ex. NUL-tecken). Kontrollera att du har valt rätt fil.';

/**
 * Decodes a byte stream to text chunks, deciding between UTF-8 (with or without BOM) and Windows-1252
 * at the first non-ASCII byte: a valid UTF-8 sequence there means UTF-8, anything else Windows-1252.
 * Later bytes that contradict the decision (invalid UTF-8 in a UTF-8 file; UTF-8 sequences for Swedish
 * letters or punctuation in a Windows-1252 file) raise a {@link MixedEncodingError} after all text
 * before them has been yielded, so a reader knows the row. NUL bytes and known binary formats raise
 * an {@link ImportFileError} with code `NOT_TEXT`. Memory stays at one chunk.
 */
export async function* decodeTextStream(
  source: AsyncIterable<Uint8Array>,
  info: DecodedTextInfo = { bom: false },
): AsyncGenerator<string, void, undefined> {
  const utf8 = new TextDecoder('utf-8');
  let carry: Uint8Array | null = null;
  let offset = 0; // byte offset of `bytes[0]` in the file
  let started = false;

  for await (const chunk of source) {
    let bytes: Uint8Array = carry ? concat(carry, chunk) : chunk;
    carry = null;
    if (!started) {
      if (bytes.length < 4) {
        carry = bytes;
        continue;
      }
      started = true;
      checkSignatures(bytes);
      if (startsWith(bytes, UTF8_BOM)) {
        info.bom = true;
        info.encoding = 'utf-8';
        bytes = bytes.subarray(3);
        offset = 3;
      }
    }
    const scan = scanChunk(bytes, info, false);
    const text = decodeSlice(bytes.subarray(0, scan.end), info, utf8);
    if (text) yield text;
    if (scan.mixedAt !== undefined) throw new MixedEncodingError(info.encoding!, offset + scan.mixedAt);
    if (scan.end < bytes.length) carry = bytes.slice(scan.end);
    offset += scan.end;
  }

  if (!started && carry) checkSignatures(carry);
  if (carry && carry.length > 0) {
    if (!started && startsWith(carry, UTF8_BOM)) {
      info.bom = true;
      info.encoding = 'utf-8';
      carry = carry.subarray(3);
      offset = 3;
    }
    const scan = scanChunk(carry, info, true);
    const text = decodeSlice(carry.subarray(0, scan.end), info, utf8);
    if (text) yield text;
    if (scan.mixedAt !== undefined) throw new MixedEncodingError(info.encoding!, offset + scan.mixedAt);
  }
}

/** Wraps a Node stream or any async byte iterable; convenience for tests and callers holding a Buffer. */
export async function* bytesOf(buffer: Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += chunkSize) yield buffer.subarray(i, i + chunkSize);
}

/** Rejects known binary formats and content where control characters are too frequent to be text. */
function checkSignatures(bytes: Uint8Array): void {
  for (const signature of BINARY_SIGNATURES) {
    if (startsWith(bytes, signature.bytes)) throw new ImportFileError('NOT_TEXT', signature.message);
  }
  const sample = Math.min(bytes.length, 8192);
  let controls = 0;
  for (let i = 0; i < sample; i++) {
    const b = bytes[i];
    if (b < 0x09 || (b >= 0x0e && b < 0x20 && b !== 0x1a && b !== 0x1b)) controls++;
  }
  if (controls > 0 && controls * 100 >= sample) throw new ImportFileError('NOT_TEXT', NOT_TEXT_MESSAGE);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Windows-1252 characters for bytes 0x80–0x9F (the rest equals Latin-1). Node 20's
 * `TextDecoder('windows-1252')` decodes these as Latin-1 control characters, so the table is ours.
 */
export const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

const C1_CONTROLS = /[\u0080-\u009f]/g;

/** Decodes Windows-1252 bytes. */
export function decodeCp1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return latin1.replace(C1_CONTROLS, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80]);
}

function decodeSlice(slice: Uint8Array, info: DecodedTextInfo, utf8: TextDecoder): string {
  if (slice.length === 0) return '';
  // Until the first non-ASCII byte both decoders give the same text.
  return info.encoding === 'windows-1252' ? decodeCp1252(slice) : utf8.decode(slice);
}

interface ChunkScan {
  /** Bytes up to here are complete and checked; the rest (a split multi-byte sequence) is carried over. */
  end: number;
  /** Index of a byte sequence contradicting the decided encoding. */
  mixedAt?: number;
}

/** Length of the UTF-8 sequence led by `lead`, or 0 when `lead` cannot start one. */
function utf8SequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Checks one complete-or-truncated UTF-8 sequence at `i`: returns its length when valid, 0 when
 * invalid, -1 when the chunk ends before it is complete (and the prefix so far is valid).
 */
function checkUtf8Sequence(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  const length = utf8SequenceLength(lead);
  if (length === 0) return 0;
  for (let k = 1; k < length; k++) {
    if (i + k >= bytes.length) return -1;
    const b = bytes[i + k];
    if (b < 0x80 || b > 0xbf) return 0;
    if (k === 1) {
      // Overlong forms, surrogates and code points above U+10FFFF.
      if (lead === 0xe0 && b < 0xa0) return 0;
      if (lead === 0xed && b > 0x9f) return 0;
      if (lead === 0xf0 && b < 0x90) return 0;
      if (lead === 0xf4 && b > 0x8f) return 0;
    }
  }
  return length;
}

/**
 * True when the bytes at `i` in a Windows-1252 file look like UTF-8 for a Swedish letter
 * (Ã + continuation byte, e.g. "Ã¥" for å) or for typographic punctuation (â€ + byte, e.g. "â€“").
 * -1 when the chunk ends before that can be told.
 */
function looksLikeUtf8InCp1252(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b === 0xc3) {
    if (i + 1 >= bytes.length) return -1;
    const next = bytes[i + 1];
    return next >= 0x80 && next <= 0xbf ? 1 : 0;
  }
  if (b === 0xe2) {
    if (i + 2 >= bytes.length) return -1;
    const next = bytes[i + 1];
    const last = bytes[i + 2];
    return next === 0x80 && last >= 0x80 && last <= 0xbf ? 1 : 0;
  }
  return 0;
}

function scanChunk(bytes: Uint8Array, info: DecodedTextInfo, final: boolean): ChunkScan {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0) throw new ImportFileError('NOT_TEXT', NOT_TEXT_MESSAGE);
      i++;
      continue;
    }
    if (info.encoding === undefined) {
      const length = checkUtf8Sequence(bytes, i);
      if (length === -1 && !final) return { end: i };
      info.encoding = length > 0 ? 'utf-8' : 'windows-1252';
      continue;
    }
    if (info.encoding === 'utf-8') {
      const length = checkUtf8Sequence(bytes, i);
      if (length > 0) {
        i += length;
        continue;
      }
      if (length === -1 && !final) return { end: i };
      return { end: i, mixedAt: i };
    }
    const looks = looksLikeUtf8InCp1252(bytes, i);
    if (looks === 1) return { end: i, mixedAt: i };
    if (looks === -1 && !final) return { end: i };
    i++;
  }
  return { end: n };
}
