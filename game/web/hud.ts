/**
 * The HUD: crosshair, hotbar, a status line while (re)connecting, the F3 statistics panel (FPS, tick, RTT,
 * bandwidth, reconciliations, chunks, meshing) and chat (Enter opens the input, Enter sends, Escape cancels).
 */

/** Figures shown in the F3 panel. */
export interface HudStats {
  /** Frames drawn in the last second. */
  fps: number;
  /** Client tick and newest server tick. */
  tick: number;
  /** Newest server tick seen. */
  serverTick: number;
  /** Smoothed round trip, ms (NaN before the first pong). */
  rttMs: number;
  /** Bytes per second received and sent, over the last second. */
  bytesInPerSec: number;
  /** Bytes per second sent. */
  bytesOutPerSec: number;
  /** Reconciliations so far. */
  reconciliations: number;
  /** Mean reconciliation error, blocks. */
  reconcileErrorAvg: number;
  /** Chunk columns loaded. */
  chunks: number;
  /** Section meshes drawn. */
  meshes: number;
  /** Sections meshed by the worker pool so far. */
  sectionsMeshed: number;
  /** The transport in use, for people: "WebTransport over HTTP/3" or the fallback and why. */
  transport: string;
  /** Player position. */
  position: [number, number, number];
  /** Connection state. */
  state: string;
}

/** The HUD's elements and state. */
export interface Hud {
  /** The root element. */
  readonly root: HTMLElement;
  /** Whether the F3 panel shows. */
  statsVisible: boolean;
  /** The panel element. */
  readonly stats: HTMLElement;
  /** The status line (connecting, errors). */
  readonly status: HTMLElement;
  /** Hotbar slot elements. */
  readonly slots: HTMLElement[];
  /** Chat log. */
  readonly chatLog: HTMLElement;
  /** Chat input (hidden unless typing). */
  readonly chatInput: HTMLInputElement;
}

function el(tag: string, cls: string, parent: HTMLElement): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  parent.appendChild(e);
  return e;
}

/** Builds the HUD inside `root`; `colors` are the hotbar swatches (CSS colours, one per slot). */
export function createHud(root: HTMLElement, colors: readonly string[]): Hud {
  el('div', 'crosshair', root);
  const stats = el('div', 'stats', root);
  const status = el('div', 'status', root);
  const bar = el('div', 'hotbar', root);
  const slots = colors.map((c, i) => {
    const s = el('div', 'slot', bar);
    (el('div', 'swatch', s) as HTMLElement).style.background = c;
    el('span', 'key', s).textContent = String(i + 1);
    return s;
  });
  const chat = el('div', 'chat', root);
  const chatLog = el('div', 'log', chat);
  const chatInput = document.createElement('input');
  chatInput.maxLength = 256;
  chatInput.style.display = 'none';
  chat.appendChild(chatInput);
  return { root, statsVisible: true, stats, status, slots, chatLog, chatInput };
}

/** Shows `text` as the status line, or hides it for an empty string. */
export function setStatus(h: Hud, text: string): void {
  h.status.textContent = text;
  h.status.style.display = text ? '' : 'none';
}

/** Colours the hotbar swatches: one CSS colour per slot, '' for an empty slot. */
export function showHotbar(h: Hud, colors: readonly string[]): void {
  h.slots.forEach((s, i) => { (s.firstElementChild as HTMLElement).style.background = colors[i] || 'transparent'; });
}

/** Marks the selected hotbar slot. */
export function showSlot(h: Hud, slot: number): void {
  h.slots.forEach((s, i) => s.classList.toggle('selected', i === slot));
}

/** Formats a byte rate for the panel. */
export function formatRate(bytesPerSec: number): string {
  return bytesPerSec >= 1024 * 1024 ? `${(bytesPerSec / 1048576).toFixed(2)} MB/s` : `${(bytesPerSec / 1024).toFixed(1)} KB/s`;
}

/** Writes the F3 panel (hidden when toggled off). */
export function showStats(h: Hud, s: HudStats): void {
  h.stats.style.display = h.statsVisible ? '' : 'none';
  if (!h.statsVisible) return;
  const [x, y, z] = s.position;
  h.stats.textContent = [
    `Stratum  ${s.fps} fps  (F3 hides)`,
    `state ${s.state}  via ${s.transport}`,
    `tick ${s.tick}  server ${s.serverTick}`,
    `rtt ${Number.isNaN(s.rttMs) ? '-' : s.rttMs.toFixed(1) + ' ms'}`,
    `in ${formatRate(s.bytesInPerSec)}  out ${formatRate(s.bytesOutPerSec)}`,
    `reconciliations ${s.reconciliations}  avg error ${s.reconcileErrorAvg.toFixed(3)} blocks`,
    `chunks ${s.chunks}  section meshes ${s.meshes}  meshed in pool ${s.sectionsMeshed}`,
    `xyz ${x.toFixed(2)} ${y.toFixed(2)} ${z.toFixed(2)}`,
  ].join('\n');
}

/** Appends a chat line (keeps the last 8). */
export function addChatLine(h: Hud, from: string, text: string): void {
  const line = el('div', 'line', h.chatLog);
  line.textContent = from ? `<${from}> ${text}` : text;
  while (h.chatLog.childElementCount > 8) h.chatLog.firstElementChild!.remove();
}

/**
 * Wires F3 and chat keys: Enter opens the chat input (`onTyping(true)`), Enter again sends the line with `send`,
 * Escape cancels. Returns a function that removes the listeners.
 */
export function attachHudKeys(h: Hud, send: (text: string) => void, onTyping: (typing: boolean) => void): () => void {
  const close = () => {
    h.chatInput.value = '';
    h.chatInput.style.display = 'none';
    h.chatInput.blur();
    onTyping(false);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.code === 'F3') {
      h.statsVisible = !h.statsVisible;
      e.preventDefault();
    } else if (e.code === 'Enter' && h.chatInput.style.display === 'none') {
      if (document.pointerLockElement) document.exitPointerLock();
      h.chatInput.style.display = '';
      onTyping(true);
      setTimeout(() => h.chatInput.focus(), 0);
      e.preventDefault();
    }
  };
  const onChatKey = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.code === 'Enter') {
      const text = h.chatInput.value.trim();
      if (text) send(text);
      close();
    } else if (e.code === 'Escape') close();
  };
  window.addEventListener('keydown', onKey);
  h.chatInput.addEventListener('keydown', onChatKey);
  return () => {
    window.removeEventListener('keydown', onKey);
    h.chatInput.removeEventListener('keydown', onChatKey);
  };
}

/**
 * Shows the player's health as hearts above the hotbar (game/web/mobs-view.ts heartsText), with the number in its
 * title; the element is made on first use. Its text is what `window.stratum.hearts()` reads.
 */
export function showHealth(h: Hud, text: string, current: number, max: number): void {
  let e = h.root.querySelector<HTMLElement>('.hearts');
  if (!e) {
    e = el('div', 'hearts', h.root);
    Object.assign(e.style, { position: 'absolute', bottom: '64px', left: '50%', transform: 'translateX(-50%)', color: '#e33', font: '20px sans-serif', textShadow: '0 0 2px #000', pointerEvents: 'none' });
  }
  if (e.textContent !== text) e.textContent = text;
  e.title = `${current} / ${max}`;
}
