/** The export's pull-based keyset stream (src/api/keyset-stream.ts), over an in-memory source. */
import { describe, expect, it } from 'vitest';
import { keysetStream } from '../../src/api/keyset-stream.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${String(i).padStart(5, '0')}` }));

/** A source that records each fetch and the signal it got. */
function source(rows: { id: string }[], pageSize: number) {
  const calls: { afterId: string | undefined; signal: AbortSignal }[] = [];
  const fetchPage = async (last: { id: string } | undefined, signal: AbortSignal) => {
    const afterId = last?.id;
    calls.push({ afterId, signal });
    await new Promise((r) => setTimeout(r, 1));
    const start = afterId === undefined ? 0 : rows.findIndex((r) => r.id > afterId);
    return start < 0 ? [] : rows.slice(start, start + pageSize);
  };
  return { calls, fetchPage };
}

const decode = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join('');

async function readAll(stream: ReadableStream<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return decode(chunks);
}

describe('keysetStream', () => {
  it('serves every row once, in order, page after page', async () => {
    const rows = ids(23);
    const { calls, fetchPage } = source(rows, 5);
    const text = await readAll(keysetStream({ pageSize: 5, fetchPage, prelude: 'H\n', encode: (rs) => rs.map((r) => `${r.id}\n`).join('') }));
    expect(text).toBe(`H\n${rows.map((r) => `${r.id}\n`).join('')}`);
    // 5 pages; the last one is short, so no extra empty read.
    expect(calls.map((c) => c.afterId)).toEqual([undefined, 'r00004', 'r00009', 'r00014', 'r00019']);
  });

  it('sends byte pages as they are, and the epilogue once after a complete stream only', async () => {
    const bytes = (t: string) => new TextEncoder().encode(t);
    let epilogues = 0;
    const epilogue = () => (epilogues++, bytes('END'));
    const whole = source(ids(10), 5);
    const text = await readAll(keysetStream({ pageSize: 5, fetchPage: whole.fetchPage, encode: (rs) => bytes(rs.map((r) => r.id).join()), epilogue }));
    // Two full pages, then an empty read that ends it: the epilogue comes after all of them.
    expect(text).toBe(`${ids(5).map((r) => r.id).join()}${ids(10).slice(5).map((r) => r.id).join()}END`);
    expect(epilogues).toBe(1);
    const cut = source(ids(100), 10);
    const reader = keysetStream({ pageSize: 10, fetchPage: cut.fetchPage, encode: (rs) => bytes(rs.map((r) => r.id).join()), epilogue }).getReader();
    await reader.read();
    await reader.cancel();
    expect(epilogues).toBe(1);
  });

  it('reads one more page only when the consumer asks for it', async () => {
    const { calls, fetchPage } = source(ids(100), 10);
    const reader = keysetStream({ pageSize: 10, fetchPage, encode: (rs) => rs.map((r) => r.id).join() }).getReader();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(0);
    for (let read = 1; read <= 3; read++) {
      await reader.read();
      await new Promise((r) => setTimeout(r, 20));
      expect(calls).toHaveLength(read);
    }
    await reader.cancel();
  });

  it('stops and aborts the fetch in flight when the consumer cancels', async () => {
    const { calls, fetchPage } = source(ids(100), 10);
    const reader = keysetStream({ pageSize: 10, fetchPage, encode: (rs) => rs.map((r) => r.id).join() }).getReader();
    await reader.read();
    const pending = reader.read();
    await reader.cancel();
    await pending;
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.at(-1)!.signal.aborted).toBe(true);
  });

  it('stops when the request signal aborts', async () => {
    const { calls, fetchPage } = source(ids(100), 10);
    const request = new AbortController();
    const stream = keysetStream({ pageSize: 10, fetchPage, encode: (rs) => rs.map((r) => r.id).join(), signal: request.signal });
    const reader = stream.getReader();
    await reader.read();
    request.abort();
    const next = await reader.read();
    expect(next.done).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('serves a pre-read first page without fetching it again', async () => {
    const rows = ids(7);
    const { calls, fetchPage } = source(rows, 5);
    const text = await readAll(keysetStream({ pageSize: 5, fetchPage, firstPage: rows.slice(0, 5), encode: (rs) => rs.map((r) => `${r.id}\n`).join('') }));
    expect(text.trim().split('\n')).toEqual(rows.map((r) => r.id));
    expect(calls.map((c) => c.afterId)).toEqual(['r00004']);
  });

  it('ends in an error when a page fails mid-stream (a truncated transfer, not a short file)', async () => {
    let n = 0;
    const stream = keysetStream({
      pageSize: 2,
      fetchPage: async () => {
        if (++n === 2) throw new Error('meili down');
        return ids(2);
      },
      encode: (rs) => rs.map((r) => r.id).join(),
    });
    await expect(readAll(stream)).rejects.toThrow('meili down');
  });
});
