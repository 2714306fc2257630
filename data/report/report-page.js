// The qutibench report page (inlined by `qutibench report`, src/report/report_html.cpp): embeds
// every chart spec of #qtb-specs with vega-embed, re-embeds them when a filter changes (a datum
// is kept when its task, platform and source, where it has them, are ticked), hides charts left
// without points, hides table rows the same way, fills the "best variant" table from #qtb-points,
// and records the outcome in #qtb-status for the browser test: data-rendered (charts embedded in
// the last pass), data-shown (charts with points), data-errors, data-done = 1 after the first pass.
// The query string can preset the filters (see below).
(function () {
  'use strict';
  const status = document.getElementById('qtb-status');
  const messages = [];
  function fail(message) {
    messages.push(String(message));
    status.dataset.errors = String(messages.length);
    status.dataset.messages = messages.join(' | ');
  }
  window.addEventListener('error', (e) => fail(e.message));
  window.addEventListener('unhandledrejection', (e) => fail(e.reason));
  const consoleError = console.error.bind(console);
  console.error = (...args) => {
    fail(args.join(' '));
    consoleError(...args);
  };

  const charts = JSON.parse(document.getElementById('qtb-specs').textContent);
  const points = JSON.parse(document.getElementById('qtb-points').textContent);
  const views = new Map();
  const filterFields = ['task', 'platform', 'source'];

  // null where the page has no such filter (a page of charts alone): then nothing is filtered.
  function ticked(kind) {
    if (!document.querySelector(`fieldset[data-filter="${kind}"]`)) return null;
    const inputs = document.querySelectorAll(`fieldset[data-filter="${kind}"] input`);
    return new Set([...inputs].filter((i) => i.checked).map((i) => i.value));
  }
  function selection() {
    return Object.fromEntries(filterFields.map((f) => [f, ticked(f)]));
  }
  // A field the datum lacks (or leaves empty) does not filter it: roofs have no source.
  function keep(datum, sel) {
    return filterFields.every((f) => {
      const v = datum[f];
      return v === undefined || v === null || v === '' || sel[f] === null || sel[f].has(v);
    });
  }
  function fmt(v) {
    if (v === null || v === undefined) return '';
    return Math.abs(v) >= 1e4 ? v.toFixed(0) : Number(v.toPrecision(4)).toString();
  }

  async function embed(chart, sel) {
    const element = document.getElementById('chart-' + chart.id);
    const box = element.closest('.qtb-chart-box');
    if (views.has(chart.id)) {
      views.get(chart.id).finalize();
      views.delete(chart.id);
    }
    const spec = structuredClone(chart.spec);
    spec.data.values = spec.data.values.filter((d) => keep(d, sel));
    // Measured points carry a source, predicted ones (`qutibench roofline`) are kind 'point'.
    const shown = spec.data.values.some((d) => 'source' in d || d.kind === 'point');
    box.hidden = !shown;
    element.textContent = '';
    if (!shown) return { shown: false, rendered: false };
    try {
      const result = await vegaEmbed(element, spec, {
        renderer: 'svg',
        actions: { export: true, source: false, compiled: false, editor: false },
      });
      views.set(chart.id, result.view);
      return { shown: true, rendered: true };
    } catch (e) {
      fail(chart.id + ': ' + e);
      return { shown: true, rendered: false };
    }
  }

  function cell(row, text, bold) {
    const td = row.insertCell();
    td.textContent = text;
    if (bold) td.style.fontWeight = 'bold';
  }

  const criteria = [
    { label: 'highest throughput', field: 'fps', better: 1, unit: 'fps' },
    { label: 'highest throughput per watt', field: 'fps_per_w', better: 1, unit: 'fps/W' },
    { label: 'lowest latency', field: 'latency_ms', better: -1, unit: 'ms' },
  ];

  function renderBest(sel) {
    const body = document.querySelector('#best-table tbody');
    if (!body) return;  // a page of charts alone
    body.textContent = '';
    for (const input of document.querySelectorAll('#best-thresholds input')) {
      const task = input.dataset.task;
      if (!sel.task.has(task)) continue;
      const threshold = parseFloat(input.value);
      const qualifying = points.filter(
        (p) => p.task === task && keep(p, sel) && p.top1 !== null && p.top1 >= threshold);
      for (const c of criteria) {
        const candidates = qualifying.filter((p) => p[c.field] !== null);
        let best = null;
        for (const p of candidates)
          if (best === null || c.better * (p[c.field] - best[c.field]) > 0) best = p;
        const row = body.insertRow();
        row.dataset.task = task;
        cell(row, task);
        cell(row, '\u2265 ' + threshold + ' %');
        cell(row, c.label);
        if (best === null) {
          const td = row.insertCell();
          td.colSpan = 7;
          td.textContent = qualifying.length
            ? `none: no qualifying point has ${c.unit}`
            : 'none: no point reaches the threshold';
          cell(row, String(qualifying.length));
          continue;
        }
        const ties = candidates.filter((p) => p[c.field] === best[c.field]).length - 1;
        cell(row, best.platform, true);
        cell(row, best.op_mode);
        cell(row, best.variant, true);
        cell(row, best.deployment);
        cell(row, fmt(best[c.field]) + ' ' + c.unit + (ties > 0 ? ` (+${ties} tied)` : ''));
        cell(row, fmt(best.top1));
        cell(row, best.source);
        cell(row, String(qualifying.length));
      }
    }
  }

  let pass = 0;
  async function render() {
    const mine = ++pass;
    const sel = selection();
    renderBest(sel);
    for (const row of document.querySelectorAll('table.qtb-table tbody tr[data-platform]'))
      row.hidden = !keep(row.dataset, sel);
    const outcomes = await Promise.all(charts.map((c) => embed(c, sel)));
    if (mine !== pass) return;  // a newer pass has started
    status.dataset.shown = String(outcomes.filter((o) => o.shown).length);
    status.dataset.rendered = String(outcomes.filter((o) => o.rendered).length);
    status.dataset.done = '1';
    status.textContent = `${status.dataset.rendered} of ${charts.length} charts rendered` +
      (messages.length ? `, ${messages.length} errors: ${messages.join(' | ')}` : '');
  }

  // A link can preset the filters: report.html?task=mnist&platform=TX2,ZCU104-FINN&source=paper
  // leaves only those boxes ticked (the others stay available in the page).
  const preset = new URLSearchParams(window.location.search);
  for (const field of filterFields) {
    if (!preset.has(field)) continue;
    const wanted = new Set(preset.getAll(field).flatMap((v) => v.split(',')));
    for (const input of document.querySelectorAll(`fieldset[data-filter="${field}"] input`))
      input.checked = wanted.has(input.value);
  }
  for (const input of document.querySelectorAll('#qtb-filters input'))
    input.addEventListener('change', render);
  for (const input of document.querySelectorAll('#best-thresholds input'))
    input.addEventListener('input', () => renderBest(selection()));
  render();
})();
