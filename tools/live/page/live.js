// live.js - draws a traced run while it happens (index.html, tools/live/live.c).
//
// Every line the programs trace arrives from /events as one JSON object, the
// fields of common/trace.h: a call's start (phase "start", written before the
// call is made), its end (phase "end", or null for a call traced once), a
// narration (call null), and step mode's "pause" and "resume". Lines arrive
// in the order they were written, so a send's start always comes before the
// receive it completes: the page draws them in that order, one row each.
//
// Lanes: one per process, and one more for a process's listening socket
// (from its socket() to its close()), as the sequence charts draw them; at
// most MAX_LANES at once (the tour's earlier labs make way for later ones).
// Arrows: SYN (connect -> accept), data (send -> the recv that got its last
// byte), FIN (shutdown/close -> recv = 0), and for lab 01's ring a wake-up
// (futex_wake/pthread_cond_signal -> the wait it ended). Each socket's TCP state is a chip
// in its lane's head and a mark on the state list at the right.
//
// Lab 01's ring: ring_send/ring_recv lines carry how full the ring is
// (fill_used, fill_capacity) and go to the ring's gauge, not to rows (there
// are thousands); a wait (futex_wait, pthread_cond_timedwait) that starts
// marks its side asleep, and its end awake.
//
// ?upto=N shows the view as it was after the first N lines (a picture of the
// middle of a run). Space asks the server to press a key for step mode.
'use strict';

const UPTO = new URLSearchParams(location.search).has('upto')
  ? Number(new URLSearchParams(location.search).get('upto')) : Infinity;
const STATES = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT1',
  'FIN_WAIT2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
const RECEIVES = new Set(['recv', 'recvfrom', 'recvmsg', 'read', 'read_exact']);
const SENDS = new Set(['send', 'sendto', 'sendmsg', 'write', 'write_all']);

const $ = (id) => document.getElementById(id);
const lanes = new Map();      // lane key -> { index, head, chips: Map(socket key -> chip) }
const sockets = new Map();    // "pid:fd" -> { state, listener, rows: [row] }
const roles = new Map();      // pid -> role
const lastStart = new Map();  // "pid:call" -> the start row that call's end completes
const sent = new Map();       // channel -> [{ row, left }]: bytes sent, not received yet
const waiting = new Map();    // channel -> [{ row, left }]: bytes received before their send was seen
const peers = new Map();      // socket -> the socket at the other end (paired by connect/accept)
const connects = [];          // { row, socket }: connects not yet paired with an accept
const endings = new Map();    // pid -> the last shutdown/close start on a connection
const wakes = new Map();      // pid -> its last futex_wake/pthread_cond_signal, not yet seen to wake
const arrows = [];            // { from, to, kind }
const spans = [];             // { from, to }: a call from its start row to its end row
let count = 0;

// ---- lanes and sockets ---------------------------------------------------------

// At most this many lanes at once: in the whole tour (make live) each lab
// brings processes of its own, and a lane narrower than a call is no use.
// A new lane retires the lane seen least recently, rows and all.
const MAX_LANES = 4;

// Gives each lane still shown its column, and puts every row back in it.
function relayout() {
  let index = 0;
  for (const entry of lanes.values()) entry.index = entry.retired ? -1 : index++;
  document.documentElement.style.setProperty('--lanes', String(Math.max(index, 1)));
  for (const row of $('rows').children) {
    const entry = lanes.get(row.dataset.lane);
    if (!entry) continue; /* a narration: the whole width */
    row.hidden = entry.retired;
    if (!entry.retired) row.querySelector('.here').style.gridColumn = String(entry.index + 1);
  }
}

// Makes room for one more lane: the lane seen least recently retires.
function makeRoom() {
  const shown = [...lanes.values()].filter((l) => !l.retired);
  if (shown.length < MAX_LANES) return;
  const oldest = shown.reduce((a, b) => (a.lastSeen <= b.lastSeen ? a : b));
  oldest.retired = true;
  oldest.head.hidden = true;
  forget(oldest.pid);
}

