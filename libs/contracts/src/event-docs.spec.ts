import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, renderEventDocs } from '@touchpoint/contracts';

const DOCS = join(__dirname, '..', '..', '..', 'docs', 'events.md');
const REGENERATE = 'UPDATE_DOCS=1 npx jest libs/contracts/src/event-docs.spec.ts';

describe('docs/events.md', () => {
  const rendered = renderEventDocs();

  if (process.env.UPDATE_DOCS === '1') {
    it('Given UPDATE_DOCS=1, When the suite runs, Then docs/events.md is rewritten from the source', () => {
      writeFileSync(DOCS, rendered, 'utf8');
      expect(readFileSync(DOCS, 'utf8')).toBe(rendered);
    });
    return;
  }

  it('Given the contract source, When docs are rendered, Then the committed file is identical', () => {
    const committed = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : '';
    if (committed !== rendered) {
      throw new Error(
        `docs/events.md is out of date with libs/contracts. Regenerate it with:\n  ${REGENERATE}`,
      );
    }
  });

  it('Given the rendered docs, When read, Then every type, its example and the envelope rules are documented', () => {
    for (const type of EVENT_TYPES) expect(rendered).toContain(`### \`${type}\``);
    expect(rendered).toContain('## Envelope');
    expect(rendered).toContain('server_field');
    expect(rendered).toContain('Upcasting v1 -> v2');
    expect(rendered).toContain('"complaintId": "K-5512"');
    expect(rendered).toContain('`payload.items[].unitPrice`');
  });

  it('Given the renderer, When called twice, Then the output is identical (no clock, no randomness)', () => {
    expect(renderEventDocs()).toBe(rendered);
  });
});
