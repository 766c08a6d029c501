/*
 * WikiPulse dashboard, shared by both pages: API calls, number and time formats, chart and table
 * helpers, the health strip and the polling loop.
 *
 * Page titles and user names come from the public: every piece of data reaches the page through
 * textContent or through ECharts (canvas), and tooltip HTML is built only from escaped text
 * (WP.esc = echarts.format.encodeHTML). No innerHTML with data anywhere.
 */
(function () {
  'use strict';

  const esc = (s) => echarts.format.encodeHTML(s == null ? '' : String(s));

  const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const dec1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const dec2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function int(n) {
    return n == null || Number.isNaN(Number(n)) ? '–' : intFmt.format(Number(n));
  }

  function bytes(n) {
    if (n == null) return '–';
    const v = Math.abs(Number(n));
    const sign = Number(n) < 0 ? '-' : '';
    if (v >= 1073741824) return sign + dec2.format(v / 1073741824) + ' GiB';
    if (v >= 1048576) return sign + dec2.format(v / 1048576) + ' MiB';
    if (v >= 1024) return sign + dec1.format(v / 1024) + ' KiB';
    return sign + intFmt.format(v) + ' B';
  }

  function compact(n) {
    const v = Math.abs(Number(n));
    if (v >= 1e9) return dec1.format(n / 1e9) + 'G';
    if (v >= 1e6) return dec1.format(n / 1e6) + 'M';
    if (v >= 1e3) return dec1.format(n / 1e3) + 'k';
    return intFmt.format(n);
  }

  function age(seconds) {
    if (seconds == null) return 'never';
    const s = Math.round(seconds);
    if (s < 90) return s + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    if (s < 172800) return dec1.format(s / 3600) + ' h';
    return dec1.format(s / 86400) + ' d';
  }

  const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });

  const shortFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

  /** "Nov 29, 05:00": a date and time without the year, for ranges in narrow tables. */
  function shortDateTime(iso) {
    return iso ? shortFmt.format(new Date(iso)) : '–';
  }

  /** "en.wikipedia.org" as "en.wikipedia" for axis labels (the full name is in the tooltip). */
  function shortServer(s) {
    const short = String(s).replace(/\.org$/, '');
    return short.length > 20 ? short.slice(0, 19) + '…' : short;
  }

  function time(iso) {
    return iso ? timeFmt.format(new Date(iso)) : '–';
  }

  function dateTime(iso) {
    return iso ? dateTimeFmt.format(new Date(iso)) : '–';
  }

  /** An API error: the service's {"error": ...} message, or what went wrong on the way. */
  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v != null && v !== '' && v !== 'all') q.set(k, v);
    }
    const s = q.toString();
    return s ? '?' + s : '';
  }

  async function api(path, params, signal) {
    let res;
    try {
      res = await fetch(path + query(params), { signal, headers: { Accept: 'application/json' } });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError('cannot reach the WikiPulse service', 0);
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok) {
      const msg = body && typeof body.error === 'string' ? body.error : 'HTTP ' + res.status;
      throw new ApiError(
        res.status === 503 ? 'the database is not answering (' + msg + ')' : msg, res.status);
    }
    if (body == null) throw new ApiError('the service answered something that is not JSON', res.status);
    return body;
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    if (text != null) e.textContent = String(text);
    return e;
  }

  /* ---------- charts ---------- */

  const charts = new Map();

  const BASE = {
    backgroundColor: 'transparent',
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    animationDuration: 400,
    animationDurationUpdate: 300,
    color: ['#5aa9ff', '#f5b83d', '#3ecf8e', '#c084fc', '#ff6b6b', '#2dd4bf', '#fb923c', '#a3e635',
      '#f472b6', '#94a3b8', '#60a5fa', '#facc15'],
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
  };

  /** The ECharts instance of the element with this id (created on first use, dark theme). */
  function chart(id) {
    let c = charts.get(id);
    if (!c) {
      const dom = document.getElementById(id);
      c = echarts.init(dom, 'dark', { renderer: 'canvas' });
      charts.set(id, c);
    }
    return c;
  }

  function message(id, text, isError) {
    const dom = document.getElementById(id);
    const box = dom.parentElement;
    let m = box.querySelector('.chart-msg');
    if (!m) {
      m = el('div', { class: 'chart-msg', role: 'status' });
      box.appendChild(m);
    }
    m.className = 'chart-msg' + (isError ? ' error' : '');
    m.textContent = text || '';
    m.hidden = !text;
  }

  /**
   * Draws a chart. {@code points} is how many data points it shows: 0 shows the "no data" message.
   * The container's data-state (ready / empty / error) and data-points tell tests what they see.
   */
  function draw(id, option, points, emptyText) {
    const c = chart(id);
    const dom = document.getElementById(id);
    if (points > 0) {
      if (option.tooltip) {
        // Inside the chart: a tooltip left beyond the page's edge (hidden, not removed) would give
        // the page a horizontal scrollbar, and would be cut off on a phone.
        option.tooltip = Object.assign({ confine: true }, option.tooltip);
      }
      c.setOption(Object.assign({}, BASE, option), { notMerge: dom.dataset.state !== 'ready' });
    } else {
      c.clear(); // empty axes would only show made-up ticks: the message says it instead
    }
    dom.dataset.points = String(points);
    dom.dataset.state = points > 0 ? 'ready' : 'empty';
    message(id, points > 0 ? '' : emptyText || 'No data in this window yet.', false);
  }

  function fail(id, err) {
    const dom = document.getElementById(id);
    if (dom.dataset.state !== 'ready') {
      chart(id).clear();
    }
    dom.dataset.state = 'error';
    message(id, 'Could not load: ' + err.message, true);
  }

  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

  /** A tooltip formatter for axis tooltips: "<axis value>" then one escaped line per series. */
  function axisTooltip(valueFormat, header) {
    return (params) => {
      const list = Array.isArray(params) ? params : [params];
      if (!list.length) return '';
      const head = header ? header(list[0]) : list[0].axisValueLabel;
      const lines = [esc(head)];
      for (const p of list) {
        const v = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
        lines.push(p.marker + esc(p.seriesName) + ': <b>' + esc(valueFormat(v, p)) + '</b>');
      }
      return lines.join('<br>');
    };
  }

  function itemTooltip(valueFormat) {
    return (p) => p.marker + esc(p.name) + ': <b>' + esc(valueFormat(p.value, p)) + '</b>'
      + (p.percent != null ? ' (' + esc(dec1.format(p.percent)) + ' %)' : '');
  }

  /* ---------- tables ---------- */

  /**
   * Fills a table body: columns are {label, value(row) -> text|Node, num?, cls?}. Text goes in by
   * textContent only.
   */
  function table(tbodyId, columns, rows, emptyText) {
    const tbody = document.getElementById(tbodyId);
    const tableEl = tbody.closest('table');
    const wrap = tableEl.parentElement;
    let msg = wrap.querySelector('.table-msg');
    if (!msg) {
      msg = el('div', { class: 'table-msg', role: 'status' });
      wrap.appendChild(msg);
    }
    const frag = document.createDocumentFragment();
    for (const r of rows) {
      const tr = document.createElement('tr');
      for (const col of columns) {
        const td = document.createElement('td');
        if (col.num) td.className = 'num';
        if (col.cls) td.className = col.cls;
        const v = col.value(r);
        if (v instanceof Node) td.appendChild(v);
        else td.textContent = v == null ? '' : String(v);
        tr.appendChild(td);
      }
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
    tableEl.dataset.rows = String(rows.length);
    tableEl.dataset.state = rows.length ? 'ready' : 'empty';
    msg.className = 'table-msg';
    msg.textContent = rows.length ? '' : emptyText || 'No data yet.';
    msg.hidden = rows.length > 0;
  }

  function tableError(tbodyId, err) {
    const tbody = document.getElementById(tbodyId);
    const tableEl = tbody.closest('table');
    const wrap = tableEl.parentElement;
    let msg = wrap.querySelector('.table-msg');
    if (!msg) {
      msg = el('div', { class: 'table-msg', role: 'status' });
      wrap.appendChild(msg);
    }
    tableEl.dataset.state = 'error';
    msg.className = 'table-msg error';
    msg.textContent = 'Could not load: ' + err.message;
    msg.hidden = false;
  }

  /* ---------- health strip (/api/status) ---------- */

  function setItem(id, text, title) {
    const e = document.getElementById(id);
    if (!e) return;
    e.textContent = text;
    if (title) e.title = title;
  }

  function renderStatus(s) {
    setItem('h-age', s.last_event_time ? age(s.last_event_age_seconds) + ' ago' : 'no events yet',
      s.last_event_time ? 'newest event: ' + s.last_event_time : '');
    setItem('h-eps', dec2.format(s.events_per_sec || 0));
    setItem('h-dead', int(s.dead_letters_last_hour) + ' (' + dec2.format((s.dead_letter_rate || 0) * 100) + ' %)');
    setItem('h-lag', s.consumer_lag == null ? 'unknown' : int(s.consumer_lag),
      s.consumer_lag == null ? 'Kafka is not reachable from the service' : 'records behind the topic');
    setItem('h-batch', s.batch_last_success ? age(s.batch_age_seconds) + ' ago' : 'never',
      s.batch_last_success ? 'last successful batch run finished ' + s.batch_last_success : '');
    const box = document.getElementById('h-alerts');
    if (box) {
      const frag = document.createDocumentFragment();
      const alerts = s.alerts || [];
      if (!alerts.length) {
        frag.appendChild(el('span', { class: 'badge ok', title: 'no alert is firing' }, 'all clear'));
      }
      for (const a of alerts) {
        frag.appendChild(el('span', { class: 'badge ' + (a.severity === 'critical' ? 'critical' : 'warning'),
          title: a.message }, a.name.replace(/_/g, ' ') + ': ' + a.severity));
      }
      box.replaceChildren(frag);
      box.dataset.state = 'ready';
    }
  }

  function statusError(err) {
    const box = document.getElementById('h-alerts');
    if (box) {
      box.replaceChildren(el('span', { class: 'badge critical', title: err.message }, 'status unavailable'));
      box.dataset.state = 'error';
    }
  }

  /* ---------- banner + live indicator ---------- */

  function banner(text, info) {
    const b = document.getElementById('banner');
    if (!b) return;
    b.textContent = text || '';
    b.className = 'banner' + (info ? ' info' : '');
    b.hidden = !text;
  }

  function liveState(state, text) {
    const l = document.getElementById('live');
    if (!l) return;
    l.dataset.state = state;
    const t = l.querySelector('.text');
    if (t) t.textContent = text;
  }

  /**
   * Runs {@code refresh(signal)} now and again {@code periodMs} after each run started (or as soon as
   * it ends, if it took longer): runs never overlap. Paused while the tab is hidden or while the
   * user has paused; {@code kick()} restarts at once (a filter changed), aborting a run in flight.
   */
  function poller(refresh, periodMs) {
    let timer = null;
    let controller = null;
    let running = false;
    let pausedByUser = false;
    let pending = false;

    async function run() {
      timer = null;
      if (document.hidden || pausedByUser) return;
      if (running) {
        pending = true;
        return;
      }
      running = true;
      controller = new AbortController();
      const started = Date.now();
      try {
        await refresh(controller.signal);
      } catch (e) {
        if (e.name !== 'AbortError') console.warn('refresh failed', e);
      } finally {
        running = false;
        controller = null;
      }
      if (document.hidden || pausedByUser) return;
      const wait = pending ? 0 : Math.max(0, periodMs - (Date.now() - started));
      pending = false;
      clearTimeout(timer);
      timer = setTimeout(run, wait);
    }

    function kick() {
      clearTimeout(timer);
      if (running && controller) {
        pending = true;
        controller.abort();
      } else {
        run();
      }
    }

    document.addEventListener('visibilitychange', () => {
      if (document.hidden) {
        clearTimeout(timer);
        timer = null;
        liveState('paused', 'paused (tab hidden)');
      } else if (!pausedByUser) {
        kick();
      }
    });

    return {
      kick,
      setPaused(p) {
        pausedByUser = p;
        if (p) {
          clearTimeout(timer);
          timer = null;
          if (controller) controller.abort();
          liveState('paused', 'paused');
        } else {
          kick();
        }
      },
      get paused() {
        return pausedByUser;
      },
    };
  }

  /** Settles every promise; returns [{ok, value|error}] and rethrows an abort. */
  async function settle(promises) {
    const results = await Promise.allSettled(promises);
    for (const r of results) {
      if (r.status === 'rejected' && r.reason && r.reason.name === 'AbortError') throw r.reason;
    }
    return results;
  }

  window.WP = {
    esc, int, bytes, compact, age, time, dateTime, shortDateTime, shortServer, dec1, dec2, api, query, el, chart, draw, fail,
    axisTooltip, itemTooltip, table, tableError, renderStatus, statusError, banner, liveState, poller,
    settle, ApiError,
  };
})();