function lane(key, name, pid) {
  const known = lanes.get(key);
  if (known && known.retired) { /* its process speaks again: it comes back */
    makeRoom();
    known.retired = false;
    known.head.hidden = false;
    relayout();
  }
  if (known) return known;
  makeRoom();
  const head = document.createElement('div');
  head.className = 'lane-head';
  head.dataset.lane = key;
  head.innerHTML = '<div class="name"></div><div class="pid"></div><div class="chips"></div>';
  head.querySelector('.name').textContent = name;
  head.querySelector('.pid').textContent = `pid ${pid}`;
  $('lanes').appendChild(head);
  const entry = { index: 0, head, chips: new Map(), lastSeen: count, retired: false, pid };
  lanes.set(key, entry);
  relayout();
  return entry;
}

const processLane = (pid) => lane(String(pid), roles.get(pid) ?? 'process', pid);
const listenerLane = (pid) => lane(`${pid}:listener`, `${roles.get(pid) ?? 'process'}: listener`, pid);

// The socket a call is about: the new one for socket() and accept(), else its fd field.
function socketOf(ev) {
  if ((ev.call === 'socket' || ev.call === 'accept' || ev.call === 'accept4') && ev.ret >= 0 &&
      ev.phase !== 'start')
    return `${ev.pid}:${ev.ret}`;
  return Number.isInteger(ev.fd) ? `${ev.pid}:${ev.fd}` : null;
}

function placeRow(row, laneEntry) {
  row.dataset.lane = [...lanes.entries()].find(([, v]) => v === laneEntry)[0];
  row.querySelector('.here').style.gridColumn = String(laneEntry.index + 1);
  laneEntry.lastSeen = count;
}

// A socket found to listen moves, with every row it had, to its own lane.
function becomesListener(key, pid) {
  const s = sockets.get(key);
  if (s.listener) return;
  s.listener = true;
  const target = listenerLane(pid);
  for (const row of s.rows) if (row.dataset.call !== 'accept') placeRow(row, target);
  const chip = processLane(pid).chips.get(key);
  if (chip) {
    processLane(pid).chips.delete(key);
    target.chips.set(key, chip);
    target.head.querySelector('.chips').appendChild(chip);
  }
}

function showState(key, pid, state) {
  const s = sockets.get(key);
  s.state = state;
  const l = s.listener ? listenerLane(pid) : processLane(pid);
  let chip = l.chips.get(key);
  if (!chip) {
    chip = document.createElement('span');
    chip.className = 'chip';
    chip.dataset.socket = key;
    l.chips.set(key, chip);
    l.head.querySelector('.chips').appendChild(chip);
  }
  chip.dataset.state = state;
  chip.textContent = `fd ${key.split(':')[1]} ${state}`;
  for (const li of $('diagram').children) {
    const mine = li.querySelector(`[data-socket="${key}"]`);
    if (mine) mine.remove();
    if (li.dataset.state === state) {
      const who = document.createElement('span');
      who.className = 'who';
      who.dataset.socket = key;
      who.textContent = `${roles.get(pid) ?? pid}${s.listener ? ' listener' : ''} fd ${key.split(':')[1]}`;
      li.appendChild(who);
    }
    li.classList.toggle('held', li.querySelector('.who') !== null);
  }
}

// ---- rows ----------------------------------------------------------------------------

// The call as the text trace shows it: lab 04's step is a field of its own
// (trace.h), put back where the program wrote it, at the end of the args.
function callText(ev) {
  const step = ev.step ? ` [step ${ev.step}]` : '';
  return `${ev.call}(${ev.args ?? ''}${step})`;
}

function text(ev) {
  if (!ev.call) return ev.note ?? '';
  if (ev.phase === 'start') return `${callText(ev)} \u2026`;
  const result = ev.ret === -1 ? `-1 ${ev.errno ?? ''}` : String(ev.ret);
  const moved = ev.state_after && ev.state_after !== ev.state_before ? `  \u2192 ${ev.state_after}` : '';
  return `${callText(ev)} = ${result}${moved}`;
}

