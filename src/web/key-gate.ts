/**
 * The web page behind API_KEYS. When keys are set (and WEB_PUBLIC is not), the page's routes serve
 * records only to a request with a key - the `X-API-KEY` header, as the APIs take it, or the
 * page's cookie, which a browser sends by itself:
 *
 *   GET  /key    a form asking for the key
 *   POST /key    checks it, sets the cookie (HttpOnly, SameSite=Strict), back to where the reader was
 *
 * A request without a valid key gets the form (401), never data; the rate limit of the key
 * counts every page, as it counts every API call.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { ApiError } from '../http/errors.ts';
import type { KeyGuard } from '../http/api-keys.ts';
import { layout, type Html } from './views/layout.ts';
import { requestForm } from '../http/node-request.ts';

export const KEY_COOKIE = 'oa_api_key';

/** Where to go after the form: a path of this site only (never `//other.example`). */
function safeNext(next: unknown): string {
  // Printable ASCII only (a tab or newline that a browser strips could turn "/\t/x" into "//x",
  // and a control character cannot go into a Location header), one leading slash, no backslash.
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.includes('\\') ? next : '/';
}

function keyForm(next: string, message?: string): Html {
  return layout(
    'API key - oa-citations',
    html`<main id="main" class="record">
<h1>An API key is needed</h1>
<p>This service serves its records to holders of an API key only.${message ? html` <strong>${message}</strong>` : ''}</p>
<form method="post" action="/key">
<label for="key">API key</label> <input id="key" name="key" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="${next}">
<button type="submit">Continue</button>
</form>
</main>`,
  );
}

export function keyGate(guard: KeyGuard, options: { secureCookie: boolean }): { routes: Hono; gate: MiddlewareHandler } {
  const routes = new Hono();
  routes.get('/key', (c) => c.html(keyForm(safeNext(c.req.query('next')))));
  routes.post('/key', async (c) => {
    const form: Record<string, string> = await requestForm(c).catch(() => ({}));
    const next = safeNext(form.next);
    const given = typeof form.key === 'string' ? form.key.trim() : '';
    let key: string;
    try {
      key = guard.admit(given, 'API key');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return c.html(keyForm(next, err.message), err.status === 429 ? 429 : 401, err.extra.headers ?? {});
    }
    setCookie(c, KEY_COOKIE, key, { path: '/', httpOnly: true, sameSite: 'Strict', secure: options.secureCookie });
    return c.redirect(next, 303);
  });

  const gate: MiddlewareHandler = async (c, next) => {
    try {
      c.set('apiKey', guard.admit(c.req.header('x-api-key') ?? getCookie(c, KEY_COOKIE), 'API key'));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const url = new URL(c.req.url);
      const given = c.req.header('x-api-key') ?? getCookie(c, KEY_COOKIE);
      return c.html(keyForm(`${url.pathname}${url.search}`, given ? err.message : undefined), err.status === 429 ? 429 : 401, err.extra.headers ?? {});
    }
    await next();
  };
  return { routes, gate };
}
