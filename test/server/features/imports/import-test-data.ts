import { createCategoryResolver, type CategoryMappingEntry } from '../../../../server/features/imports/category-resolver.ts';
import { bytesOf, CP1252_HIGH } from '../../../../server/features/imports/text-decoding.ts';

/** The SPEC §4.4 category codes with a few Swedish names, enough for parsing tests. */
export const TEST_CATEGORIES = [
  'misshandel', 'hot', 'ran', 'stold', 'inbrott_bostad', 'fordonsbrott', 'cykelstold', 'skadegorelse', 'klotter', 'brand',
  'nedskrapning', 'ordningsstorning', 'folksamling', 'buskorning', 'olovligt_boende', 'incident_mot_anstalld', 'narkotika',
  'langning', 'skjutning', 'sprangning', 'vald_nara_relation', 'sexualbrott', 'hedersrelaterat', 'otrygg_plats',
].map((code) => ({ code, name_sv: code === 'inbrott_bostad' ? 'Bostadsinbrott' : code === 'misshandel' ? 'Misshandel' : undefined }));

/** A resolver over the test categories and optional mappings. */
export function testResolver(mappings: CategoryMappingEntry[] = []) {
  return createCategoryResolver(TEST_CATEGORIES, mappings);
}

/** A fixed "now": 2024-11-20 12:00 UTC. */
export const NOW = Date.UTC(2024, 10, 20, 12, 0, 0);

/** A UTF-8 file's bytes as an async chunk stream. */
export function utf8File(text: string, chunkSize?: number) {
  return bytesOf(Buffer.from(text, 'utf8'), chunkSize);
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Encodes text as Windows-1252; throws on a character the code page lacks. */
export function cp1252(text: string): Buffer {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const high = CP1252_HIGH.indexOf(ch);
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else if (high >= 0) bytes.push(0x80 + high);
    else throw new Error(`not in Windows-1252: ${ch}`);
  }
  return Buffer.from(bytes);
}

/** A multipart/form-data body for app.inject: text fields and files (name → [file name, content]). */
export function multipart(fields: Record<string, string>, files: Record<string, [string, string | Buffer]>) {
  const boundary = `----lagesbild${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const [name, [fileName, content]] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
