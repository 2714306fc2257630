// Renders charts to SVG files without a browser (`qutibench report --format svg`,
// `qutibench roofline -o FILE.svg`).
// usage: node render-svg.js CHARTS.json VEGA_DIR
// CHARTS.json is [{"id": ..., "file": ..., "spec": <Vega-Lite>}, ...]; each chart is written to
// its file. The vendored UMD bundles of vega and vega-lite (VEGA_DIR, from scripts/setup.sh) are
// run in this context; vega's headless 'none' renderer writes SVG text (no canvas needed: text
// widths are estimated). Exits 1 naming every chart that failed.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [chartsFile, vegaDir] = process.argv.slice(2);
if (!chartsFile || !vegaDir) {
  console.error('usage: node render-svg.js CHARTS.json VEGA_DIR');
  process.exit(2);
}
for (const file of ['vega.min.js', 'vega-lite.min.js']) {
  const full = path.join(vegaDir, file);
  vm.runInThisContext(fs.readFileSync(full, 'utf8'), { filename: full });
}

(async () => {
  const charts = JSON.parse(fs.readFileSync(chartsFile, 'utf8'));
  const failed = [];
  for (const chart of charts) {
    try {
      const compiled = vegaLite.compile(chart.spec).spec;
      const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
      const svg = await view.toSVG();
      view.finalize();
      fs.writeFileSync(chart.file, svg);
    } catch (e) {
      failed.push(`${chart.id}: ${e.message}`);
    }
  }
  if (failed.length) {
    console.error('render-svg: ' + failed.join('; '));
    process.exit(1);
  }
})();
