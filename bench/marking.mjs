// A school day of marking, for the mixed dashboard run: scores pushed through
// `POST /api/v1/scores` at RATE per second, each for the next learner of the whole school in
// turn, for SECONDS. Prints one JSON line: how many were sent and accepted, and the push
// latencies.
// Usage: node bench/marking.mjs BASE_URL COOKIE TOKEN RATE SECONDS
const [base, cookie, token, rateArg, secondsArg] = process.argv.slice(2);
const RATE = Number(rateArg ?? 10);
const SECONDS = Number(secondsArg ?? 20);

const learners = await (await fetch(`${base}/api/v1/learners`, { headers: { cookie } })).json();
if (learners.length === 0) throw new Error('no learners to mark');

let serial = 0;
async function push(learner) {
  serial++;
  const started = performance.now();
  const response = await fetch(`${base}/api/v1/scores`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      sourcedId: `school-day-${serial}`, userId: learner.email, lineItem: 'MA4-ALG-C-01',
      scoreGiven: 1 + (serial % 4), scoreMaximum: 4, activityProgress: 'Completed',
      gradingProgress: 'FullyGraded', timestamp: new Date().toISOString(),
    }),
  });
  await response.arrayBuffer();
  return [response.status, performance.now() - started];
}

const pending = [];
const began = performance.now();
for (let i = 0; i < RATE * SECONDS; i++) {
  // On schedule, whatever the server's pace: marks arrive when teachers give them.
  const due = began + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  pending.push(push(learners[(i * 37) % learners.length]));
}
const results = await Promise.all(pending);
const accepted = results.filter(([status]) => status === 201).length;
const latencies = results.map(([, ms]) => ms).sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
console.log(JSON.stringify({
  sent: results.length,
  accepted,
  rate: RATE,
  p50_ms: pct(50).toFixed(1),
  p99_ms: pct(99).toFixed(1),
}));
