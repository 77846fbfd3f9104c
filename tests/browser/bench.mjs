// Load time of HTML reports in headless Chromium: node bench.mjs REPORT.html
// [RUNS]. Prints, as medians over RUNS fresh pages (default 5): the time
// from navigation start to the end of the page's script (parsed, laid out,
// listeners attached: interactive), to the next frame after it, and the
// first frame drawn after it, and the
// time one filter click and one "next match" key take. Used by
// benches/html.sh.
import { statSync } from 'node:fs';
import { launch, open } from './lib.mjs';

const [file, runsArg = '5'] = process.argv.slice(2);
const runs = Number(runsArg);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const b = await launch();
const ready = [], frame = [], parsed = [], filter = [], next = [];
let counts;
try {
  for (let i = 0; i < runs; i++) {
    const { page, errors, requests } = await open(b.context, file);
    await page.waitForFunction(() => window.syndicFrameAt !== undefined);
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { ready: window.syndicReadyAt, frame: window.syndicFrameAt, parsed: nav.domInteractive };
    });
    parsed.push(t.parsed);
    ready.push(t.ready);
    frame.push(t.frame);
    filter.push(await page.evaluate(() => {
      const box = document.querySelector('input[data-kind="verbatim"]');
      const t0 = performance.now();
      box.click();
      document.body.offsetHeight; // the style recalculation it causes
      return performance.now() - t0;
    }));
    next.push(await page.evaluate(() => {
      const t0 = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', bubbles: true }));
      return performance.now() - t0;
    }));
    counts = await page.evaluate(() => ({
      articles: document.querySelectorAll('article.doc').length,
      marks: document.querySelectorAll('#articles mark.m').length,
      boxes: document.querySelectorAll('#articles a.ref').length,
    }));
    if (errors.length || requests.length) throw new Error(`errors ${errors} requests ${requests}`);
    await page.close();
  }
} finally {
  await b.close();
}
const mb = (statSync(file).size / 1e6).toFixed(2);
console.log(`${file}: ${counts.articles} articles, ${counts.marks} marks, ${counts.boxes} numbered boxes, ${mb} MB`);
console.log(`  interactive (script done) median ${median(ready).toFixed(0)} ms [${ready.map((x) => x.toFixed(0)).join(' ')}]`);
console.log(`  HTML parsed           median ${median(parsed).toFixed(0)} ms`);
console.log(`  first frame drawn     median ${median(frame).toFixed(0)} ms (painted, interactive)`);
console.log(`  filter click          median ${median(filter).toFixed(1)} ms; next match ${median(next).toFixed(1)} ms`);
