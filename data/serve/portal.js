// The portal's one script (served from /static/, never inline): filter forms submit on change,
// leaving empty fields out of the URL, so the URL is the view; charts are the report's Vega-Lite
// specs from the page's JSON block, embedded with the vendored vega-embed. #qtb-status records
// data-rendered, data-errors and data-done for the browser tests.
'use strict';
(function () {
  function submitWithoutEmpty(form) {
    for (const field of form.elements) if (field.name && field.value === '') field.disabled = true;
    form.submit();
  }

  function wireForms() {
    for (const form of document.querySelectorAll('form.filters')) {
      form.addEventListener('change', () => submitWithoutEmpty(form));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        submitWithoutEmpty(form);
      });
    }
  }

  async function renderCharts() {
    const status = document.getElementById('qtb-status');
    const block = document.getElementById('qtb-charts');
    const charts = block ? JSON.parse(block.textContent) : [];
    let rendered = 0;
    const errors = [];
    for (const chart of charts) {
      const element = document.querySelector('[data-chart="' + CSS.escape(chart.id) + '"]');
      if (!element) continue;
      try {
        if (typeof vegaEmbed !== 'function') throw new Error('vega-embed is not loaded');
        await vegaEmbed(element, chart.spec, { renderer: 'svg', actions: false });
        rendered += 1;
      } catch (e) {
        errors.push(chart.id + ': ' + e);
        element.textContent = 'chart failed: ' + e;
      }
    }
    status.dataset.rendered = String(rendered);
    status.dataset.errors = errors.join('; ');
    status.dataset.done = '1';
  }

  document.addEventListener('DOMContentLoaded', () => {
    wireForms();
    renderCharts();
  });
})();
