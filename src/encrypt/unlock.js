// palanca: opens an encrypted page in the browser.
//
// The page carries its content encrypted (AES-256-GCM) under a key derived
// from the passphrase with PBKDF2-SHA256. Once the reader enters the
// passphrase, the derived key (never the passphrase) is kept for the
// session, or on this device if the reader asks, so other pages open
// without asking again. Downloads (CSV, JSON) are scripts carrying their
// file encrypted: they are loaded, decrypted and saved here, which works
// from any static host and from file://.
(() => {
  'use strict';
  const el = (id) => document.getElementById(id);
  const payload = JSON.parse(el('palanca-payload').textContent);
  const t = JSON.parse(el('palanca-strings').textContent);
  const slot = 'palanca-key-' + payload.salt;
  const form = el('palanca-unlock');
  const status = el('palanca-status');
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const text = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));

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

  async function derive(passphrase) {
    const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: bytes(payload.salt), iterations: payload.iter }, base, 256);
    return new Uint8Array(bits);
  }

  async function open(raw, sealed) {
    const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    return crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(sealed.iv) }, key, bytes(sealed.ct));
  }

  // Puts the decrypted page in place of the shell, then adds the
  // "forget" control and the handling of encrypted downloads.
  function show(html, raw) {
    const page = new DOMParser().parseFromString(html, 'text/html');
    document.title = page.title;
    document.documentElement.lang = page.documentElement.lang || document.documentElement.lang;
    document.head.replaceWith(document.adoptNode(page.head));
    document.body.replaceWith(document.adoptNode(page.body));
    const bar = document.createElement('p');
    bar.className = 'unlocked-bar';
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'palanca-forget';
    button.textContent = t.forget;
    button.addEventListener('click', () => { forget(); location.reload(); });
    bar.appendChild(button);
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

  async function unlock(raw, remember) {
    const plain = await open(raw, payload);
    keep(raw, remember);
    show(new TextDecoder().decode(plain), raw);
  }

  if (!window.crypto || !crypto.subtle) {
    status.textContent = t.unsupported;
    form.querySelector('button').disabled = true;
    return;
  }
  const known = saved();
  if (known) {
    form.hidden = true;
    unlock(known, false).catch(() => { forget(); form.hidden = false; });
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = el('palanca-passphrase');
    status.textContent = t.working;
    form.querySelector('button').disabled = true;
    try {
      // Blanks around the passphrase never count, as when the site was built.
      const raw = await derive(input.value.trim());
      await unlock(raw, el('palanca-remember').checked);
    } catch (_) {
      status.textContent = t.wrong;
      input.value = '';
      input.focus();
    } finally {
      form.querySelector('button') && (form.querySelector('button').disabled = false);
    }
  });
  el('palanca-passphrase').focus();
})();
