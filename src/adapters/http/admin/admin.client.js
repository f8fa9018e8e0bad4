// The admin page's script: reads /admin/api/*, draws the chart as inline SVG, and
// writes "teach it" edits. Every piece of user text goes in as text (textContent), never as HTML.
/* global document, location, fetch, URLSearchParams */
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const token = params.get('token') || '';
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  let writable = false;

  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  };
  const svg = (tag, attrs, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  };
  const query = (extra) => {
    const q = new URLSearchParams();
    for (const name of ['from', 'to', 'business_key']) if ($(name).value) q.set(name, $(name).value);
    if (token) q.set('token', token);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    return q.toString();
  };
  const api = async (name) => {
    const response = await fetch('/admin/api/' + name + '?' + query(), { headers });
    const body = await response.json();
    if (!response.ok) throw new Error(body.err_msg || response.status);
    return body;
  };
  const fillTable = (id, rows, cells) => {
    const body = $(id).querySelector('tbody');
    body.replaceChildren();
    for (const row of rows) {
      const tr = el('tr');
      for (const value of cells(row)) tr.append(el('td', value));
      body.append(tr);
    }
    if (rows.length === 0) {
      const tr = el('tr');
      const td = el('td', 'nothing in this range');
      td.colSpan = $(id).querySelectorAll('th').length;
      tr.append(td);
      body.append(tr);
    }
  };

  function drawChart(days) {
    const width = 900, height = 220, left = 36, bottom = 28, top = 10;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' });
    const plotH = height - bottom - top;
    for (const pct of [0, 50, 100]) {
      const y = top + plotH * (1 - pct / 100);
      root.append(svg('line', { x1: left, x2: width, y1: y, y2: y, class: 'axis' }), svg('text', { x: 0, y: y + 4 }, pct + '%'));
    }
    const slot = (width - left) / Math.max(days.length, 1);
    days.forEach((d, i) => {
      const h = plotH * d.rate;
      const x = left + i * slot + slot * 0.15;
      const bar = svg('rect', { x, y: top + plotH - h, width: slot * 0.7, height: Math.max(h, 0.5), class: 'bar' });
      bar.append(svg('title', {}, `${d.day}: ${Math.round(d.rate * 100)}% of ${d.turns} answered`));
      root.append(bar);
      if (days.length <= 31 || i % Math.ceil(days.length / 31) === 0) {
        root.append(svg('text', { x: x, y: height - 10 }, d.day.slice(5)));
      }
    });
    $('chart').replaceChildren(root);
  }

  async function teach(path, payload, status) {
    status.textContent = 'saving…';
    status.className = '';
    try {
      const response = await fetch(path + (token ? '?token=' + encodeURIComponent(token) : ''), {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.err_msg || String(response.status));
      status.textContent = 'saved as ' + body.id + '; the index picks it up within seconds';
      status.className = 'ok';
    } catch (error) {
      status.textContent = 'not saved: ' + error.message;
      status.className = 'error';
    }
  }

  function groupView(group, index) {
    const box = el('div', undefined, 'group');
    box.append(el('div', group.question, 'q'));
    const best = group.best ? `best candidate: ${group.best.title} (${group.best.score.toFixed(2)})` : 'nothing recalled';
    box.append(el('div', `${group.count}× · last asked ${group.last_asked.replace('T', ' ').slice(0, 16)} · ${best}`, 'meta'));
    if (group.wordings.length > 1) box.append(el('div', 'wordings: ' + group.wordings.join(' | '), 'meta'));
    const form = el('form', undefined, 'teach');
    form.dataset.group = String(index);
    const question = el('input');
    question.value = group.question;
    question.maxLength = 500;
    question.name = 'question';
    const similar = el('textarea');
    similar.rows = 2;
    similar.name = 'similar';
    similar.value = group.wordings.filter((w) => w !== group.question).join('\n');
    const answer = el('textarea');
    answer.rows = 3;
    answer.name = 'answer';
    answer.maxLength = 10000;
    answer.placeholder = 'the answer users should get';
    const status = el('span');
    const create = el('button', 'New FAQ entry');
    create.type = 'submit';
    const entryId = el('input');
    entryId.placeholder = 'entry id';
    entryId.name = 'entry';
    const addTo = el('button', 'Add these wordings to entry', 'secondary');
    addTo.type = 'button';
    for (const control of [question, similar, answer, create, entryId, addTo]) control.disabled = !writable;
    const lines = () => similar.value.split('\n').map((s) => s.trim()).filter(Boolean);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void teach('/admin/api/faq', { question: question.value, answer: answer.value, similar: lines() }, status);
    });
    addTo.addEventListener('click', () => {
      const wordings = [question.value.trim(), ...lines()].filter(Boolean);
      void teach('/admin/api/faq/' + encodeURIComponent(entryId.value.trim()) + '/similar', { similar: wordings }, status);
    });
    const row = el('div', undefined, 'row');
    row.append(create, entryId, addTo, status);
    form.append(el('label', 'Standard question'), question, el('label', 'Similar questions, one a line'), similar, el('label', 'Answer'), answer, row);
    box.append(form);
    return box;
  }

  async function load() {
    try {
      const s = await api('summary');
      writable = s.writable;
      const notice = $('notice');
      notice.hidden = writable;
      notice.textContent = writable ? '' : 'Read-only: set ADMIN_TOKEN on the service and open this page with ?token=… to teach the bot here.';
      $('totals').textContent = `${s.turns} turns, ${s.answered} answered (${Math.round(s.rate * 100)}%)`;
      drawChart(s.by_day);
      fillTable('reasons', Object.entries(s.reasons).sort((a, b) => b[1] - a[1]), (r) => r);
      const u = await api('unanswered');
      $('groups').replaceChildren(...(u.groups.length ? u.groups.map(groupView) : [el('p', 'No unanswered questions in this range.')]));
      const f = await api('feedback');
      fillTable('feedback', f.feedback, (r) => [r.at.slice(0, 16).replace('T', ' '), r.question ?? '(turn not in range)', r.answer ?? '', r.comment]);
      const d = await api('docs');
      fillTable('docs', [...d.most_cited, ...d.never_cited], (r) => [r.title, r.kind, r.cited, r.recalled]);
      const w = await api('slowest');
      fillTable('slowest', w.turns, (r) => [r.at.slice(0, 16).replace('T', ' '), r.question, r.reason, r.duration_ms, r.first_frame_ms ?? '']);
      for (const link of document.querySelectorAll('a.csv')) link.href = '/admin/api/' + link.dataset.api + '?' + query({ format: 'csv' });
    } catch (error) {
      const notice = $('notice');
      notice.hidden = false;
      notice.textContent = 'Could not load: ' + error.message;
    }
  }

  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  void load();
})();
