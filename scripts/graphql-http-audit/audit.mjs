// Runs the graphql-http server audit (GraphQL-over-HTTP spec conformance) against a URL and
// prints one line per audit, `<OK|WARN|NOTICE|ERROR> <id> <MUST|SHOULD|MAY> <name>[: reason]`
// (graphql-http reports a failed MUST as ERROR, a failed SHOULD as WARN, a failed MAY as
// NOTICE), then one summary line per level. tests/http.rs runs it and judges the lines.
//
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}

const results = [];
for (const { id, name, fn } of serverAudits({ url })) {
  // One at a time: the server under test shares two cores with everything else.
  const result = await fn();
  const level = name.split(' ')[0];
  let reason = '';
  if (result.status !== 'ok') {
    reason = `: ${result.reason}`;
    if (result.response) {
      let body = '';
      try {
        body = await result.response.text();
      } catch {
        body = '(unreadable body)';
      }
      reason += ` [status ${result.response.status}, content-type ${result.response.headers.get('content-type')}, body ${body.slice(0, 300)}]`;
    }
  }
  results.push({ id, level, status: result.status });
  console.log(`${result.status.toUpperCase()} ${id} ${name}${reason}`);
}

const count = (level, status) =>
  results.filter((r) => r.level === level && r.status === status).length;
for (const level of ['MUST', 'SHOULD', 'MAY']) {
  console.log(
    `${level}: ${count(level, 'ok')} ok, ${count(level, 'warn')} warn, ${count(level, 'notice')} notice, ${count(level, 'error')} error`,
  );
}
