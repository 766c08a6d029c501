/*
 * The historical page: the hourly series across both layers (batch hours from the historical tables,
 * later hours from the real-time rollups, the seam marked), humans vs bots per hour, the batch
 * layer's language share, server rankings and top contributors, and its run log. The number of
 * hours lives in the URL hash (#hours=168). Refreshed every 10 s while the tab is visible.
 */
(function () {
  'use strict';

  const HOURS = [24, 48, 168, 336, 720];
  const DEFAULT_HOURS = 48;
  const PERIOD_MS = 10000;

  let hours = readHours();

  function readHours() {
    const src = new URLSearchParams(location.hash.replace(/^#/, '') || location.search);
    const h = parseInt(src.get('hours'), 10);
    return Number.isInteger(h) && h >= 1 && h <= 720 ? h : DEFAULT_HOURS;
  }

  function syncControls() {
    for (const b of document.querySelectorAll('#ranges button')) {
      b.setAttribute('aria-pressed', String(Number(b.dataset.hours) === hours));
    }
    for (const a of document.querySelectorAll('a.csv[data-csv]')) {
      const p = { format: 'csv' };
      if (a.dataset.csv === 'hourly') p.hours = hours;
      a.href = '/api/historical/' + a.dataset.csv + WP.query(p);
      a.setAttribute('download', 'wikipulse-historical-' + a.dataset.csv + '.csv');
      a.title = 'Download this data as CSV';
    }
    const hash = hours === DEFAULT_HOURS ? '' : '#hours=' + hours;
    if (location.hash !== hash) history.replaceState(null, '', location.pathname + location.search + hash);
  }

  /* ---------- rendering ---------- */

  function renderHourly(h) {
    const pts = h.points;
    const seam = h.seam ? new Date(h.seam).getTime() : null;
    const first = pts.length ? new Date(pts[0].hour).getTime() : null;
    const end = new Date(h.to).getTime();
    const withData = pts.filter((p) => p.total_events > 0).length;
    const batchHours = pts.filter((p) => p.source === 'batch').length;
    const note = document.getElementById('seam-note');
    if (!h.seam) {
      note.textContent = 'The batch layer has not run yet: every hour comes from the real-time tables.';
    } else if (seam <= first) {
      note.textContent = 'Every hour shown comes from the real-time tables (the batch layer ends ' + WP.dateTime(h.seam) + ').';
    } else {
      note.textContent = batchHours + ' h from the batch layer, real-time tables from ' + WP.dateTime(h.seam) + '.';
    }
    // The shaded real-time part: from the seam (or the first hour) to the end of the series.
    const rtFrom = seam == null || seam < first ? first : seam;
    const markArea = rtFrom != null && rtFrom < end ? {
      silent: true,
      itemStyle: { color: 'rgba(90, 169, 255, 0.08)' },
      label: { show: false }, // the seam's line is labelled; the card's note says what the shade is
      data: [[{ xAxis: rtFrom }, { xAxis: end }]],
    } : { data: [] };
    const markLine = seam != null && seam > first && seam <= end ? {
      silent: true,
      symbol: 'none',
      lineStyle: { color: '#f5b83d', type: 'dashed', width: 2 },
      label: { formatter: 'batch | real-time', color: '#f5b83d', position: 'insideEndTop' },
      data: [{ xAxis: seam }],
    } : { data: [] };
    const tip = (p) => {
      const point = pts[p[0].dataIndex];
      return WP.dateTime(point.hour) + ' · ' + (point.source === 'batch' ? 'batch layer' : 'real-time tables');
    };
    WP.draw('c-hourly', {
      legend: { top: 0, left: 'center', data: ['Events', '24 h average', 'Bytes'] },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => WP.axisTooltip((v, p) => (p.seriesName === 'Bytes' ? WP.bytes(v) : WP.int(v)), () => tip(params))(params),
      },
      grid: { left: 8, right: 8, top: 40, bottom: 40, containLabel: true },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 6 }],
      xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: 'value', name: 'events', axisLabel: { formatter: (v) => WP.compact(v) } },
        { type: 'value', name: 'bytes', axisLabel: { formatter: (v) => WP.bytes(v) }, splitLine: { show: false } },
      ],
      series: [
        {
          name: 'Events', type: 'bar', color: '#5aa9ff', barMaxWidth: 18,
          data: pts.map((p) => ({ value: [p.hour, p.total_events], itemStyle: { opacity: p.source === 'batch' ? 1 : 0.65 } })),
          markArea, markLine,
        },
        { name: '24 h average', type: 'line', color: '#f5b83d', showSymbol: false, smooth: true, data: pts.map((p) => [p.hour, p.events_24h_avg]) },
        { name: 'Bytes', type: 'line', yAxisIndex: 1, color: '#c084fc', showSymbol: false, lineStyle: { width: 1.5, opacity: 0.8 }, data: pts.map((p) => [p.hour, p.total_bytes]) },
      ],
    }, withData);

    WP.draw('c-botshare', {
      legend: { top: 0, right: 0, data: ['Humans', 'Bots'] },
      tooltip: { trigger: 'axis', formatter: (params) => WP.axisTooltip((v) => WP.int(v), () => tip(params))(params) },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => WP.compact(v) } },
      series: [
        { name: 'Humans', type: 'bar', stack: 'who', color: '#3ecf8e', barMaxWidth: 18, data: pts.map((p) => [p.hour, p.human_events]), markLine },
        { name: 'Bots', type: 'bar', stack: 'who', color: '#f5b83d', barMaxWidth: 18, data: pts.map((p) => [p.hour, p.bot_events]) },
      ],
    }, withData);
  }

  function renderLanguages(r) {
    const rows = r.rows.slice().reverse();
    const label = (x) => x.language + ' · ' + x.project;
    WP.draw('c-languages', {
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: WP.axisTooltip((v, p) => {
          const x = rows[p.dataIndex];
          return WP.dec2.format(v) + ' % · ' + WP.int(x.edit_count) + ' edits · ' + WP.int(x.bot_edits) + ' by bots · '
            + WP.int(x.new_pages) + ' new pages';
        }),
      },
      grid: { left: 28, right: 44, top: 8, bottom: 8, containLabel: true },
      yAxis: { type: 'category', data: rows.map(label), axisLabel: { fontSize: 11, interval: 0 } },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => v + ' %' } },
      series: [{
        name: 'Share of edits', type: 'bar', color: '#2dd4bf',
        data: rows.map((x) => Math.round(x.share * 10000) / 100),
        label: { show: true, position: 'right', fontSize: 10, formatter: (p) => WP.dec1.format(p.value) + ' %' },
      }],
    }, rows.length, 'The batch layer has not computed languages yet (./wikipulse batch).');
  }

  function renderServers(r) {
    const rows = r.rows;
    WP.draw('c-servers', {
      legend: { top: 0, right: 0, data: ['Edits', 'Unique users'] },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: WP.axisTooltip((v) => WP.int(v)) },
      grid: { left: 36, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((x) => x.server_name), axisLabel: { rotate: 30, interval: 0, fontSize: 11, formatter: WP.shortServer } },
      yAxis: [
        { type: 'value', name: 'edits', axisLabel: { formatter: (v) => WP.compact(v) } },
        { type: 'value', name: 'users', axisLabel: { formatter: (v) => WP.compact(v) }, splitLine: { show: false } },
      ],
      series: [
        { name: 'Edits', type: 'bar', color: '#5aa9ff', barMaxWidth: 30, data: rows.map((x) => x.edit_count) },
        { name: 'Unique users', type: 'line', yAxisIndex: 1, color: '#f5b83d', data: rows.map((x) => x.unique_users) },
      ],
    }, rows.length, 'The batch layer has not ranked servers yet (./wikipulse batch).');
    WP.table('t-servers', [
      { value: (x) => x.rank, num: true },
      { value: (x) => x.server_name },
      { value: (x) => WP.int(x.edit_count), num: true },
      { value: (x) => WP.bytes(x.total_bytes), num: true },
      { value: (x) => WP.int(x.unique_users), num: true },
      { value: (x) => WP.dec1.format(100 * (1 - x.percentile)), num: true },
    ], rows, 'No rankings yet: run the batch layer (./wikipulse batch).');
  }

  function renderContributors(r) {
    WP.table('t-contributors', [
      { value: (x) => r.rows.indexOf(x) + 1, num: true },
      { value: (x) => x.user_name, cls: 'title' },
      { value: (x) => (x.is_bot ? WP.el('span', { class: 'tag bot' }, 'bot') : '') },
      { value: (x) => WP.int(x.edit_count), num: true },
      { value: (x) => WP.bytes(x.total_bytes), num: true },
      { value: (x) => WP.int(x.pages_created), num: true },
    ], r.rows, 'No contributors yet: run the batch layer (./wikipulse batch).');
  }

  /** "Nov 26 → Nov 29 (72 h)": a run's range, short enough for one line; the exact times are in the title. */
  function range(x) {
    if (!x.range_from || !x.range_to) return WP.el('span', null, '–');
    const hours = Math.round((new Date(x.range_to) - new Date(x.range_from)) / 3600000);
    return WP.el('span', { title: WP.dateTime(x.range_from) + ' – ' + WP.dateTime(x.range_to) },
      dayFmt.format(new Date(x.range_from)) + ' → ' + dayFmt.format(new Date(x.range_to)) + ' (' + hours + ' h)');
  }

  const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

  function renderRuns(r) {
    const s = document.getElementById('runs-summary');
    const last = r.last_success;
    if (last) {
      const finished = last.finished_at ? new Date(last.finished_at) : null;
      const ageS = finished ? (Date.now() - finished.getTime()) / 1000 : null;
      s.replaceChildren(
        document.createTextNode('Last successful run: '),
        WP.el('b', null, finished ? WP.age(ageS) + ' ago' : 'unknown'),
        document.createTextNode(' (' + WP.dateTime(last.finished_at) + ', ' + last.runner + '), covering '
          + WP.dateTime(last.range_from) + ' – ' + WP.dateTime(last.range_to) + ': ' + WP.int(last.events_read)
          + ' events read, ' + WP.int(last.duplicates_dropped) + ' duplicates dropped.'));
    } else {
      s.textContent = 'The batch layer has not completed a run yet. Run ./wikipulse batch.';
    }
    s.dataset.state = last ? 'ready' : 'empty';
    WP.table('t-runs', [
      { value: (x) => '#' + x.run_id + ' · ' + x.runner },
      { value: (x) => WP.el('span', { class: 'tag' + (x.status === 'failed' ? ' crit' : ''), title: x.message || '' }, x.status) },
      { value: (x) => range(x) },
      { value: (x) => WP.int(x.events_read), num: true },
      { value: (x) => (x.finished_at ? WP.age((Date.now() - new Date(x.finished_at)) / 1000) + ' ago' : '–') },
    ], r.rows, 'No batch run recorded.');
  }

  /* ---------- refresh ---------- */

  const CALLS = [
    ['hourly', () => ({ hours }), renderHourly, (e) => ['c-hourly', 'c-botshare'].forEach((id) => WP.fail(id, e))],
    ['languages', () => null, renderLanguages, (e) => WP.fail('c-languages', e)],
    ['servers', () => null, renderServers, (e) => { WP.fail('c-servers', e); WP.tableError('t-servers', e); }],
    ['contributors', () => null, renderContributors, (e) => WP.tableError('t-contributors', e)],
    ['runs', () => null, renderRuns, (e) => WP.tableError('t-runs', e)],
  ];

  async function refresh(signal) {
    let firstError = null;
    let ok = 0;
    const tasks = CALLS.map(([name, p, render, onError]) =>
      WP.api('/api/historical/' + name, p(), signal).then(
        (body) => {
          if (signal.aborted) return;
          ok++;
          render(body);
        },
        (e) => {
          if (e.name === 'AbortError' || signal.aborted) throw e;
          firstError = firstError || e;
          onError(e);
        }));
    tasks.push(WP.api('/api/status', null, signal).then((s) => {
      if (!signal.aborted) WP.renderStatus(s);
    }, (e) => {
      if (e.name === 'AbortError' || signal.aborted) throw e;
      WP.statusError(e);
    }));
    await WP.settle(tasks);
    if (signal.aborted) return;
    if (firstError) {
      WP.banner((ok ? 'Some panels could not load: ' : 'The page cannot load its data: ') + firstError.message + '.');
      WP.liveState('error', 'error · ' + WP.time(new Date().toISOString()));
    } else {
      WP.banner('');
      WP.liveState('live', 'updated ' + WP.time(new Date().toISOString()));
    }
  }

  const poll = WP.poller(refresh, PERIOD_MS);

  document.getElementById('ranges').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-hours]');
    if (!b) return;
    hours = Number(b.dataset.hours);
    syncControls();
    poll.kick();
  });
  window.addEventListener('hashchange', () => {
    const h = readHours();
    if (h !== hours) {
      hours = h;
      syncControls();
      poll.kick();
    }
  });

  if (!HOURS.includes(hours)) {
    document.getElementById('ranges').appendChild(WP.el('button', { type: 'button', 'data-hours': String(hours) }, hours + ' h'));
  }
  syncControls();
  poll.kick();
})();
