// The progress panel's page loads nothing: its Content Security Policy allows no source but its own inline
// script and stylesheet (by nonce), and the page names no remote or local resource.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressPageHtml } from '../../src/client/progressPage';

test('the progress page: a strict CSP with a nonce, and no resource to load', () => {
  const html = progressPageHtml('n0nce+/=');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.equal(csp, "default-src 'none'; style-src 'nonce-n0nce+/='; script-src 'nonce-n0nce+/='");
  const tags = [...html.matchAll(/<(script|style)\b([^>]*)>/g)];
  assert.deepEqual(
    tags.map((m) => [m[1], m[2]!.trim()]),
    [
      ['style', 'nonce="n0nce+/="'],
      ['script', 'nonce="n0nce+/="'],
    ],
  );
  assert.doesNotMatch(html, /\b(src|href)=|https?:|url\(|@import/, 'the page loads a resource');
  assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/, 'inline styles or handlers the CSP would block');
});
