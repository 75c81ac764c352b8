// The live-event benchmark: N signed-in event streams (as dashboards hold them) on one server,
// then scores pushed one at a time; for each, the time from sending it to its event arriving
// at every stream. Then marks per second for one group, pushed 8 at a time for 10 s.
// Usage: node bench/live.mjs BASE_URL COOKIE TOKEN [STREAMS]
const [base, cookie, token, streamsArg] = process.argv.slice(2);
const STREAMS = Number(streamsArg ?? 200);
const MARKS = 100;

const learners = await (await fetch(`${base}/api/v1/learners`, { headers: { cookie } })).json();
const group = learners[0].groups[0];
const members = learners.filter((l) => l.groups.includes(group));

const arrivals = new Map(); // evidence id -> [ms]
let connected = 0;
async function stream() {
  const response = await fetch(`${base}/api/v1/events`, { headers: { cookie } });
  connected++;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const now = performance.now();
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      if (id) (arrivals.get(id) ?? arrivals.set(id, []).get(id)).push(now);
    }
  }
}
for (let i = 0; i < STREAMS; i++) stream().catch(() => {});
while (connected < STREAMS) await new Promise((r) => setTimeout(r, 20));

let serial = Date.now();
function score(learner) {
  serial++;
  return JSON.stringify({
    sourcedId: `bench-${serial}`, userId: learner.email, lineItem: 'MA4-ALG-C-01',
    scoreGiven: 1 + (serial % 4), scoreMaximum: 4, activityProgress: 'Completed',
    gradingProgress: 'FullyGraded', timestamp: new Date().toISOString(),
  });
}
async function push(learner) {
  const response = await fetch(`${base}/api/v1/scores`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: score(learner),
  });
  if (response.status !== 201) throw new Error(`score answered ${response.status}`);
  return (await response.json()).evidenceId;
}

const sent = [];
for (let i = 0; i < MARKS; i++) {
  const at = performance.now();
  const id = await push(members[i % members.length]);
  sent.push([String(id), at]);
  await new Promise((r) => setTimeout(r, 20));
}
await new Promise((r) => setTimeout(r, 1000));
const latencies = [];
let missing = 0;
for (const [id, at] of sent) {
  const seen = arrivals.get(id) ?? [];
  missing += STREAMS - seen.length;
  for (const t of seen) latencies.push(t - at);
}
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

// Sustained marks for one group: 8 in flight for 10 s.
let marks = 0;
const until = performance.now() + 10_000;
await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
  let i = worker;
  while (performance.now() < until) {
    await push(members[i++ % members.length]);
    marks++;
  }
}));

console.log(JSON.stringify({
  streams: STREAMS, marks: MARKS, deliveries: latencies.length, missing,
  p50_ms: +pct(50).toFixed(1), p99_ms: +pct(99).toFixed(1), max_ms: +latencies.at(-1).toFixed(1),
  group, group_learners: members.length, marks_per_second: +(marks / 10).toFixed(0),
}));
process.exit(0);