function addRow(ev) {
  const row = document.createElement('div');
  const phase = ev.call ? (ev.phase ?? 'call') : 'note';
  row.className = `row ${phase}`;
  if (ev.call && ev.phase !== 'start' && ev.ret === -1 && ev.errno !== 'EINPROGRESS')
    row.classList.add('failed');
  Object.assign(row.dataset, {
    seq: String(count), pid: String(ev.pid), role: ev.role ?? '', call: ev.call ?? '',
    phase, ret: ev.ret === null || ev.ret === undefined ? '' : String(ev.ret),
    state: ev.state_after ?? '',
  });
  const cell = document.createElement('div');
  cell.className = 'cell here';
  cell.textContent = text(ev);
  cell.title = cell.textContent;
  row.appendChild(cell);
  $('rows').appendChild(row);
  return row;
}

// ---- arrows --------------------------------------------------------------------------

// A channel: the socket a call used ("pid:fd"), or the process ("p<pid>")
// for calls on no socket the page knows (a pipe's write_all, say).
const channelOf = (ev) => socketOf(ev) ?? `p${ev.pid}`;
const ownerOf = (channel) => Number(channel.replace(/^p/, '').split(':')[0]);
const laneShown = (pid) => !(lanes.get(String(pid))?.retired);

// Where the bytes received on channel came from: the socket at the other end
// when connect and accept paired them, else the one other process sending
// on a channel of its own (pipes, socketpairs).
function sourceOf(channel) {
  if (peers.has(channel)) return peers.get(channel);
  const me = ownerOf(channel);
  for (const [key, queue] of sent)
    if (queue.length && ownerOf(key) !== me && laneShown(ownerOf(key)) &&
        (!peers.has(key) || peers.get(key) === channel))
      return key;
  return null;
}

// Bytes received on channel, matched in order with the bytes sent to it: the
// arrow comes from the send (its start row) that held the last byte.
function matchBytes(channel) {
  const wants = waiting.get(channel) ?? [];
  while (wants.length) {
    const want = wants[0];
    const from = sourceOf(channel);
    const queue = from ? sent.get(from) ?? [] : [];
    if (!queue.length) return;
    while (want.left > 0 && queue.length) {
      const take = Math.min(want.left, queue[0].left);
      want.left -= take;
      queue[0].left -= take;
      if (want.left === 0) arrows.push({ from: queue[0].row, to: want.row, kind: 'data' });
      if (queue[0].left === 0) queue.shift();
    }
    if (want.left > 0) return;
    wants.shift();
  }
}

// A process whose lane retired leaves nothing to pair with later processes.
function forget(pid) {
  for (const map of [sent, waiting])
    for (const key of [...map.keys()]) if (ownerOf(key) === pid) map.delete(key);
  endings.delete(pid);
  wakes.delete(pid);
}

function link(ev, row, start) {
  const cause = start ?? row; // a call is on the wire from its start
  if (ev.call === 'connect' && !connects.some((c) => c.row === cause))
    connects.push({ row: cause, socket: socketOf(ev) });
  if ((ev.call === 'accept' || ev.call === 'accept4') && ev.phase !== 'start' && ev.ret >= 0) {
    const i = connects.findIndex((c) => c.row.dataset.pid !== String(ev.pid));
    if (i >= 0) {
      const c = connects.splice(i, 1)[0];
      arrows.push({ from: c.row, to: row, kind: 'syn' });
      const mine = socketOf(ev);
      if (c.socket && mine) { /* one connection: what one end sends, the other receives */
        peers.set(c.socket, mine);
        peers.set(mine, c.socket);
      }
    }
  }
  if (ev.phase === 'start' && (ev.call === 'shutdown' ||
      (ev.call === 'close' && !sockets.get(socketOf(ev))?.listener)))
    endings.set(ev.pid, row);
  if (ev.phase === 'start') return;
  // Lab 01: a wake-up, and the wait it ended in the other process.
  if ((ev.call === 'futex_wake' || ev.call === 'pthread_cond_signal') && ev.ret >= 0)
    wakes.set(ev.pid, row);
  if ((ev.call === 'futex_wait' || ev.call === 'pthread_cond_timedwait') && ev.ret === 0) {
    const waker = [...wakes.entries()].find(([p]) => p !== ev.pid);
    if (waker) {
      arrows.push({ from: waker[1], to: row, kind: 'wake' });
      wakes.delete(waker[0]);
    }
  }
  if (SENDS.has(ev.call) && ev.ret > 0) {
    const channel = channelOf(ev);
    if (!sent.has(channel)) sent.set(channel, []);
    sent.get(channel).push({ row: cause, left: ev.ret });
    for (const key of waiting.keys()) matchBytes(key);
  }
  if (RECEIVES.has(ev.call) && ev.ret > 0) {
    const channel = channelOf(ev);
    if (!waiting.has(channel)) waiting.set(channel, []);
    waiting.get(channel).push({ row, left: ev.ret });
    matchBytes(channel);
  }
  if (RECEIVES.has(ev.call) && ev.ret === 0) {
    const other = [...endings.entries()].find(([p]) => p !== ev.pid);
    if (other) arrows.push({ from: other[1], to: row, kind: 'fin' });
  }
}

