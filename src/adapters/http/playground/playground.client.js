/* The playground's browser script, inlined into the page (CSP allows it by hash).
   Model output and doc fields are only ever set with textContent, never innerHTML. */
/* global document, window, fetch, TextDecoder, performance, crypto, AbortController, URLSearchParams */
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  // crypto.randomUUID needs a secure context; a plain-http deployment is not one.
  const randomId = (prefix) =>
    prefix + Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  const ms = (v) => (v === undefined ? '—' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`);
  // Calls go next to the page, so a path prefix in front of /playground is kept.
  const base = window.location.pathname.replace(/\/playground\/?$/, '/');
  const token = new URLSearchParams(window.location.search).get('token');
  if (token) $('token').value = token;

  let session = '';
  let inFlight = null;
  const newSession = () => {
    session = randomId('pg-');
    $('session').textContent = session;
  };
  newSession();

  const raw = {
    start(line) {
      $('raw').textContent = `${line}\n`;
      $('raw-count').textContent = '';
    },
    add(text, count) {
      $('raw').textContent += `${text}\n`;
      if (count !== undefined) $('raw-count').textContent = `(${count} frames)`;
    },
  };

  function addTurn(question) {
    $('empty')?.remove();
    const turn = el('article', 'turn');
    turn.append(el('div', 'bubble q', question));
    const bubble = el('div', 'bubble a');
    const view = { answer: el('p', 'answer streaming'), docs: el('ol', 'docs'), status: el('p', 'status'), meta: el('p', 'meta') };
    view.docs.hidden = true;
    view.status.hidden = true;
    bubble.append(view.answer, view.docs, view.status, view.meta);
    turn.append(bubble);
    $('transcript').append(turn);
    turn.scrollIntoView({ block: 'end' });
    return view;
  }

  function showDocs(view, docs) {
    view.docs.replaceChildren();
    for (const doc of Array.isArray(docs) ? docs : []) {
      const item = el('li');
      const url = String(doc.url ?? '');
      const link = el(/^https?:\/\//i.test(url) ? 'a' : 'span', '', String(doc.title || doc.doc_id || url));
      if (link.tagName === 'A') Object.assign(link, { href: url, target: '_blank', rel: 'noopener noreferrer' });
      item.append(link, el('span', 'doc-id', String(doc.doc_id ?? '')));
      view.docs.append(item);
    }
    view.docs.hidden = view.docs.childElementCount === 0;
  }

  const fail = (view, words) => {
    view.status.textContent = words;
    view.status.hidden = false;
  };

  async function refusal(res) {
    const text = await res.text();
    let detail = text.slice(0, 300);
    try {
      detail = JSON.parse(text).err_msg || detail;
    } catch {
      /* not JSON: show the text as is */
    }
    raw.add(text);
    const hint = res.status === 401 ? ' Enter the service token in the Token field.' : '';
    return `The service refused the question (HTTP ${res.status}): ${detail}.${hint}`;
  }

  async function readStream(res, view, t0, timing) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let frames = 0;
    let final = null;
    const onBlock = (block) => {
      raw.add(`+${Math.round(performance.now() - t0)}ms\n${block}\n`, ++frames);
      const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (!data) return; // a keep-alive comment
      const frame = JSON.parse(data);
      timing.firstFrame ??= performance.now() - t0;
      view.answer.textContent += frame.response;
      if (frame.finished) final = frame;
    };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        onBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    if (!final) return fail(view, 'The stream ended without a final frame: the connection was cut before the answer finished.');
    const output = final.global_output || {};
    showDocs(view, output.docs);
    timing.success = output.answer_success;
    if (output.answer_success !== 1) {
      fail(view, 'The bot could not answer (answer_success 0): the model failed, the deadline passed, or nothing was found. Above is the apology Yishiting users see.');
    }
  }

  async function readSync(res, view, t0, timing) {
    const text = await res.text();
    timing.firstFrame = performance.now() - t0;
    const reply = JSON.parse(text);
    raw.add(JSON.stringify(reply, null, 2));
    view.answer.textContent = reply.msg_content;
    showDocs(view, reply.recall_docs);
    timing.success = reply.code === 0 ? 1 : 0;
    if (reply.code !== 0) fail(view, `The bot could not answer (code ${reply.code}): ${reply.err_msg}.`);
  }

  async function ask(question) {
    const sync = $('sync').checked;
    const view = addTurn(question);
    const body = { user: $('user').value.trim() || 'playground', msg_type: 'text', content: question, msg_id: randomId('m-'), session_id: session };
    const headers = { 'Content-Type': 'application/json' };
    if ($('token').value) headers.Authorization = `Bearer ${$('token').value}`;
    const path = sync ? 'chat/sync' : 'chat';
    const t0 = performance.now();
    const timing = {};
    let traceId = '';
    inFlight = new AbortController();
    setBusy(true);
    raw.start(`POST ${base}${path}  ${JSON.stringify(body)}`);
    try {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: inFlight.signal });
      traceId = res.headers.get('X-Trace-Id') || '';
      raw.add(`HTTP ${res.status}  ${res.headers.get('Content-Type') || ''}  X-Trace-Id: ${traceId}\n`);
      if (res.status !== 200) fail(view, await refusal(res));
      else await (sync ? readSync : readStream)(res, view, t0, timing);
    } catch (error) {
      if (inFlight.signal.aborted) fail(view, 'Stopped: you hung up before the answer finished.');
      else if (error instanceof SyntaxError) fail(view, `The service sent something that is not protocol JSON: ${error.message}`);
      else fail(view, `Cannot reach the service (${error.message}). Is it running?`);
    } finally {
      view.answer.classList.remove('streaming');
      const parts = [`${sync ? 'sync' : 'stream'}`, `first ${sync ? 'reply' : 'frame'} ${ms(timing.firstFrame)}`, `total ${ms(performance.now() - t0)}`];
      if (timing.success !== undefined) parts.push(`answer_success ${timing.success}`);
      if (traceId) parts.push(`trace ${traceId}`);
      view.meta.textContent = parts.join(' · ');
      if (timing.success !== undefined) view.meta.after(thumbs(body, headers));
      inFlight = null;
      setBusy(false);
      view.meta.scrollIntoView({ block: 'end' });
    }
  }

  /** 👍 / 👎 under an answer: POST /feedback for the turn's msg_id; a second click replaces the first rating. */
  function thumbs(body, headers) {
    const box = el('p', 'feedback');
    const note = el('span', 'feedback-note', '');
    for (const [rating, label] of [['up', '👍'], ['down', '👎']]) {
      const button = el('button', `thumb ${rating}`, label);
      button.type = 'button';
      button.title = rating === 'up' ? 'Helpful' : 'Not helpful';
      button.addEventListener('click', async () => {
        try {
          const res = await fetch(`${base}feedback`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ user: body.user, msg_id: body.msg_id, rating }),
          });
          const reply = await res.json();
          note.textContent = res.ok ? 'Thanks, noted.' : `Not saved: ${reply.err_msg}`;
          for (const b of box.querySelectorAll('.thumb')) b.classList.toggle('chosen', res.ok && b === button);
        } catch (error) {
          note.textContent = `Not saved: ${error.message}`;
        }
      });
      box.append(button);
    }
    box.append(note);
    return box;
  }

  function setBusy(busy) {
    $('send').textContent = busy ? 'Stop' : 'Send';
    $('send').classList.toggle('stop', busy);
  }

  $('ask').addEventListener('submit', (event) => {
    event.preventDefault();
    if (inFlight) return inFlight.abort();
    const question = $('question').value.trim();
    if (!question) return;
    $('question').value = '';
    void ask(question);
  });
  $('question').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) $('ask').requestSubmit();
  });
  $('new-session').addEventListener('click', () => {
    if (inFlight) inFlight.abort();
    newSession();
    const hint = el('p', 'hint', `New conversation ${session}: the bot starts without history.`);
    hint.id = 'empty';
    $('transcript').replaceChildren(hint);
  });
})();
