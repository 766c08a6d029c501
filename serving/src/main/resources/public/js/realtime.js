/*
 * The real-time page: KPIs, charts and tables over a window that ends now, under the filters (wiki,
 * bot/human, namespace, type). Every call to /api/realtime/* carries the same parameters; the state
 * lives in the URL hash (#window=1h&server=de.wikipedia.org) so a reload or a shared link keeps it.
 * Polls every 2 s without overlapping requests, paused while the tab is hidden.
 */
(function () {
  'use strict';

  const WINDOWS = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h'];
  const DEFAULTS = { window: '30m', server: '', bot: '', namespace: '', type: '' };
  const KEYS = Object.keys(DEFAULTS);
  const PERIOD_MS = 2000;
  const SEVERITY_COLORS = { MAJOR: '#ff6b6b', MODERATE: '#f5b83d', MINOR: '#3ecf8e' };

  let state = readState();
  let filtersLoadedFor = null;
  let cycles = 0;

  /* ---------- state <-> URL ---------- */

  function readState() {
    const s = Object.assign({}, DEFAULTS);
    const sources = [new URLSearchParams(location.search), new URLSearchParams(location.hash.replace(/^#/, ''))];
    for (const src of sources) {
      for (const k of KEYS) {
        const v = src.get(k);
        if (v != null) s[k] = v.trim();
      }
    }
    const m = /^(\d{1,5})([mh])$/.exec(s.window);
    const minutes = m ? Number(m[1]) * (m[2] === 'h' ? 60 : 1) : 0;
    if (minutes < 5 || minutes > 1440) s.window = DEFAULTS.window; // what the API accepts
    if (!['', 'bot', 'human'].includes(s.bot)) s.bot = '';
    if (!['', 'edit', 'new', 'log'].includes(s.type)) s.type = '';
    if (s.namespace !== '' && !(/^-?\d{1,7}$/.test(s.namespace) && Number(s.namespace) >= -2
        && Number(s.namespace) <= 1000000)) s.namespace = '';
    if (s.server === 'all') s.server = '';
    return s;
  }

  function params() {
    const p = {};
    for (const k of KEYS) {
      if (state[k] !== '' && state[k] !== DEFAULTS[k]) p[k] = state[k];
    }
    if (!p.window) p.window = state.window;
    return p;
  }

  function writeState() {
    const q = new URLSearchParams();
    for (const k of KEYS) {
      if (state[k] !== '' && state[k] !== DEFAULTS[k]) q.set(k, state[k]);
    }
    const hash = q.toString();
    const url = location.pathname + location.search + (hash ? '#' + hash : '');
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(null, '', url);
    }
  }

  function syncControls() {
    for (const b of document.querySelectorAll('#ranges button')) {
      b.setAttribute('aria-pressed', String(b.dataset.window === state.window));
    }
    ensureOption('f-server', state.server, state.server);
    ensureOption('f-namespace', state.namespace, state.namespace === '' ? '' : 'namespace ' + state.namespace);
    document.getElementById('f-server').value = state.server;
    document.getElementById('f-bot').value = state.bot;
    document.getElementById('f-namespace').value = state.namespace;
    document.getElementById('f-type').value = state.type;
    const csvParams = Object.assign({ format: 'csv' }, params());
    for (const a of document.querySelectorAll('a.csv[data-csv]')) {
      a.href = '/api/realtime/' + a.dataset.csv + WP.query(csvParams);
      a.setAttribute('download', 'wikipulse-' + a.dataset.csv + '.csv');
      a.title = 'Download this data as CSV (same window and filters)';
    }
  }

  /** Keeps a selected value selectable even when the current list does not hold it. */
  function ensureOption(selectId, value, label) {
    if (value === '') return;
    const sel = document.getElementById(selectId);
    for (const o of sel.options) {
      if (o.value === value) return;
    }
    sel.appendChild(WP.el('option', { value }, label));
  }

  function setState(changes) {
    const windowChanged = changes.window != null && changes.window !== state.window;
    Object.assign(state, changes);
    if (windowChanged) filtersLoadedFor = null;
    writeState();
    syncControls();
    poll.kick();
  }

  /* ---------- rendering ---------- */

  const timeAxis = () => ({
    type: 'time',
    axisLabel: { hideOverlap: true },
    splitLine: { show: false },
  });

  const shortServer = WP.shortServer;

  function minutePoints(rows, field) {
    return rows.map((p) => [p.minute, p[field]]);
  }

  function renderSummary(s) {
    setKpi('kpi-events', s.events, WP.int(s.events));
    document.getElementById('kpi-events-sub').textContent =
      'since ' + WP.time(s.window.from) + ' · ' + WP.int(s.servers) + (s.servers === 1 ? ' wiki' : ' wikis');
    setKpi('kpi-mib', s.mib, WP.dec2.format(s.mib));
    document.getElementById('kpi-mib-sub').textContent = WP.bytes(s.bytes) + ' changed (|length diff|)';
    setKpi('kpi-velocity', s.velocity, WP.dec2.format(s.velocity));
    if (s.top_server) {
      setKpi('kpi-top', s.top_server.server_name, s.top_server.server_name);
      document.getElementById('kpi-top').title = s.top_server.server_name;
      document.getElementById('kpi-top-sub').textContent = WP.int(s.top_server.events) + ' events';
    } else {
      setKpi('kpi-top', '', '–');
      document.getElementById('kpi-top-sub').textContent = 'no events in this window';
    }
  }

  function setKpi(id, raw, text) {
    const e = document.getElementById(id);
    e.dataset.value = raw == null ? '' : String(raw);
    e.textContent = text;
  }

  function kpiError(err) {
    for (const id of ['kpi-events', 'kpi-mib', 'kpi-velocity', 'kpi-top']) {
      setKpi(id, '', '–');
    }
    document.getElementById('kpi-events-sub').textContent = 'could not load: ' + err.message;
  }

  /**
   * Per-minute rates for the line charts. The newest minute is still filling: its count is a rate over
   * the seconds elapsed so far (left out during its first 10 s, when that would be noise), so the
   * lines do not fall off at the right edge every minute.
   */
  function rates(t) {
    const last = t.points[t.points.length - 1];
    const elapsed = last ? (new Date(t.window.to) - new Date(last.minute)) / 1000 : 60;
    return t.points.flatMap((p) => {
      if (p !== last || elapsed >= 60) return [[p.minute, p.events / 60, p.bytes]];
      if (elapsed < 10) return [];
      return [[p.minute, p.events / elapsed, (p.bytes * 60) / elapsed]];
    });
  }

  function renderTimeseries(t) {
    const pts = t.points;
    const active = pts.filter((p) => p.events > 0).length;
    const r = rates(t);
    WP.draw('c-traffic', {
      tooltip: { trigger: 'axis', formatter: WP.axisTooltip((v) => WP.bytes(v), (p) => WP.dateTime(p.value[0])) },
      xAxis: timeAxis(),
      yAxis: { type: 'value', axisLabel: { formatter: (v) => WP.bytes(v) } },
      series: [{
        name: 'Bytes changed', type: 'line', showSymbol: false, smooth: true,
        areaStyle: { opacity: 0.25 }, data: r.map((x) => [x[0], Math.round(x[2])]),
      }],
    }, active);
    WP.draw('c-velocity', {
      tooltip: { trigger: 'axis', formatter: WP.axisTooltip((v) => WP.dec2.format(v) + ' events/s', (p) => WP.dateTime(p.value[0])) },
      xAxis: timeAxis(),
      yAxis: { type: 'value', name: 'events/s', nameTextStyle: { align: 'left' } },
      series: [{
        name: 'Events/s', type: 'line', showSymbol: false, smooth: true, color: '#f5b83d',
        areaStyle: { opacity: 0.2 }, data: r.map((x) => [x[0], Math.round(x[1] * 1000) / 1000]),
      }],
    }, active);
    const changed = pts.filter((p) => p.bytes_added > 0 || p.bytes_removed > 0).length;
    WP.draw('c-volume', {
      legend: { top: 0, right: 0, data: ['Added', 'Removed'] },
      tooltip: {
        trigger: 'axis',
        formatter: WP.axisTooltip((v) => WP.bytes(Math.abs(v)), (p) => WP.dateTime(p.value[0])),
      },
      xAxis: timeAxis(),
      yAxis: { type: 'value', axisLabel: { formatter: (v) => WP.bytes(v) } },
      series: [
        { name: 'Added', type: 'bar', stack: 'v', color: '#3ecf8e', barMaxWidth: 14, data: minutePoints(pts, 'bytes_added') },
        { name: 'Removed', type: 'bar', stack: 'v', color: '#ff6b6b', barMaxWidth: 14, data: pts.map((p) => [p.minute, -p.bytes_removed]) },
      ],
    }, changed);
  }

  function renderVolume(v) {
    document.getElementById('volume-note').textContent =
      '+' + WP.bytes(v.bytes_added) + ' / −' + WP.bytes(v.bytes_removed) + ' · net ' + WP.bytes(v.net);
  }

  function renderServers(r) {
    const rows = r.rows;
    WP.draw('c-servers', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: WP.axisTooltip((v) => WP.int(v) + ' edits') },
      grid: { left: 36, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((x) => x.server_name), axisLabel: { rotate: 30, interval: 0, fontSize: 11, formatter: shortServer } },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => WP.compact(v) } },
      series: [{
        name: 'Edits', type: 'bar', data: rows.map((x) => x.events), barMaxWidth: 36,
        itemStyle: { borderRadius: [4, 4, 0, 0] },
        label: { show: true, position: 'top', fontSize: 10, formatter: (p) => WP.compact(p.value) },
      }],
    }, rows.length);
    const top = rows.slice(0, 8).reverse();
    WP.draw('c-top', {
      legend: { top: 0, right: 0, data: ['Edits', 'Bytes'] },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: WP.axisTooltip((v, p) => (p.seriesName === 'Bytes' ? WP.bytes(v) : WP.int(v))),
      },
      grid: { left: 24, right: 24, top: 44, bottom: 8, containLabel: true },
      yAxis: { type: 'category', data: top.map((x) => x.server_name), axisLabel: { fontSize: 11, formatter: shortServer } },
      xAxis: [
        { type: 'value', position: 'bottom', axisLabel: { formatter: (v) => WP.compact(v) }, splitLine: { show: false } },
        { type: 'value', position: 'top', axisLabel: { formatter: (v) => WP.bytes(v), fontSize: 10, hideOverlap: true }, splitNumber: 3, splitLine: { show: false } },
      ],
      series: [
        { name: 'Edits', type: 'bar', xAxisIndex: 0, data: top.map((x) => x.events), color: '#5aa9ff' },
        { name: 'Bytes', type: 'bar', xAxisIndex: 1, data: top.map((x) => x.bytes), color: '#c084fc' },
      ],
    }, top.length);
  }

  function renderLanguages(r) {
    const rows = r.rows.slice().reverse();
    WP.draw('c-languages', {
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: WP.axisTooltip((v, p) => WP.int(v) + ' edits · ' + WP.bytes(rows[p.dataIndex].bytes)),
      },
      grid: { left: 8, right: 30, top: 8, bottom: 8, containLabel: true },
      yAxis: { type: 'category', data: rows.map((x) => x.language), axisLabel: { fontSize: 11, interval: 0 } },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => WP.compact(v) } },
      series: [{
        name: 'Edits', type: 'bar', data: rows.map((x) => x.events), color: '#2dd4bf',
        label: { show: true, position: 'right', fontSize: 10, formatter: (p) => WP.compact(p.value) },
      }],
    }, rows.length);
  }

  function renderSeverity(r) {
    const total = r.rows.reduce((a, x) => a + x.events, 0);
    WP.draw('c-severity', {
      tooltip: { trigger: 'item', formatter: WP.itemTooltip((v) => WP.int(v) + ' edits') },
      legend: { bottom: 0 },
      series: [{
        name: 'Severity', type: 'pie', radius: ['45%', '72%'], center: ['50%', '46%'],
        itemStyle: { borderColor: '#171e2e', borderWidth: 2 },
        label: { formatter: (p) => p.name + '\n' + WP.dec1.format(p.percent) + ' %' },
        data: r.rows.map((x) => ({ name: x.severity, value: x.events, itemStyle: { color: SEVERITY_COLORS[x.severity] } })),
      }],
    }, total > 0 ? r.rows.length : 0);
  }

  function renderNamespaces(r) {
    const rows = r.rows.slice(0, 12).reverse();
    const label = (x) => (x.namespace == null ? '?' : x.namespace) + ' · ' + x.name;
    WP.draw('c-namespaces', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: WP.axisTooltip((v) => WP.int(v) + ' edits') },
      grid: { left: 8, right: 30, top: 8, bottom: 8, containLabel: true },
      yAxis: { type: 'category', data: rows.map(label), axisLabel: { fontSize: 11, interval: 0 } },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => WP.compact(v) } },
      series: [{
        name: 'Edits', type: 'bar', data: rows.map((x) => x.events), color: '#fb923c',
        label: { show: true, position: 'right', fontSize: 10, formatter: (p) => WP.compact(p.value) },
      }],
    }, rows.length);
  }

  function renderTypes(r) {
    WP.draw('c-types', {
      tooltip: { trigger: 'item', formatter: WP.itemTooltip((v) => WP.int(v) + ' events') },
      legend: { bottom: 0 },
      series: [{
        name: 'Type', type: 'pie', radius: ['45%', '72%'], center: ['50%', '46%'],
        itemStyle: { borderColor: '#171e2e', borderWidth: 2 },
        label: { formatter: (p) => p.name + '\n' + WP.dec1.format(p.percent) + ' %' },
        data: r.rows.map((x) => ({ name: x.type, value: x.events })),
      }],
    }, r.rows.length);
  }

  function renderEngagement(e) {
    const heavy = e.buckets.reduce((a, b) => a + b.users, 0);
    document.getElementById('engagement-note').textContent =
      'users with ≥ 10 events · ' + WP.int(heavy) + ' of ' + WP.int(e.users_total) + ' users';
    WP.draw('c-engagement', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: WP.axisTooltip((v) => WP.int(v) + ' users', (p) => p.axisValueLabel + ' events') },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: 'category', name: 'events per user', nameLocation: 'middle', nameGap: 24, data: e.buckets.map((b) => b.bucket) },
      yAxis: { type: 'value', name: 'users', minInterval: 1 },
      series: [{
        name: 'Users', type: 'bar', data: e.buckets.map((b) => b.users), color: '#c084fc', barCategoryGap: '8%',
        label: { show: true, position: 'top', fontSize: 10 },
      }],
    }, heavy, e.users_total > 0
      ? 'No user made 10 or more edits in this window (' + WP.int(e.users_total) + ' users in all).'
      : 'No data in this window yet.');
  }

  /* Sizes span 1 B to MB: the y axis is sign(d)·log10(1 + |d|), labelled in bytes. */
  const logY = (d) => Math.sign(d) * Math.log10(1 + Math.abs(d));
  const unLogY = (v) => Math.sign(v) * Math.pow(10, Math.abs(v));

  function renderBattlefield(r) {
    const item = (x) => ({
      value: [x.event_time, logY(x.length_diff)],
      symbolSize: Math.max(4, Math.min(36, 4 + 3 * Math.log2(1 + x.bytes_changed / 50))),
      row: x,
    });
    const adds = r.rows.filter((x) => x.length_diff > 0).map(item);
    const dels = r.rows.filter((x) => x.length_diff < 0).map(item);
    const same = r.rows.filter((x) => x.length_diff === 0).map(item);
    WP.draw('c-battlefield', {
      legend: { top: 0, right: 0, data: ['Additions', 'Deletions', 'No size change'] },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const x = p.data.row;
          const diff = (x.length_diff > 0 ? '+' : '') + WP.int(x.length_diff) + ' B';
          return '<b>' + WP.esc(x.title || '(no title)') + '</b><br>'
            + WP.esc(x.user_name || '(unknown user)') + ' · ' + WP.esc(x.server_name) + '<br>'
            + p.marker + WP.esc(diff) + ' · ' + WP.esc(x.type) + ' · ' + WP.esc(WP.time(x.event_time));
        },
      },
      grid: { left: 8, right: 20, top: 34, bottom: 8, containLabel: true },
      xAxis: timeAxis(),
      yAxis: {
        type: 'value', name: 'length diff (log)',
        axisLabel: { formatter: (v) => (v === 0 ? '0' : (v > 0 ? '+' : '−') + WP.bytes(Math.abs(unLogY(v)))) },
        splitLine: { lineStyle: { opacity: 0.3 } },
      },
      series: [
        { name: 'Additions', type: 'scatter', data: adds, color: '#3ecf8e', itemStyle: { opacity: 0.7 } },
        { name: 'Deletions', type: 'scatter', data: dels, color: '#ff6b6b', itemStyle: { opacity: 0.7 } },
        { name: 'No size change', type: 'scatter', data: same, color: '#94a3b8', itemStyle: { opacity: 0.6 } },
      ],
    }, r.rows.length);
  }

  function renderPages(r) {
    WP.table('t-pages', [
      { value: (x) => r.rows.indexOf(x) + 1, num: true },
      { value: (x) => x.title == null ? '(no title)' : x.title, cls: 'title' },
      { value: (x) => x.server_name },
      { value: (x) => WP.int(x.events), num: true },
      { value: (x) => WP.bytes(x.bytes), num: true },
    ], r.rows, 'No page was edited in this window.');
  }

  function renderSpikes(r) {
    setKpi('kpi-spikes', r.rows.length, WP.int(r.rows.length));
    document.getElementById('kpi-spikes').style.color = r.rows.length ? 'var(--crit)' : '';
    document.getElementById('kpi-spikes-sub').textContent = r.rows.length
      ? r.rows.map((x) => x.server_name).slice(0, 3).join(', ')
      : 'no wiki above 3σ of its 3 h baseline';
    WP.table('t-spikes', [
      { value: (x) => x.server_name },
      { value: (x) => WP.dec1.format(x.recent_per_min), num: true },
      { value: (x) => WP.dec1.format(x.baseline_per_min) + ' ± ' + WP.dec1.format(x.baseline_stddev), num: true },
      { value: (x) => (x.sigma == null ? WP.el('span', { class: 'tag crit', title: 'no events in its baseline' }, 'new') : WP.dec1.format(x.sigma)), num: true },
    ], r.rows, 'No wiki is spiking right now.');
  }

  let lastFilters = '';

  function renderFilters(f) {
    // Rebuilding the lists would close a dropdown the user has open: only when they changed.
    const key = JSON.stringify([f.servers, f.namespaces]);
    if (key === lastFilters) return;
    lastFilters = key;
    const server = document.getElementById('f-server');
    const frag = document.createDocumentFragment();
    frag.appendChild(WP.el('option', { value: '' }, 'all wikis (' + f.servers.length + ')'));
    for (const s of f.servers) frag.appendChild(WP.el('option', { value: s }, s));
    server.replaceChildren(frag);
    const ns = document.getElementById('f-namespace');
    const nfrag = document.createDocumentFragment();
    nfrag.appendChild(WP.el('option', { value: '' }, 'all namespaces'));
    for (const n of f.namespaces) {
      nfrag.appendChild(WP.el('option', { value: String(n.namespace) }, n.namespace + ' · ' + n.name));
    }
    ns.replaceChildren(nfrag);
    syncControls();
  }

  /* ---------- the refresh cycle ---------- */

  const CALLS = [
    ['summary', renderSummary, kpiError],
    ['timeseries', renderTimeseries, (e) => ['c-traffic', 'c-velocity', 'c-volume'].forEach((id) => WP.fail(id, e))],
    ['volume-change', renderVolume, (e) => { document.getElementById('volume-note').textContent = ''; }],
    ['servers', renderServers, (e) => ['c-servers', 'c-top'].forEach((id) => WP.fail(id, e))],
    ['languages', renderLanguages, (e) => WP.fail('c-languages', e)],
    ['severity', renderSeverity, (e) => WP.fail('c-severity', e)],
    ['namespaces', renderNamespaces, (e) => WP.fail('c-namespaces', e)],
    ['types', renderTypes, (e) => WP.fail('c-types', e)],
    ['engagement', renderEngagement, (e) => WP.fail('c-engagement', e)],
    ['battlefield', renderBattlefield, (e) => WP.fail('c-battlefield', e)],
    ['pages', renderPages, (e) => WP.tableError('t-pages', e)],
    ['spikes', renderSpikes, (e) => { WP.tableError('t-spikes', e); setKpi('kpi-spikes', '', '–'); }],
  ];

  async function refresh(signal) {
    const p = params();
    const tasks = [];
    let firstError = null;
    let summary = null;
    let status = null;
    const guard = (fn) => (v) => {
      if (!signal.aborted) fn(v);
    };
    if (filtersLoadedFor !== state.window || cycles % 15 === 0) {
      tasks.push(WP.api('/api/realtime/filters', p, signal).then(guard((f) => {
        renderFilters(f);
        filtersLoadedFor = state.window;
      }), guard(() => {})));
    }
    for (const [name, render, onError] of CALLS) {
      tasks.push(WP.api('/api/realtime/' + name, p, signal).then(
        guard((body) => {
          if (name === 'summary') summary = body;
          render(body);
        }),
        (e) => {
          if (e.name === 'AbortError' || signal.aborted) throw e;
          firstError = firstError || e;
          onError(e);
        }));
    }
    tasks.push(WP.api('/api/status', null, signal).then(guard((s) => {
      status = s;
      WP.renderStatus(s);
    }), (e) => {
      if (e.name === 'AbortError' || signal.aborted) throw e;
      WP.statusError(e);
    }));
    await WP.settle(tasks);
    if (signal.aborted) return;
    cycles++;
    if (firstError && !summary) {
      WP.banner('The dashboard cannot load its data: ' + firstError.message + '. Retrying every 2 s.');
      WP.liveState('error', 'error · ' + WP.time(new Date().toISOString()));
      return;
    }
    if (firstError) {
      WP.banner('Some panels could not load: ' + firstError.message);
    } else if (status && !status.last_event_time) {
      WP.banner('No events have arrived yet. Start the speed layer (./wikipulse stream) and the bridge; '
        + 'the charts fill as soon as edits arrive.', true);
    } else if (summary && summary.events === 0) {
      const filtered = state.server || state.bot || state.namespace || state.type;
      WP.banner('No events in the last ' + state.window + (filtered ? ' with these filters' : '')
        + '. Try a longer time range' + (filtered ? ' or fewer filters.' : '.'), true);
    } else {
      WP.banner('');
    }
    WP.liveState('live', 'live · ' + WP.time(new Date().toISOString()));
  }

  const poll = WP.poller(refresh, PERIOD_MS);

  /* ---------- wiring ---------- */

  document.getElementById('ranges').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-window]');
    if (b) setState({ window: b.dataset.window });
  });
  document.getElementById('f-server').addEventListener('change', (e) => setState({ server: e.target.value }));
  document.getElementById('f-bot').addEventListener('change', (e) => setState({ bot: e.target.value }));
  document.getElementById('f-namespace').addEventListener('change', (e) => setState({ namespace: e.target.value }));
  document.getElementById('f-type').addEventListener('change', (e) => setState({ type: e.target.value }));
  document.getElementById('f-reset').addEventListener('click', () => setState(Object.assign({}, DEFAULTS)));
  document.getElementById('pause').addEventListener('click', (e) => {
    const paused = !poll.paused;
    e.target.setAttribute('aria-pressed', String(paused));
    e.target.textContent = paused ? 'Resume' : 'Pause';
    poll.setPaused(paused);
  });
  window.addEventListener('hashchange', () => {
    const next = readState();
    if (JSON.stringify(next) !== JSON.stringify(state)) {
      if (next.window !== state.window) filtersLoadedFor = null;
      state = next;
      syncControls();
      poll.kick();
    }
  });
  WP.chart('c-servers').on('click', (p) => {
    if (p.componentType === 'series' && typeof p.name === 'string') setState({ server: p.name });
  });

  if (!WINDOWS.includes(state.window)) {
    const b = WP.el('button', { type: 'button', 'data-window': state.window }, state.window);
    document.getElementById('ranges').appendChild(b);
  }
  writeState();
  syncControls();
  poll.kick();
})();
