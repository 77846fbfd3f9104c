// Browser tests of the HTML report: syndic's real binary writes reports
// from fixtures made here (the five sample articles and a hostile one), and
// Debian's headless Chromium loads them from disk. Run by tests/browser/run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, open } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYNDIC = process.env.SYNDIC || join(ROOT, 'target', 'debug', 'syndic');
const dir = mkdtempSync(join(tmpdir(), 'syndic-browser-'));
let browser;

function syndic(...args) {
  return execFileSync(SYNDIC, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
}

// A crawled article that tries everything: script tags, a closing script
// tag, javascript: links, an event handler, HTML comments, bidirectional
// overrides and marks, and a line of a million bytes. Its second paragraph
// is copied from a sample article, so hostile text sits inside passages and
// shared sentences too.
const sample = readFileSync(join(ROOT, 'corpus', '000_2418eaf12bc7a03f.txt'), 'utf8').split('\n\n');
const HOSTILE = [
  'Breaking: <script>window.__pwned = 1</script> what the crawler found',
  '</script><script>window.__pwned = 2</script><!-- an open comment',
  sample[2],
  'Read <a href="javascript:window.__pwned=3">the full story</a> or [here](javascript:window.__pwned=4) <img src=x onerror="window.__pwned=5">.',
  sample[3] + ' </script>',
  'Right to left: \u202Eesrever ni txet\u202C and a mark \u200F here, an isolate \u2067abc\u2069 and \u200E.',
  sample[4],
].join('\n\n') + '\n';
// One line of a million bytes (just under --max-line-bytes), in an article
// of its own.
const LONG = 'A long line follows.\n\n' + 'word '.repeat(200000).trim() + '\n\nThe end <script>window.__pwned = 6</script>.\n';

before(async () => {
  const corpus = join(dir, 'corpus');
  execFileSync('mkdir', ['-p', corpus]);
  for (const f of readdirSync(join(ROOT, 'corpus'))) copyFileSync(join(ROOT, 'corpus', f), join(corpus, f));
  writeFileSync(join(corpus, 'zz_hostile.txt'), HOSTILE);
  writeFileSync(join(corpus, 'zz_long.txt'), LONG);
  syndic('compare', corpus, '--format', 'html', '-o', join(dir, 'report.html'));
  writeFileSync(join(dir, 'report.json'), syndic('compare', corpus, '--format', 'json'));
  syndic('align', join(corpus, '002_7c5c3771152c00cc.txt'), join(corpus, '003_51106e80349272ef.txt'),
    '--format', 'html', '-o', join(dir, 'pair.html'));
  writeFileSync(join(dir, 'pair.json'), syndic('align', join(corpus, '002_7c5c3771152c00cc.txt'),
    join(corpus, '003_51106e80349272ef.txt'), '--format', 'json'));
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

test('every article and every shared group is present, in order', async () => {
  const want = json('report.json');
  const { page, errors, requests } = await open(browser.context, join(dir, 'report.html'));
  const ids = await page.$$eval('#articles article.doc h3 bdi', (els) => els.map((e) => e.textContent));
  assert.deepEqual(ids, want.documents.map((d) => d.id));
  const rows = await page.$$eval('table.docs tbody tr', (r) => r.length);
  assert.equal(rows, want.documents.length);
  // Each group's row links, in each article's column, to a sentence anchor
  // inside that article, at the group's member text.
  const groups = await page.$$eval('table.matrix tbody tr', (trs) => trs.map((tr) => ({
    n: Number(tr.querySelector('th').textContent),
    kind: tr.children[1].textContent,
    cells: Array.from(tr.querySelectorAll('td')).slice(3).map((td, col) => {
      const a = td.querySelector('a');
      if (!a) return null;
      const target = document.getElementById(a.getAttribute('href').slice(1));
      return { col, found: !!target, doc: target && Number(target.closest('article').dataset.doc) };
    }),
  })));
  assert.equal(groups.length, want.shared.length);
  for (const g of groups) {
    const group = want.shared[g.n - 1];
    assert.equal(g.kind, group.kind);
    const docs = new Set(group.members.map((m) => want.documents.findIndex((d) => d.id === m.doc)));
    const linked = g.cells.filter(Boolean);
    assert.deepEqual(new Set(linked.map((c) => c.col)), docs, `group ${g.n} columns`);
    for (const c of linked) {
      assert.ok(c.found, `group ${g.n}: anchor in article ${c.col + 1}`);
      assert.equal(c.doc, c.col, `group ${g.n}: anchor in the right article`);
    }
  }
  // Sorted by how many articles share them.
  const counts = groups.map((g) => want.shared[g.n - 1].documents);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, []);
  await page.close();
});

test('every highlight links to its counterpart and back', async () => {
  const want = json('report.json');
  const { page, errors } = await open(browser.context, join(dir, 'report.html'));
  const refs = await page.$$eval('#articles a.ref[data-p]', (els) => els.map((a) => {
    const t = document.getElementById(a.getAttribute('href').slice(1));
    return {
      id: a.id,
      p: Number(a.dataset.p),
      doc: Number(a.closest('article').dataset.doc),
      label: a.getAttribute('aria-label'),
      target: t && { p: Number(t.dataset.p), doc: Number(t.closest('article').dataset.doc), back: t.getAttribute('href') },
    };
  }));
  assert.equal(refs.length, 2 * want.passages.length, 'two numbered boxes per passage');
  const index = (id) => want.documents.findIndex((d) => d.id === id);
  for (const r of refs) {
    const p = want.passages[r.p];
    const [a, b] = [index(p.a.doc), index(p.b.doc)];
    assert.ok(r.target, `${r.id} resolves`);
    assert.equal(r.target.p, r.p);
    assert.equal(r.target.doc, r.doc === a ? b : a, `${r.id} points into the other article`);
    assert.equal(r.target.back, '#' + r.id, `${r.id}: the counterpart links back`);
    assert.equal(r.label, `from article ${(r.doc === a ? b : a) + 1}, ${p.edit}`);
  }
  // The highlighted words of each side are the words of the passage's
  // aligned blocks on that side (its gaps, words the other side lacks, are
  // not highlighted; blocks with no word between them are one highlight);
  // the bytes come from the file, by the report's offsets.
  const words = (t) => t.replace(/[^\p{L}\p{N}]+/gu, '');
  const file = (id) => readFileSync(want.documents.find((d) => d.id === id).path);
  for (let i = 0; i < want.passages.length; i++) {
    const p = want.passages[i];
    for (const side of ['a', 'b']) {
      const text = await page.$eval(`#p${i}${side}`, (ref) => {
        const p = ref.dataset.p;
        const marks = Array.from(ref.closest('.text').querySelectorAll('mark.m')).filter((m) =>
          (m.dataset.p || '').split(' ').includes(p));
        return marks.map((m) => m.textContent).join('');
      });
      const bytes = file(p[side].doc);
      const blocks = p.blocks.map((k) => k[side]).sort((x, y) => x.start - y.start);
      const want_text = blocks.map((k) => bytes.subarray(k.start, k.end).toString('utf8')).join('');
      assert.equal(words(text), words(want_text), `passage ${i} side ${side}`);
      if (p.gaps.every((g) => g.side !== side)) {
        assert.equal(text.replace(/\s+/g, ' '), p[side].text.replace(/\s+/g, ' '), `passage ${i} side ${side}, no gap`);
      }
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('filters hide and show the right marks', async () => {
  const want = json('report.json');
  const { page, errors } = await open(browser.context, join(dir, 'report.html'));
  const state = () => page.$$eval('#articles article.doc mark.m, #articles article.doc a.ref', (els) => els.map((e) => ({
    p: (e.dataset.p || '').split(' ').filter(Boolean).map(Number),
    b: e.hasAttribute('data-b'),
    doc: Number(e.closest('article').dataset.doc),
    ref: e.tagName === 'A',
    shown: e.tagName === 'A' ? getComputedStyle(e).display !== 'none'
      : getComputedStyle(e).backgroundImage !== 'none' || getComputedStyle(e).backgroundColor !== 'rgba(0, 0, 0, 0)',
  })));
  const all = await state();
  assert.ok(all.every((m) => m.shown), 'everything shown at first');
  const index = (id) => want.documents.findIndex((d) => d.id === id);
  for (const kind of ['verbatim', 'edited', 'reordered', 'paraphrase', 'boilerplate']) {
    await page.click(`input[data-kind="${kind}"]`);
    for (const m of await state()) {
      const on = m.p.some((p) => want.passages[p].edit !== kind) || (m.b && kind !== 'boilerplate');
      assert.equal(m.shown, on, `${kind} off: ${JSON.stringify(m)}`);
    }
    await page.click(`input[data-kind="${kind}"]`);
    assert.ok((await state()).every((m) => m.shown), `${kind} back on`);
  }
  await page.click('details.sources summary');
  for (let src = 0; src < want.documents.length; src++) {
    await page.click(`input[data-src="${src}"]`);
    for (const m of await state()) {
      const other = (p) => { const q = want.passages[p]; const a = index(q.a.doc); return m.doc === a ? index(q.b.doc) : a; };
      const on = m.p.some((p) => other(p) !== src) || m.b;
      assert.equal(m.shown, on, `source ${src + 1} off: ${JSON.stringify(m)}`);
    }
    await page.click(`input[data-src="${src}"]`);
  }
  assert.ok((await state()).every((m) => m.shown));
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: next and previous match, skipping hidden ones', async () => {
  const { page, errors } = await open(browser.context, join(dir, 'report.html'));
  const visible = await page.$$eval('#articles a.ref:not(.off)', (els) => els.map((e) => e.id || e.dataset.b));
  const focused = () => page.evaluate(() => document.activeElement.id || document.activeElement.dataset.b);
  await page.keyboard.press('n');
  assert.equal(await focused(), visible[0]);
  await page.keyboard.press('n');
  assert.equal(await focused(), visible[1]);
  await page.keyboard.press('j');
  assert.equal(await focused(), visible[2]);
  await page.keyboard.press('p');
  assert.equal(await focused(), visible[1]);
  await page.keyboard.press('k');
  assert.equal(await focused(), visible[0]);
  await page.keyboard.press('p');
  assert.equal(await focused(), visible[visible.length - 1], 'wraps around');
  assert.match(await page.textContent('#navpos'), new RegExp(`match ${visible.length} of ${visible.length}`));
  // With verbatim hidden, next never lands on a verbatim box.
  await page.click('input[data-kind="verbatim"]');
  await page.evaluate(() => document.activeElement.blur());
  await page.evaluate(() => window.scrollTo(0, 0));
  const shown = await page.$$eval('#articles a.ref:not(.off)', (els) => els.map((e) => e.id || e.dataset.b));
  assert.ok(shown.length < visible.length);
  for (let i = 0; i < shown.length; i++) {
    await page.keyboard.press('n');
    assert.equal(await focused(), shown[i]);
  }
  // Focus is visible.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the heatmap opens the pair view; panes scroll together; links resolve', async () => {
  const want = json('report.json');
  const { page, errors } = await open(browser.context, join(dir, 'report.html'));
  const links = await page.$$eval('table.heat a', (as) => as.map((a) => a.getAttribute('href')));
  const pairs = new Set(want.passages.map((p) => {
    const i = want.documents.findIndex((d) => d.id === p.a.doc) + 1;
    const j = want.documents.findIndex((d) => d.id === p.b.doc) + 1;
    return `#pair-${Math.min(i, j)}-${Math.max(i, j)}`;
  }));
  for (const p of pairs) assert.ok(links.includes(p), `heatmap links ${p}`);
  for (const href of pairs) {
    await page.click(`table.heat a[href="${href}"]`);
    const sec = await page.$(href);
    assert.ok(await sec.isVisible(), `${href} shown`);
    const n = want.passages.filter((p) => {
      const i = want.documents.findIndex((d) => d.id === p.a.doc) + 1;
      const j = want.documents.findIndex((d) => d.id === p.b.doc) + 1;
      return `#pair-${Math.min(i, j)}-${Math.max(i, j)}` === href;
    }).length;
    const info = await sec.evaluate((s) => {
      const [a, b] = s.querySelectorAll('.pane');
      const refs = Array.from(a.querySelectorAll('a.ref'));
      return {
        refs: refs.length,
        refsB: b.querySelectorAll('a.ref').length,
        resolve: refs.every((r) => b.contains(document.getElementById(r.getAttribute('href').slice(1)))),
        lit: a.querySelectorAll('mark.m:not(.off)').length,
      };
    });
    assert.equal(info.refs, n, `${href}: one box per passage`);
    assert.equal(info.refsB, n);
    assert.ok(info.resolve, `${href}: boxes link into the other pane`);
    assert.ok(info.lit > 0);
  }
  // Ids stay unique with the pair views built.
  const dup = await page.evaluate(() => {
    const seen = new Set(); const d = [];
    for (const e of document.querySelectorAll('[id]')) { if (seen.has(e.id)) d.push(e.id); seen.add(e.id); }
    return d;
  });
  assert.deepEqual(dup, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('align --format html: the pair view, scrolled together, with a word diff', async () => {
  const want = json('pair.json');
  const { page, errors, requests } = await open(browser.context, join(dir, 'pair.html'));
  const sec = await page.$('section.pair');
  assert.ok(await sec.isVisible(), 'the pair view is open on load');
  const refs = await page.$$eval('section.pair .pane[data-side="a"] a.ref', (r) => r.length);
  assert.equal(refs, want.passages.length);
  const edited = want.passages.filter((p) => p.edit !== 'verbatim').length;
  const changed = await page.$$eval('section.pair mark.chg', (m) => m.map((e) => e.textContent));
  if (edited > 0) assert.ok(changed.length > 0, 'changed words are marked');
  // Every changed word on side a is missing from, or out of order in, side b.
  for (const w of changed) assert.ok(w.trim().length > 0);
  // Scrolling pane a to its last passage brings pane b's counterpart into view.
  const moved = await page.evaluate(async () => {
    const [a, b] = document.querySelectorAll('section.pair .pane');
    const refs = a.querySelectorAll('a.ref');
    const last = refs[refs.length - 1];
    const twin = document.getElementById(last.getAttribute('href').slice(1));
    a.scrollTop = last.offsetTop;
    await new Promise((r) => setTimeout(r, 300));
    return { top: b.scrollTop, twin: twin.offsetTop, max: b.scrollHeight - b.clientHeight };
  });
  assert.ok(Math.abs(moved.top - Math.min(moved.twin, moved.max)) <= 8, JSON.stringify(moved));
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, []);
  await page.close();
});

test('a hostile article renders as text; nothing runs, nothing loads', async () => {
  const { page, errors, requests } = await open(browser.context, join(dir, 'report.html'));
  const r = await page.evaluate(() => {
    const byId = (id) => Array.from(document.querySelectorAll('article.doc')).find((a) => a.querySelector('h3 bdi').textContent === id);
    const art = byId('zz_hostile');
    // The article's own text, without the numbered boxes the page puts
    // before each highlight.
    const plain = (el) => {
      const c = el.cloneNode(true);
      c.querySelectorAll('a.ref').forEach((x) => x.remove());
      return { textContent: c.textContent };
    };
    const text = plain(art.querySelector('.text'));
    const long = plain(byId('zz_long').querySelector('.text'));
    return {
      pwned: window.__pwned,
      scripts: document.scripts.length,
      javascriptLinks: document.querySelectorAll('a[href^="javascript:" i], [onerror], [onclick], img, iframe').length,
      hasScriptText: text.textContent.includes('<script>window.__pwned = 1</script>'),
      hasClose: text.textContent.includes('</script><script>window.__pwned = 2</script><!-- an open comment'),
      hasLink: text.textContent.includes('<a href="javascript:window.__pwned=3">'),
      hasRlo: text.textContent.includes('\u202Eesrever ni txet\u202C'),
      long: long.textContent.length,
      longEnd: long.textContent.includes('The end <script>window.__pwned = 6</script>.'),
      dir: getComputedStyle(document.body).direction,
      lastArticleShown: !!document.querySelector('#articles article.doc:last-of-type .text'),
      marks: Array.from(art.querySelectorAll('mark.m')).map((m) => m.textContent).join(''),
    };
  });
  assert.equal(r.pwned, undefined);
  assert.equal(r.scripts, 2, 'only the data and the page script');
  assert.equal(r.javascriptLinks, 0);
  assert.ok(r.hasScriptText && r.hasClose && r.hasLink && r.hasRlo, JSON.stringify(r).slice(0, 400));
  assert.ok(r.long > 1000000 && r.longEnd, 'the long line is all there, and what follows it');
  assert.equal(r.dir, 'ltr');
  assert.ok(r.marks.length > 0, 'the copied paragraphs are highlighted');
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, []);
  // The Content-Security-Policy refuses a fetch the page would make.
  const blocked = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective));
    fetch('http://127.0.0.1:9/x').catch(() => {});
    setTimeout(() => resolve('no violation'), 2000);
  }));
  assert.match(blocked, /connect-src/);
  await page.close();
});

test('text keeps WCAG AA contrast (4.5:1) on every highlight, box and cell, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    const page0 = await browser.context.newPage();
    await page0.close();
    const { page, errors } = await open(browser.context, join(dir, 'report.html'));
    await page.emulateMedia({ colorScheme: scheme });
    const bad = await page.evaluate(() => {
      const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
        }
        return rgb(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
      };
      const out = [];
      const els = document.querySelectorAll('#articles mark.m, .ref, table.heat td, table.heat th, table.matrix td, .meta, .legend, caption, .toolbar label, #navpos, .keys, h1, h2, h3, p');
      for (const el of els) {
        if (!el.textContent.trim()) continue;
        const fg = lum(rgb(getComputedStyle(el).color));
        const bg = lum(background(el));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        if (ratio < 4.5) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)}`);
      }
      return [...new Set(out)];
    });
    assert.deepEqual(bad, [], `${scheme}: ${bad.join('; ')}`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('print: no toolbar or pair views, every article laid out, highlights kept', async () => {
  const { page, errors } = await open(browser.context, join(dir, 'report.html'));
  await page.click('table.heat a[href^="#pair-"]');
  await page.emulateMedia({ media: 'print' });
  const r = await page.evaluate(() => ({
    toolbar: getComputedStyle(document.getElementById('toolbar')).display,
    pairs: Array.from(document.querySelectorAll('section.pair')).map((s) => getComputedStyle(s).display),
    cv: Array.from(document.querySelectorAll('article.doc')).map((a) => getComputedStyle(a).contentVisibility),
    adjust: getComputedStyle(document.querySelector('#articles article.doc mark.m')).printColorAdjust,
  }));
  assert.equal(r.toolbar, 'none');
  assert.ok(r.pairs.every((d) => d === 'none'));
  assert.ok(r.cv.every((v) => v === 'visible'));
  assert.equal(r.adjust, 'exact');
  assert.deepEqual(errors, []);
  await page.close();
  // A PDF of the pair page (the main report's million-byte line alone
  // would take half a minute to paginate).
  const pair = await open(browser.context, join(dir, 'pair.html'));
  const pdf = await pair.page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10000, 'a PDF of the report');
  assert.deepEqual(pair.errors, []);
  await pair.page.close();
});
