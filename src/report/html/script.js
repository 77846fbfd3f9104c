// syndic report: filters, next/previous match, pair views. Vanilla, no
// network; one delegated listener on the document handles every event.
// The highlights were rendered by syndic: nothing here touches offsets.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('syndic-data').textContent);
  var P = data.passages;
  var hiddenKind = {};
  var hiddenSrc = {};
  var syncing = null;

  function nums(el, name) {
    var v = el.getAttribute(name);
    return v ? v.split(' ').map(Number) : [];
  }
  function otherOf(p, doc) {
    return P[p].a === doc ? P[p].b : P[p].a;
  }
  function shown(p, doc) {
    return !hiddenKind[P[p].kind] && !hiddenSrc[otherOf(p, doc)];
  }

  // Filters: a highlight stays when one of its passages is shown.
  function applyFilters() {
    var arts = document.querySelectorAll('#articles article.doc');
    for (var i = 0; i < arts.length; i++) {
      var doc = Number(arts[i].getAttribute('data-doc'));
      var els = arts[i].querySelectorAll('mark.m, span.gap, a.ref');
      for (var j = 0; j < els.length; j++) {
        var el = els[j];
        var ps = nums(el, el.classList.contains('gap') ? 'data-g' : 'data-p');
        var on = ps.some(function (p) { return shown(p, doc); });
        if (el.hasAttribute('data-b') && !hiddenKind.boilerplate) on = true;
        el.classList.toggle('off', !on);
      }
    }
    status('');
  }

  // Next / previous match: the numbered boxes still shown, in page order.
  function matches() {
    return Array.prototype.slice.call(document.querySelectorAll('#articles a.ref:not(.off)'));
  }
  function status(text) {
    var s = document.getElementById('navpos');
    if (s) s.textContent = text;
  }
  function step(dir) {
    var list = matches();
    if (!list.length) { status('no match shown'); return; }
    var at = list.indexOf(document.activeElement);
    if (at < 0) {
      // From the first match below the top of the window.
      at = dir > 0 ? -1 : list.length;
      for (var i = 0; i < list.length; i++) {
        if (list[i].getBoundingClientRect().top > 60) { at = dir > 0 ? i - 1 : i; break; }
      }
    }
    var next = (at + dir + list.length) % list.length;
    var el = list[next];
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'center' });
    status('match ' + (next + 1) + ' of ' + list.length + ': ' + el.getAttribute('aria-label'));
  }

  // Pair view: the two articles' rendered texts, cloned side by side with
  // only this pair's passages highlighted and the changed words marked.
  function pairOf(p, a, b) {
    return (P[p].a === a && P[p].b === b) || (P[p].a === b && P[p].b === a);
  }
  function buildPane(pane, doc, a, b, prefix) {
    var src = document.querySelector('#d' + (doc + 1) + ' .text');
    var text = src.cloneNode(true);
    var els = text.querySelectorAll('[id], mark.m, span.gap, a.ref');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.id) el.id = prefix + el.id;
      el.classList.remove('off');
      if (el.classList.contains('ref')) {
        var p = el.getAttribute('data-p');
        if (p === null || !pairOf(Number(p), a, b)) { el.remove(); continue; }
        el.setAttribute('href', '#' + prefix + el.getAttribute('href').slice(1));
      } else if (el.classList.contains('gap')) {
        if (!nums(el, 'data-g').some(function (q) { return pairOf(q, a, b); })) el.classList.add('off');
      } else if (el.classList.contains('m')) {
        if (!nums(el, 'data-p').some(function (q) { return pairOf(q, a, b); })) el.classList.add('off');
        else if (nums(el, 'data-d').some(function (q) { return pairOf(q, a, b); })) el.classList.add('chg');
      }
    }
    pane.appendChild(text);
  }
  function openPair(section) {
    if (!section || !section.classList.contains('pair')) return;
    if (!section.getAttribute('data-built')) {
      var a = Number(section.getAttribute('data-a'));
      var b = Number(section.getAttribute('data-b'));
      section.appendChild(document.getElementById('pair-body').content.cloneNode(true));
      var panes = section.querySelectorAll('.pane');
      panes[0].setAttribute('aria-label', 'Article ' + (a + 1));
      panes[1].setAttribute('aria-label', 'Article ' + (b + 1));
      var prefix = section.id + '-';
      buildPane(panes[0], a, a, b, prefix);
      buildPane(panes[1], b, a, b, prefix);
      section.setAttribute('data-built', '1');
    }
    var open = document.querySelectorAll('section.pair:not([hidden])');
    for (var i = 0; i < open.length; i++) if (open[i] !== section) open[i].hidden = true;
    section.hidden = false;
    // Start at the first passage, both sides lined up.
    var pane = section.querySelector('.pane');
    var ref = pane.querySelector('a.ref');
    if (ref) {
      pane.scrollTop = Math.max(0, ref.offsetTop - 16);
      sync(pane);
    }
  }
  // Scrolling one pane scrolls the other to the same passage: the last
  // numbered box above the top of the scrolled pane and its counterpart.
  function sync(pane) {
    var other = pane.parentNode.querySelector('.pane[data-side="' + (pane.getAttribute('data-side') === 'a' ? 'b' : 'a') + '"]');
    var refs = pane.querySelectorAll('a.ref');
    if (!other || !refs.length) return;
    var top = pane.scrollTop;
    var ref = refs[0];
    for (var i = 0; i < refs.length; i++) {
      if (refs[i].offsetTop <= top + 4) ref = refs[i]; else break;
    }
    var twin = document.getElementById(ref.getAttribute('href').slice(1));
    if (!twin || !other.contains(twin)) return;
    syncing = other;
    other.scrollTop = Math.max(0, twin.offsetTop + (top - ref.offsetTop));
  }

  function onEvent(e) {
    var t = e.target;
    if (e.type === 'change' && t.matches && t.matches('input[type=checkbox]')) {
      if (t.hasAttribute('data-kind')) hiddenKind[t.getAttribute('data-kind')] = !t.checked;
      if (t.hasAttribute('data-src')) hiddenSrc[Number(t.getAttribute('data-src'))] = !t.checked;
      applyFilters();
    } else if (e.type === 'click') {
      var btn = t.closest && t.closest('button');
      if (btn && btn.hasAttribute('data-nav')) { step(btn.getAttribute('data-nav') === 'next' ? 1 : -1); return; }
      if (btn && btn.hasAttribute('data-close')) { var s = btn.closest('section.pair'); s.hidden = true; return; }
      var link = t.closest && t.closest('a[href^="#pair-"]');
      if (link) openPair(document.getElementById(link.getAttribute('href').slice(1)));
    } else if (e.type === 'keydown') {
      if (e.ctrlKey || e.metaKey || e.altKey || (t.matches && t.matches('input, textarea, select'))) return;
      if (e.key === 'n' || e.key === 'j') { step(1); e.preventDefault(); }
      else if (e.key === 'p' || e.key === 'k') { step(-1); e.preventDefault(); }
      else if (e.key === 'Escape') {
        var openOne = document.querySelector('section.pair:not([hidden])');
        if (openOne) openOne.hidden = true;
      }
    } else if (e.type === 'scroll' && t.classList && t.classList.contains('pane')) {
      if (syncing === t) { syncing = null; return; }
      sync(t);
    } else if (e.type === 'hashchange') {
      if (location.hash.indexOf('#pair-') === 0) openPair(document.getElementById(location.hash.slice(1)));
    }
  }
  ['click', 'change', 'keydown', 'hashchange'].forEach(function (type) {
    (type === 'hashchange' ? window : document).addEventListener(type, onEvent);
  });
  document.addEventListener('scroll', onEvent, true);

  var first = document.querySelector('section.pair');
  if (location.hash.indexOf('#pair-') === 0) {
    openPair(document.getElementById(location.hash.slice(1)));
  } else if (document.body.getAttribute('data-mode') === 'pair' && first) {
    openPair(first);
  }
  window.syndicReadyAt = performance.now();
  // For benches/html.sh: the second frame callback runs once the first
  // frame (style, layout, paint) is done.
  requestAnimationFrame(function () {
    requestAnimationFrame(function () { window.syndicFrameAt = performance.now(); });
  });
  document.documentElement.setAttribute('data-ready', '1');
})();
