// palanca: opens an encrypted page in the browser.
//
// The page carries its content encrypted (AES-256-GCM) under the build's
// content key. The keyring (assets/keys.js) carries that key wrapped under
// a key derived from the passphrase (PBKDF2-SHA256) and under each reader's
// personal key. A personal link gives the reader's key in the address's
// fragment, which browsers never send to the server; it is taken out of the
// address bar at once. Once open, the content key (never the passphrase or
// the personal key) is kept for the session, or on this device if the
// reader asks, so other pages open without asking again. Downloads (CSV,
// JSON) are scripts carrying their file encrypted: they are loaded,
// decrypted and saved here, which works from any static host and from
// file://.
(() => {
  'use strict';
  const el = (id) => document.getElementById(id);
  const payload = JSON.parse(el('palanca-payload').textContent);
  const t = JSON.parse(el('palanca-strings').textContent);
  const ring = window.palancaKeyring || { pass: null, readers: [] };
  const slot = 'palanca-key-' + payload.build;
  const form = el('palanca-unlock');
  const status = el('palanca-status');
  const input = el('palanca-passphrase');
  const button = form.querySelector('button');
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const text = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
  const fromUrlSafe = (s) => bytes(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));

  const storage = (kind) => {
    try { return window[kind]; } catch (_) { return null; }
  };
  const saved = () => {
    for (const kind of ['sessionStorage', 'localStorage']) {
      const value = storage(kind) && storage(kind).getItem(slot);
      if (value) return bytes(value);
    }
    return null;
  };
  const keep = (raw, remember) => {
    const value = text(raw);
    if (storage('sessionStorage')) storage('sessionStorage').setItem(slot, value);
    if (remember && storage('localStorage')) storage('localStorage').setItem(slot, value);
  };
  const forget = () => {
    for (const kind of ['sessionStorage', 'localStorage']) {
      const s = storage(kind);
      if (!s) continue;
      for (const name of Object.keys(s)) if (name.startsWith('palanca-key-')) s.removeItem(name);
    }
  };

  // The personal key of a link, taken out of the address at once so that
  // it stays in no history entry, bookmark or shared screenshot.
  const fromLink = () => {
    const found = /^#key=([A-Za-z0-9_-]*)$/.exec(location.hash);
    if (!found) return null;
    history.replaceState(null, '', location.pathname + location.search);
    try { return fromUrlSafe(found[1]); } catch (_) { return new Uint8Array(0); }
  };

  async function open(raw, sealed) {
    const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    return crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(sealed.iv) }, key, bytes(sealed.ct));
  }

  // The content key from a reader's key: the keyring's entries carry no
  // name, so each is tried until one opens.
  async function byLink(personal) {
    for (const entry of ring.readers) {
      try { return new Uint8Array(await open(personal, entry)); } catch (_) { /* not this reader's */ }
    }
    throw new Error('no entry opens with this key');
  }

  async function byPassphrase(passphrase) {
    const p = ring.pass;
    if (!p) throw new Error('no passphrase opens this site');
    const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: bytes(p.salt), iterations: p.iter }, base, 256);
    return new Uint8Array(await open(new Uint8Array(bits), p));
  }

  // Puts the decrypted page in place of the shell, then adds the
  // "forget" control (and "remember" after a link) and the handling of
  // encrypted downloads.
  function show(html, raw, offerRemember) {
    const page = new DOMParser().parseFromString(html, 'text/html');
    document.title = page.title;
    document.documentElement.lang = page.documentElement.lang || document.documentElement.lang;
    document.head.replaceWith(document.adoptNode(page.head));
    document.body.replaceWith(document.adoptNode(page.body));
    const bar = document.createElement('p');
    bar.className = 'unlocked-bar';
    const control = (id, label, act) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = id;
      b.textContent = label;
      b.addEventListener('click', act);
      bar.appendChild(b);
      return b;
    };
    if (offerRemember) {
      const remember = control('palanca-remember-link', t.remember, () => { keep(raw, true); remember.remove(); });
    }
    control('palanca-forget', t.forget, () => { forget(); location.reload(); });
    (document.querySelector('footer') || document.body).appendChild(bar);
    document.addEventListener('click', (event) => download(event, raw));
    if (location.hash) {
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  const waiting = new Map();
  window.palancaFile = (name, sealed) => {
    const done = waiting.get(name);
    if (done) { waiting.delete(name); done(sealed); }
  };

  function download(event, raw) {
    const link = event.target.closest && event.target.closest('a[href]');
    if (!link) return;
    const href = link.getAttribute('href');
    if (!/\.(csv|json)$/i.test(href) || /^[a-z]+:/i.test(href)) return;
    event.preventDefault();
    const name = href.split('/').pop();
    new Promise((resolve) => {
      waiting.set(name, resolve);
      const script = document.createElement('script');
      script.src = href + '.js';
      document.body.appendChild(script);
    }).then((sealed) => open(raw, sealed)).then((plain) => {
      const type = /json$/i.test(name) ? 'application/json' : 'text/csv';
      const url = URL.createObjectURL(new Blob([plain], { type }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  }

  async function unlock(raw, remember, offerRemember) {
    const plain = await open(raw, payload);
    keep(raw, remember);
    show(new TextDecoder().decode(plain), raw, offerRemember);
  }

  if (!window.crypto || !crypto.subtle) {
    status.textContent = t.unsupported;
    if (button) button.disabled = true;
    return;
  }
  const personal = fromLink();
  const known = saved();
  if (personal) {
    form.hidden = true;
    byLink(personal)
      .then((raw) => unlock(raw, false, true))
      .catch(() => { status.textContent = t.wrong_link; form.hidden = false; });
  } else if (known) {
    form.hidden = true;
    unlock(known, false, false).catch(() => { forget(); form.hidden = false; });
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!input) return;
    status.textContent = t.working;
    button.disabled = true;
    try {
      // Blanks around the passphrase never count, as when the site was built.
      const raw = await byPassphrase(input.value.trim());
      await unlock(raw, el('palanca-remember').checked, false);
    } catch (_) {
      status.textContent = t.wrong;
      input.value = '';
      input.focus();
    } finally {
      if (form.isConnected) button.disabled = false;
    }
  });
  if (input && !personal) input.focus();
})();