function drawArrows() {
  const svg = $('arrows');
  const width = $('rows').clientWidth;
  const n = Math.max(lanes.size, 1);
  // At the row's dot (the start of its lane's column), where the call is.
  const x = (row) => ((Number(row.querySelector('.here').style.gridColumn) - 1) / n) * width + 15;
  const y = (row) => row.offsetTop + row.offsetHeight / 2;
  svg.innerHTML = '<defs>' + ['data', 'syn', 'fin', 'wake'].map((k) =>
    `<marker id="head-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ` +
    `markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="${k}" ` +
    `style="fill: var(--${k})"/></marker>`).join('') + '</defs>';
  const shown = (row) => !row.hidden;
  for (const s of spans.filter((x) => shown(x.from) && shown(x.to))) { /* a call under way */
    const bar = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    bar.setAttribute('x', x(s.from) - 4);
    bar.setAttribute('y', y(s.from));
    bar.setAttribute('width', 8);
    bar.setAttribute('height', Math.max(y(s.to) - y(s.from), 0));
    bar.setAttribute('class', 'span');
    svg.appendChild(bar);
  }
  for (const a of arrows.filter((x) => shown(x.from) && shown(x.to))) {
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
    line.setAttribute('x1', x(a.from));
    line.setAttribute('y1', y(a.from));
    line.setAttribute('x2', x(a.to));
    line.setAttribute('y2', y(a.to));
    line.setAttribute('class', `arrow ${a.kind}`);
    line.setAttribute('marker-end', `url(#head-${a.kind})`);
    line.dataset.kind = a.kind;
    line.dataset.from = a.from.dataset.seq;
    line.dataset.to = a.to.dataset.seq;
    svg.appendChild(line);
  }
}

// ---- one line of the trace ----------------------------------------------------------

const WAITS = new Set(['futex_wait', 'pthread_cond_timedwait']);
const ringSeen = { messages: 0, most: 0, sleeps: { producer: 0, consumer: 0 } };

// The ring's gauge, and who sleeps. Returns true when the line was the ring's alone.
function ring(ev) {
  if (Number.isInteger(ev.fill_capacity) && ev.fill_capacity > 0) {
    $('ring').hidden = false;
    ringSeen.messages++;
    ringSeen.most = Math.max(ringSeen.most, ev.fill_used);
    $('ring-fill').style.width = `${(100 * ev.fill_used) / ev.fill_capacity}%`;
    $('ring-used').textContent = `${ev.fill_used} of ${ev.fill_capacity} bytes used`;
    Object.assign($('ring').dataset, {
      used: String(ev.fill_used), capacity: String(ev.fill_capacity),
      messages: String(ringSeen.messages), most: String(ringSeen.most),
    });
    return true;
  }
  const side = ev.role === 'producer' || ev.role === 'consumer' ? ev.role : null;
  if (side && WAITS.has(ev.call)) {
    const p = $(`ring-${side}`);
    const asleep = ev.phase === 'start';
    if (asleep) ringSeen.sleeps[side]++;
    p.classList.toggle('asleep', asleep);
    p.classList.toggle('woken', !asleep);
    p.dataset.sleeps = String(ringSeen.sleeps[side]);
    p.textContent = `${side}: ${asleep ? 'asleep' : 'awake'} (slept ${ringSeen.sleeps[side]}×)`;
  }
  return false;
}

