'use strict';
// `langdock/sandbox`: integration code run locally, through the same engine as `langdock run`. The HTTP server
// lives in this process: a run that blocked the event loop while waiting for it would never get its answer.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { runCode, CodeError } = require('langdock/sandbox');

const seen = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
    const answer = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'POST') return answer(201, { created: JSON.parse(body) });
    if (req.headers.authorization !== 'Bearer k-123') return answer(401, { error: 'unauthorized' });
    answer(200, { city: 'Berlin', days: [{ t: 3 }] });
  });
});
let base;
test.before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
test.after(() => server.close());
test.beforeEach(() => (seen.length = 0));

const FORECAST = `
const response = await ld.request({
  url: \`\${data.input.base}/forecast\`,
  params: { city: data.input.city },
  headers: { Authorization: \`Bearer \${data.auth.apiKey}\` },
});
ld.log('status', response.status);
if (response.status !== 200) throw new Error(\`API returned status \${response.status}\`);
return response.json;
`;

test('an action calls a local API without blocking the event loop and returns its JSON, logs and requests', async () => {
  const run = await runCode(FORECAST, { input: { base, city: 'Berlin' }, auth: { apiKey: 'k-123' } });
  assert.deepEqual(run.result, { city: 'Berlin', days: [{ t: 3 }] });
  assert.deepEqual(run.logs, ['status 200']);
  assert.deepEqual(run.requests.map((r) => [r.method, r.status]), [['GET', 200]]);
  assert.ok(run.requests[0].url.endsWith('/forecast?city=Berlin'), run.requests[0].url);
  assert.equal(seen[0].auth, 'Bearer k-123');
  assert.deepEqual(run.violations, []);
});

test('a POST with an object body is sent as JSON', async () => {
  const code = "const r = await ld.request({ method: 'POST', url: data.input.url, body: { n: 1 } }); return r.json;";
  const run = await runCode(code, { input: { url: `${base}/notes` } });
  assert.deepEqual(run.result, { created: { n: 1 } });
  assert.equal(seen[0].type, 'application/json');
});

test('code that throws rejects with a CodeError naming the line, with what it did before', async () => {
  const options = { input: { base, city: 'Berlin' }, auth: { apiKey: 'wrong' }, fileName: 'forecast.js' };
  const error = await runCode(FORECAST, options).then(
    () => assert.fail('it should reject'),
    (e) => e,
  );
  assert.ok(error instanceof CodeError && error instanceof Error);
  assert.equal(error.kind, 'thrown');
  assert.match(error.message, /API returned status 401/);
  assert.deepEqual([error.file, error.line], ['forecast.js', 8]);
  assert.deepEqual(error.logs, ['status 401']);
});

test('a syntax error names file, line and column', async () => {
  await assert.rejects(runCode('const a = 1;\nreturn a +;\n', { fileName: 'broken.js' }), (e) => {
    assert.equal(e.kind, 'syntax');
    assert.match(e.message, /^broken\.js:2:\d+: /);
    return true;
  });
});

test('an endless loop is stopped at the time limit', async () => {
  await assert.rejects(runCode('while (true) {}', { timeLimit: 300 }), (e) => e instanceof CodeError && e.kind === 'timeout');
});

test('allocating past the memory limit fails cleanly', async () => {
  const code = "const all = []; while (true) all.push(new Array(100000).fill('x'));";
  await assert.rejects(runCode(code, { memoryLimitMb: 16 }), (e) => e instanceof CodeError && e.kind === 'memory');
  assert.equal((await runCode('return 1;')).result, 1, 'still usable afterwards');
});

for (const name of ['eval', 'require', 'process']) {
  test(`${name} is unavailable`, async () => {
    assert.equal((await runCode(`return typeof ${name};`)).result, 'undefined');
    await assert.rejects(runCode(`return ${name}.call;`), CodeError);
  });
}

test('record then replay offline gives the same result; a request the cassette lacks fails', async () => {
  const cassette = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'langdock-')), 'forecast.json');
  const options = { input: { base, city: 'Berlin' }, auth: { apiKey: 'k-123' } };
  const live = await runCode(FORECAST, { ...options, record: cassette });
  assert.ok(!fs.readFileSync(cassette, 'utf8').includes('k-123'), 'secrets are redacted');
  seen.length = 0;
  const replayed = await runCode(FORECAST, { ...options, replay: cassette });
  assert.deepEqual(replayed.result, live.result);
  assert.deepEqual(seen, [], 'nothing was sent');
  const miss = { ...options, input: { base, city: 'Paris' }, replay: cassette };
  await assert.rejects(runCode(FORECAST, miss), (e) => e.kind === 'replay_miss');
});

test('bad arguments are TypeErrors, not crashes', async () => {
  await assert.rejects(runCode(42), TypeError);
  await assert.rejects(runCode('return 1;', { record: 'a.json', replay: 'b.json' }), TypeError);
});
