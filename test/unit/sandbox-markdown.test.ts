import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { esc } from '../../src/cards/card';
import { escapeHtml, renderMarkdown, renderPost, renderText } from '../../src/sandbox/web/markdown';

const names = new Map([['ou_alice', 'Alice Chen']]);

describe('the sandbox page\'s markdown', () => {
  test('bold, strike, code, links, mentions, font colours and text tags become markup', () => {
    assert.equal(renderMarkdown('**Value:** 0.97 ~~old~~ `up == 0`'), '<strong>Value:</strong> 0.97 <del>old</del> <code>up == 0</code>');
    assert.equal(
      renderMarkdown('[Prometheus graph](http://prom:9090/graph?g0.expr=up&x=1)'),
      '<a href="http://prom:9090/graph?g0.expr=up&amp;x=1" target="_blank" rel="noopener noreferrer">Prometheus graph</a>',
    );
    assert.equal(renderMarkdown('**On call:** <at id=ou_alice></at>', names), '<strong>On call:</strong> <span class="mention" title="ou_alice">@Alice Chen</span>');
    assert.equal(renderMarkdown('<at id=all></at>'), '<span class="mention" title="all">@all</span>');
    assert.equal(renderMarkdown("<font color='red'>**Not saved**</font>"), '<span class="fc fc-red"><strong>Not saved</strong></span>');
    assert.equal(renderMarkdown("<text_tag color='blue'>14</text_tag>\nAlice"), '<span class="tag tag-blue">14</span><br>Alice');
    assert.equal(renderMarkdown('- one\n- two'), '• one<br>• two');
  });

  test('text the cards escaped shows as the literal characters, never as markup', () => {
    const hostile = 'x <script>alert(1)</script> **not bold** [link](javascript:alert(1)) <at id=all></at> & $5';
    assert.equal(renderMarkdown(esc(hostile)), escapeHtml(hostile));
    // Any one line of user text (a leading "- " is a list item in Feishu too).
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n]/.test(s) && !/^\s*- /.test(s)),
        (s) => renderMarkdown(esc(s)) === escapeHtml(s),
      ),
      { numRuns: 2000 },
    );
  });

  test('unknown tags and non-http links are shown, not executed', () => {
    assert.equal(renderMarkdown('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(renderMarkdown('[click](javascript:alert%281%29)'), 'click');
    assert.equal(renderMarkdown('**unclosed'), '<strong>unclosed</strong>');
  });

  test('text and rich-text messages', () => {
    assert.equal(renderText('hi <at user_id="ou_alice">Alice</at>\n<b>', names), 'hi <span class="mention" title="ou_alice">@Alice Chen</span><br>&lt;b&gt;');
    const post = { zh_cn: { title: 'T', content: [[{ tag: 'text', text: 'a<' }, { tag: 'a', text: 'l', href: 'https://x.test' }]] } };
    assert.equal(renderPost(post), '<strong>T</strong><br>a&lt;<a href="https://x.test" target="_blank" rel="noopener noreferrer">l</a>');
  });
});
