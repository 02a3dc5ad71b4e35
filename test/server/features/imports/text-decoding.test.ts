import { describe, expect, it } from 'vitest';
import { ImportFileError } from '../../../../server/features/imports/import-errors.ts';
import { bytesOf, decodeTextStream, MixedEncodingError, type DecodedTextInfo } from '../../../../server/features/imports/text-decoding.ts';
import { collect, cp1252 } from './import-test-data.ts';

async function decode(bytes: Uint8Array, chunkSize = 64 * 1024) {
  const info: DecodedTextInfo = { bom: false };
  const text = (await collect(decodeTextStream(bytesOf(bytes, chunkSize), info))).join('');
  return { text, info };
}

describe('decodeTextStream', () => {
  it('decodes UTF-8 without BOM', async () => {
    const { text, info } = await decode(Buffer.from('plats\nÅby torg, Östermalm\n', 'utf8'));
    expect(text).toBe('plats\nÅby torg, Östermalm\n');
    expect(info).toEqual({ bom: false, encoding: 'utf-8' });
  });

  it('drops a UTF-8 BOM and reports it', async () => {
    const { text, info } = await decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id;kategori\nA;stöld\n', 'utf8')]));
    expect(text).toBe('id;kategori\nA;stöld\n');
    expect(info.bom).toBe(true);
    expect(info.encoding).toBe('utf-8');
  });

  it('decodes Windows-1252 Swedish letters', async () => {
    const { text, info } = await decode(cp1252('plats\nÅby, Ängby, Örby – gård\n'));
    expect(text).toBe('plats\nÅby, Ängby, Örby – gård\n');
    expect(info.encoding).toBe('windows-1252');
  });

  it('decodes the euro sign and curly quotes of Windows-1252', async () => {
    const { text } = await decode(Buffer.from([0x80, 0x20, 0x93, 0x61, 0x94]));
    expect(text).toBe('€ “a”');
  });

  it('keeps a UTF-8 sequence split across chunks intact', async () => {
    const { text } = await decode(Buffer.from('åäöÅÄÖ'.repeat(100), 'utf8'), 7);
    expect(text).toBe('åäöÅÄÖ'.repeat(100));
  });

  it('decides UTF-8 when the first non-ASCII byte is split across chunks', async () => {
    const { text, info } = await decode(Buffer.from('abcå', 'utf8'), 4);
    expect(text).toBe('abcå');
    expect(info.encoding).toBe('utf-8');
  });

  it('rejects UTF-8 rows followed by Windows-1252 bytes, yielding the text before them', async () => {
    const bytes = Buffer.concat([Buffer.from('a\nåby\n', 'utf8'), cp1252('örby\n')]);
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const text of decodeTextStream(bytesOf(bytes))) seen.push(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MixedEncodingError);
    expect((error as MixedEncodingError).byteOffset).toBe(Buffer.byteLength('a\nåby\n'));
    expect(seen.join('')).toBe('a\nåby\n');
    expect((error as Error).message).toMatch(/blandar teckenkodningar/);
  });

  it('rejects Windows-1252 rows followed by UTF-8 Swedish letters', async () => {
    const bytes = Buffer.concat([cp1252('örby\n'), Buffer.from('åby\n', 'utf8')]);
    await expect(decode(bytes)).rejects.toBeInstanceOf(MixedEncodingError);
  });

  it('rejects a BOM file with invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), cp1252('örby\n')]);
    await expect(decode(bytes)).rejects.toBeInstanceOf(MixedEncodingError);
  });

  it('rejects NUL bytes as not a text file', async () => {
    await expect(decode(Buffer.from('id,kategori\n1,\u0000\n', 'utf8'))).rejects.toMatchObject({ code: 'NOT_TEXT' });
  });

  it('rejects random binary garbage as not a text file', async () => {
    const garbage = Buffer.alloc(4096);
    let seed = 42;
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      garbage[i] = seed & 0xff;
    }
    const error = await decode(garbage).catch((e) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect(error.code).toBe('NOT_TEXT');
  });

  it('names an xlsx file as Excel', async () => {
    const error = await decode(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])).catch((e) => e);
    expect(error.message).toMatch(/Excel/);
  });

  it('names UTF-16 files', async () => {
    const error = await decode(Buffer.from('\ufeffid', 'utf16le')).catch((e) => e);
    expect(error.message).toMatch(/UTF-16/);
  });

  it('yields nothing for an empty file', async () => {
    const { text } = await decode(new Uint8Array());
    expect(text).toBe('');
  });
});
