import https from 'node:https';
import crypto from 'node:crypto';
import { createSelfSignedCert } from '../engine/platform/node/cert.ts';
import { chromium } from 'playwright-core';

const cert = createSelfSignedCert();
const page = `<!doctype html><title>t</title><script>
window.result = new Promise((ok) => {
  const ws = new WebSocket('wss://localhost:' + location.hash.slice(1) + '/x');
  ws.onopen = () => ok('open'); ws.onerror = () => ok('error');
});
</script>`;
const a = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Content-Type', 'text/html');
  res.end(page);
});
const b = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => res.end('b'));
b.on('upgrade', (req, sock) => {
  const acc = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acc}\r\n\r\n`);
});
await new Promise<void>((r) => a.listen(0, '127.0.0.1', r));
await new Promise<void>((r) => b.listen(0, '127.0.0.1', r));
const pa = (a.address() as any).port, pb = (b.address() as any).port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const ctx = await browser.newContext();
const p = await ctx.newPage();
try { await p.goto(`https://localhost:${pa}/#${pb}`); } catch (e) { console.log('goto:', (e as Error).message.split('\n')[0]); }
console.log('title', await p.title(), 'url', p.url());
const html = await p.content();
console.log('has details', html.includes('details-button'), 'proceed', html.includes('proceed-link'));
await p.click('#details-button').catch((e) => console.log('click1', e.message));
await p.click('#proceed-link').catch((e) => console.log('click2', e.message));
await p.waitForLoadState('load');
await p.waitForFunction(() => (window as any).result !== undefined, null, { timeout: 10000 }).catch(() => {});
console.log('after', p.url(), await p.title());
console.log('isolated', await p.evaluate(() => crossOriginIsolated), 'secure', await p.evaluate(() => isSecureContext));
console.log('ws', await p.evaluate(() => (window as any).result));
await browser.close(); a.close(); b.close();
