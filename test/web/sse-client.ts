/**
 * A Server-Sent Events client for web specs against a real server (fetch with a streaming body:
 * parsed events, the raw text, waitFor, close), and signInCookie, which signs in through the login
 * form and returns the Cookie header a browser would send.
 *
 * Example:
 *   const cookie = await signInCookie(base, 'alice', PASSWORD);
 *   const { status, stream } = await openStream(base, '/jobs', cookie);
 */
import { expect } from 'vitest';
import type { BacklotEvent } from '../../app/framework/index';
import { formToken } from './support';

export interface Stream {
  events: BacklotEvent[];
  text(): string;
  waitFor(check: (events: BacklotEvent[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
  ended: Promise<void>;
}

export async function openStream(
  base: string,
  topics: string,
  cookie = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; stream?: Stream; response: Response }> {
  const controller = new AbortController();
  const res = await fetch(`${base}/events?topics=${encodeURIComponent(topics)}`, {
    headers: { cookie, ...headers },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    return { status: res.status, response: new Response(text, { status: res.status, headers: res.headers }) };
  }
  let buffer = '';
  const events: BacklotEvent[] = [];
  const listeners = new Set<() => void>();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        events.length = 0;
        for (const frame of buffer.split('\n\n')) {
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (data && !/^event: /m.test(frame)) events.push(JSON.parse(data) as BacklotEvent);
        }
        for (const listener of listeners) listener();
      }
    } catch {
      /* aborted */
    }
  })();
  const stream: Stream = {
    events,
    text: () => buffer,
    ended,
    close: () => controller.abort(),
    waitFor(check, what, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const test = () => {
          if (check(events)) {
            listeners.delete(test);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(test);
          reject(new Error(`timed out waiting for ${what}; got ${buffer}`));
        }, timeoutMs);
        listeners.add(test);
        test();
      });
    },
  };
  return { status: 200, stream, response: res };
}

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [name, ...value] = (pair ?? '').split('=');
    if (name) jar.set(name, value.join('='));
  }
}

export async function signInCookie(base: string, name: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${base}/login`);
  cookiesOf(page, jar);
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, password, _csrf: formToken(await page.text()) }).toString(),
  });
  expect(res.status).toBe(303);
  cookiesOf(res, jar);
  return header();
}