function take(ev) {
  if (ev.phase === 'pause' || ev.phase === 'resume') {
    $('pause').hidden = ev.phase === 'resume';
    $('pause').dataset.who = `${ev.role} ${ev.pid}`;
    if (ev.phase === 'pause') /* how many pauses so far: one key each */
      document.body.dataset.pauses = String(Number(document.body.dataset.pauses ?? 0) + 1);
    return;
  }
  if (ev.role && !roles.has(ev.pid)) roles.set(ev.pid, ev.role);
  if (ring(ev)) {
    count++;
    return;
  }
  const row = addRow(ev);
  count++;
  if (!ev.call) {
    row.querySelector('.here').style.gridColumn = '1 / -1';
    return;
  }
  // Sockets: a new one from socket() or accept(); a listener from its LISTEN state.
  const key = socketOf(ev);
  if (key && (ev.call === 'socket' || ev.call === 'accept' || ev.call === 'accept4') &&
      ev.phase !== 'start')
    sockets.set(key, { state: '', listener: false, rows: [] });
  if (key && !sockets.has(key)) sockets.set(key, { state: '', listener: false, rows: [] });
  const s = key ? sockets.get(key) : null;
  if (s && ev.call !== 'accept') s.rows.push(row);
  row.dataset.fd = key ? key.split(':')[1] : '';
  placeRow(row, s && s.listener && ev.call !== 'accept' ? listenerLane(ev.pid) : processLane(ev.pid));
  if (s && (ev.state_before === 'LISTEN' || ev.state_after === 'LISTEN')) becomesListener(key, ev.pid);
  if (s && ev.state_after && ev.phase !== 'start') showState(key, ev.pid, ev.state_after);
  const start = ev.phase === 'end' ? lastStart.get(`${ev.pid}:${ev.call}`) : undefined;
  if (ev.phase === 'start') lastStart.set(`${ev.pid}:${ev.call}`, row);
  if (start && start.dataset.lane === row.dataset.lane) spans.push({ from: start, to: row });
  link(ev, row, start);
}

function start() {
  for (const state of STATES) {
    const li = document.createElement('li');
    li.dataset.state = state;
    li.textContent = state;
    $('diagram').appendChild(li);
  }
  const events = new EventSource('/events');
  let pending = false;
  events.onmessage = (message) => {
    if (count >= UPTO) {
      events.close();
      return;
    }
    try {
      take(JSON.parse(message.data));
    } catch (err) {
      console.error('live: a line that is not a trace line', message.data, err);
    }
    $('status').textContent = `${count} lines from ${roles.size} processes` +
      (UPTO < Infinity ? ` (the first ${UPTO})` : '');
    document.body.dataset.lines = String(count);
    if (!pending) { /* one redraw per frame, however many lines came */
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        drawArrows();
        const run = $('run');
        run.scrollTop = run.scrollHeight; /* the newest line in sight */
      });
    }
  };
  events.onerror = () => {
    $('status').textContent = `${count} lines; the server is not answering (the run is over?)`;
  };
  document.addEventListener('keydown', (e) => {
    if (e.code !== 'Space') return;
    e.preventDefault();
    // 409: the prompt that shows is not reading keys yet, or not at all:
    // ask again a few times, then give up (Enter in the terminal still works).
    const press = (tries) => fetch('/step', { method: 'POST' }).then((r) => {
      if (r.status === 409 && tries > 1) setTimeout(() => press(tries - 1), 100);
    }).catch(() => {});
    press(10);
  });
}

start();
