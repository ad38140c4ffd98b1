// Tokenizes every bundled Proviso file and every ```proviso block of docs/ with the TextMate
// grammar of editors/vscode, through vscode-textmate and vscode-oniguruma (what VS Code uses),
// and checks the highlighting: each line tokenizes in full, no text is left without a scope,
// every keyword of grammar/grammar.hpp is scoped as a keyword, the grammar's copies of the
// reserved words are grammar.hpp's, and known lines of known
// contracts get the scopes a reader expects.
//   node highlight_test.cjs ROOT NODE_MODULES
'use strict';
const fs = require('fs');
const path = require('path');

const root = process.argv[2];
const modules = process.argv[3];
const vsctm = require(path.join(modules, 'vscode-textmate'));
const oniguruma = require(path.join(modules, 'vscode-oniguruma'));

const grammarPath = path.join(root, 'editors/vscode/syntaxes/proviso.tmLanguage.json');
let failures = 0;
function fail(message) {
  failures += 1;
  console.log(`FAILED: ${message}`);
}

// ---- The corpus: every .proviso file in the repository, and the documentation's examples ----
function provisoFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name.startsWith('build')) {
      continue;
    }
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...provisoFiles(full));
    else if (entry.name.endsWith('.proviso')) found.push(full);
  }
  return found.sort();
}

// Each ```proviso / ```proviso-error block of docs/*.md, named FILE.md:LINE of its first line.
function docBlocks() {
  const blocks = [];
  const docs = path.join(root, 'docs');
  for (const name of fs.readdirSync(docs).filter((n) => n.endsWith('.md')).sort()) {
    const lines = fs.readFileSync(path.join(docs, name), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      if (!/^```proviso(-error)?\s*$/.test(lines[i])) continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && !lines[end].startsWith('```')) end += 1;
      blocks.push({ name: `docs/${name}:${start + 1}`, text: lines.slice(start, end).join('\n') });
      i = end;
    }
  }
  return blocks;
}

// ---- The keywords of the language, read from the PEGTL grammar ----
function grammarKeywords() {
  const text = fs.readFileSync(path.join(root, 'grammar/grammar.hpp'), 'utf8');
  const words = new Set();
  for (const m of text.matchAll(/PROVISO_KEYWORD\(\s*\w+,\s*"(\w+)"\s*\)/g)) words.add(m[1]);
  for (const m of text.matchAll(/TAO_PEGTL_KEYWORD\(\s*"(\w+)"\s*\)/g)) words.add(m[1]);
  words.delete('text'); // the macro's own parameter in `#define PROVISO_KEYWORD( name, text )`
  return words;
}

function tokenize(grammar, text) {
  const lines = text.split(/\r?\n/);
  let stack = vsctm.INITIAL;
  const result = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, stack, 5000);
    if (r.stoppedEarly) throw new Error(`tokenizing stopped early on: ${line}`);
    result.push({
      line,
      tokens: r.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        start: t.startIndex,
        end: t.endIndex,
        scopes: t.scopes,
      })),
    });
    stack = r.ruleStack;
  }
  return result;
}

const hasScope = (token, prefix) => token.scopes.some((s) => s === prefix || s.startsWith(prefix + '.') || s.split(' ').includes(prefix));
const inCommentOrString = (token) => hasScope(token, 'comment') || hasScope(token, 'string');

async function main() {
  const wasm = fs.readFileSync(path.join(modules, 'vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.proviso'
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar('source.proviso');
  if (!grammar) throw new Error('the grammar did not load');

  const corpus = provisoFiles(root).map((file) => ({
    name: path.relative(root, file),
    text: fs.readFileSync(file, 'utf8'),
  }));
  corpus.push(...docBlocks());
  if (corpus.length < 50) fail(`only ${corpus.length} files and doc examples found under ${root}`);

  const keywords = grammarKeywords();
  const contextual = new Set(['error', 'granted', 'paid', 'timeline', 'log', 'to', 'adjustment', 'Easter', 'UTC', 'key',
    'current', 'previous', 'fiscal', 'starting', 'ending', 'missed', 'per', 'total',
    'up', 'above', 'down', 'half', 'even', 'whole', 'cent', 'nearest', 'with', 'cash', 'lieu']);
  const reserved = [...keywords].filter((w) => !contextual.has(w));
  const keywordSeen = new Map([...keywords].map((w) => [w, 0]));
  const tokenized = new Map();

  for (const { name, text } of corpus) {
    let lines;
    try {
      lines = tokenize(grammar, text);
    } catch (e) {
      fail(`${name}: ${e.message}`);
      continue;
    }
    tokenized.set(name, lines);
    // Contracts with a deliberate syntax mistake may hold a character no rule knows.
    const mayBeMalformed = name.startsWith('tests/golden/check/') || name.startsWith('tests/golden/test/broken');
    lines.forEach(({ line, tokens }, i) => {
      const where = `${name}:${i + 1}`;
      // The tokens cover the line, in order, with no gap or overlap.
      let at = 0;
      for (const t of tokens) {
        if (t.start !== at) fail(`${where}: token at column ${t.start + 1}, expected ${at + 1}`);
        at = t.end;
      }
      if (line.length > 0 && at < line.length) fail(`${where}: tokens end at column ${at + 1} of ${line.length}`);
      for (const t of tokens) {
        if (t.text.trim() === '') continue;
        if (t.scopes.length < 2) fail(`${where}: "${t.text}" has no scope beyond source.proviso`);
        if (!mayBeMalformed && hasScope(t, 'invalid')) fail(`${where}: "${t.text}" is scoped ${t.scopes.join(' ')}`);
        if (inCommentOrString(t)) continue;
        // A reserved word is a keyword wherever it stands outside a comment or a text.
        for (const word of t.text.match(/[A-Za-z_]\w*/g) || []) {
          if (!keywords.has(word)) continue;
          const isKeyword = hasScope(t, 'keyword') || hasScope(t, 'constant.language') ||
                            (word === 'UTC' && hasScope(t, 'support.constant.timezone'));
          if (isKeyword) keywordSeen.set(word, keywordSeen.get(word) + 1);
          else if (reserved.includes(word)) fail(`${where}: keyword "${word}" is scoped ${t.scopes.join(' ')}`);
        }
      }
    });
  }
  // Every keyword of the grammar is met, as a keyword, somewhere in the corpus; the contextual
  // ones (reference § 16) only where they are keywords.
  for (const [word, count] of keywordSeen) {
    if (count === 0) fail(`keyword "${word}" of grammar/grammar.hpp is never highlighted as a keyword in the bundled contracts or docs`);
  }

  // Known lines of known files: the TOKEN on the first line containing LINE has SCOPE.
  const expectations = [
    ['contracts/amd_openai.proviso', '-- The AMD–OpenAI warrant', ' The AMD–OpenAI warrant, as publicly described.', 'comment.line.double-dash'],
    ['contracts/amd_openai.proviso', 'contract "AMD–OpenAI warrant"', 'contract', 'keyword.declaration'],
    ['contracts/amd_openai.proviso', 'contract "AMD–OpenAI warrant"', 'AMD–OpenAI warrant', 'string.quoted.double'],
    ['contracts/amd_openai.proviso', '  source "AMD Form 8-K', 'source', 'keyword.other.header'],
    ['contracts/amd_openai.proviso', '  calendar NYSE', 'NYSE', 'entity.name.type.calendar'],
    ['contracts/amd_openai.proviso', '  effective 2025-10-06', '2025-10-06', 'constant.numeric.date'],
    ['contracts/amd_openai.proviso', '  expires 2030-10-05 17:00', '2030-10-05 17:00 ', 'constant.numeric.timestamp'],
    ['contracts/amd_openai.proviso', '  expires 2030-10-05 17:00', 'America/New_York', 'support.constant.timezone'],
    ['contracts/amd_openai.proviso', 'event deployment {', 'deployment', 'entity.name.type.event'],
    ['contracts/amd_openai.proviso', 'event deployment {', 'vendor', 'variable.other.property.field'],
    ['contracts/amd_openai.proviso', 'event deployment {', 'text', 'support.type'],
    ['contracts/amd_openai.proviso', 'event close ', 'per share', 'keyword.other.unit'],
    ['contracts/amd_openai.proviso', 'event deployment {', '{', 'punctuation.section.braces.begin'],
    ['contracts/amd_openai.proviso', 'metric amd_deployed =', 'amd_deployed', 'entity.name.function.metric'],
    ['contracts/amd_openai.proviso', 'metric amd_deployed =', 'sum', 'keyword.other.aggregate'],
    ['contracts/amd_openai.proviso', 'metric amd_deployed =', '.', 'punctuation.accessor'],
    ['contracts/amd_openai.proviso', 'metric amd_deployed =', 'where', 'keyword.operator.word'],
    ['contracts/amd_openai.proviso', 'metric amd_deployed =', '==', 'keyword.operator.comparison'],
    ['contracts/amd_openai.proviso', 'metric amd_deployed =', 'AMD', 'string.quoted.double'],
    ['contracts/amd_openai.proviso', 'let tranche_shares', 'tranche_shares', 'entity.name.constant'],
    ['contracts/amd_openai.proviso', 'let tranche_shares', '26_666_667', 'constant.numeric.decimal'],
    ['contracts/amd_openai.proviso', 'let tranche_shares', 'shares', 'keyword.other.unit'],
    ['contracts/amd_openai.proviso', 'tranche T1 "First gigawatt"', 'T1', 'entity.name.section.clause'],
    ['contracts/amd_openai.proviso', '  vests when amd_deployed >= 1 GW', 'vests', 'keyword.control.clause'],
    ['contracts/amd_openai.proviso', '  vests when amd_deployed >= 1 GW', 'GW', 'keyword.other.unit'],
    ['contracts/amd_openai.proviso', '  vests when amd_deployed >= 1 GW', 'amd_deployed', 'variable.other'],
    ['contracts/amd_openai.proviso', '  becomes exercisable when technical', 'exercisable', 'constant.other.state'],
    ['contracts/amd_openai.proviso', '  subject to adjustment', 'adjustment', 'keyword.control.adjustment'],
    ['contracts/amd_openai.proviso', 'for each k in 2..5', 'k', 'variable.parameter.family'],
    ['contracts/amd_openai.proviso', 'for each k in 2..5', '..', 'keyword.operator.range'],
    ['contracts/amd_openai.proviso', 'for each k in 2..5', '5', 'constant.numeric.decimal'],
    ['contracts/amd_openai.proviso', '  tranche A[k] "Deployment', 'k', 'variable.parameter.family'],
    ['contracts/amd_openai.proviso', '    vests when amd_deployed >= k GW', 'GW', 'keyword.other.unit'],
    ['contracts/amd_openai.proviso', '           and amd_close >= target on at least 20', 'trading', 'keyword.other.calendar'],
    ['contracts/amd_openai.proviso', '           and amd_close >= target on at least 20', 'days', 'keyword.other.unit'],
    ['contracts/amd_openai.proviso', '    2026-09-01T14:00Z deployment vendor="AMD" mw=600', '2026-09-01T14:00Z', 'constant.numeric.timestamp'],
    ['contracts/amd_openai.proviso', '    2026-09-01T14:00Z deployment vendor="AMD" mw=600', 'deployment', 'entity.name.type.event'],
    ['contracts/amd_openai.proviso', '    2026-09-01T14:00Z deployment vendor="AMD" mw=600', 'mw', 'variable.other.property.field'],
    ['contracts/amd_openai.proviso', '    2026-09-01T14:00Z deployment vendor="AMD" mw=600', '=', 'keyword.operator.assignment'],
    ['contracts/amd_openai.proviso', '  expect T1 vested at 2026-09-15T14:00Z', 'expect', 'keyword.control.test'],
    ['contracts/loan_covenant.proviso', '  expect error "division by zero', 'error', 'keyword.control.test'],
    ['contracts/loan_covenant.proviso', '  given log "logs/loan_covenant.jsonl"', 'log', 'keyword.control.test'],
    ['stdlib/units.proviso', 'dimension power: W', 'power', 'entity.name.type.dimension'],
    ['stdlib/units.proviso', 'unit kW = 1000 W', 'kW', 'entity.name.type.unit'],
    ['stdlib/units.proviso', 'currency USD, EUR', 'EUR', 'entity.name.type.unit.currency'],
    ['stdlib/units.proviso', '         MXN, ZAR', 'MXN', 'entity.name.type.unit.currency'],
    ['stdlib/calendars.proviso', '  holiday "Good Friday"', 'Easter', 'keyword.other.calendar'],
    ['stdlib/calendars.proviso', '  holiday "Good Friday"', '-', 'keyword.operator.arithmetic'],
    ['stdlib/calendars.proviso', '  weekend Saturday, Sunday', 'weekend', 'keyword.other.calendar'],
    ['stdlib/calendars.proviso', '  closed 2012-10-29 "Hurricane Sandy"', '2012-10-29', 'constant.numeric.date'],
    ['tests/golden/explain/features.proviso', '  lapses if not vested by 2026-12-31', 'vested', 'constant.other.state'],
    ['tests/golden/explain/features.proviso', '  pays when px in 100 USD per share .. 200 USD per share', 'USD', 'keyword.other.unit'],
    ['tests/golden/explain/features.proviso', '  triggers when any of (before 2026-03-01, by 2026-02-15T12:00Z', '(', 'punctuation.section.parens.begin'],
    ['tests/golden/explain/features.proviso', '  triggers when ever Minimum breached', 'ever', 'keyword.operator.word'],
    ['tests/golden/explain/features.proviso', '  triggers when ever Minimum breached', 'and', 'keyword.operator.logical'],
    ['tests/golden/explain/features.proviso', '  pays when once px >= 150 USD', 'once', 'keyword.operator.word'],
    ['tests/golden/run/ratios.proviso', '  holds while leverage <= 3.25 to 1.00', '3.25', 'constant.numeric.decimal'],
    ['tests/golden/run/ratios.proviso', '  holds while leverage <= 3.25 to 1.00', 'to', 'keyword.operator.ratio'],
    ['tests/golden/run/ratios.proviso', '  holds while leverage <= 3.25 to 1.00', '1.00', 'constant.numeric.decimal'],
  ];
  for (const [file, lineStart, tokenText, scope] of expectations) {
    const lines = tokenized.get(file);
    if (!lines) {
      fail(`${file} was not tokenized`);
      continue;
    }
    const index = lines.findIndex((l) => l.line.startsWith(lineStart));
    if (index < 0) {
      fail(`${file}: no line starts with "${lineStart}"`);
      continue;
    }
    const token = lines[index].tokens.find((t) => t.text === tokenText && hasScope(t, scope)) ||
                  lines[index].tokens.find((t) => t.text === tokenText);
    if (!token) fail(`${file}:${index + 1}: no token "${tokenText}" in: ${lines[index].line}`);
    else if (!hasScope(token, scope)) fail(`${file}:${index + 1}: "${tokenText}" is scoped ${token.scopes.join(' ')}, expected ${scope}`);
  }

  // The editor grammar's copies of the reserved words (a number's unit and `expect granted`
  // must not be one) are grammar.hpp's `reserved` rule.
  const hpp = fs.readFileSync(path.join(root, 'grammar/grammar.hpp'), 'utf8');
  const keywordText = new Map([...hpp.matchAll(/PROVISO_KEYWORD\(\s*(\w+),\s*"(\w+)"\s*\)/g)].map((m) => [m[1], m[2]]));
  const reservedRule = hpp.match(/struct reserved : sor< ([^>]*) >/);
  const reservedWords = reservedRule[1].split(',').map((k) => keywordText.get(k.trim().replace(/^kw_/, ''))).sort();
  const rawGrammar = fs.readFileSync(grammarPath, 'utf8');
  const copies = [...rawGrammar.matchAll(/\(\?!\(\?:((?:\w+\|){20,}\w+)\)\\\\b\)/g)].map((m) => m[1].split('|').sort());
  if (copies.length < 2) fail(`found ${copies.length} copies of the reserved words in the editor grammar, expected 2`);
  for (const copy of copies) {
    if (copy.join(' ') !== reservedWords.join(' ')) {
      fail(`the editor grammar's reserved words differ from grammar.hpp: missing ${reservedWords.filter((w) => !copy.includes(w)).join(', ') || 'none'}, extra ${copy.filter((w) => !reservedWords.includes(w)).join(', ') || 'none'}`);
    }
  }

  // The grammar's list of standard units is stdlib/units.proviso's.
  const units = fs.readFileSync(path.join(root, 'stdlib/units.proviso'), 'utf8')
    .replace(/--.*$/gm, '');
  const declared = new Set();
  for (const m of units.matchAll(/\bunit\s+(\w+)|\bdimension\s+\w+\s*:\s*(\w+)/g)) declared.add(m[1] || m[2]);
  for (const m of units.matchAll(/\bcurrency\s+([\w\s,]+?)(?=\n\s*\n|\n?$|\n(?:unit|dimension|currency)\b)/g)) {
    for (const c of m[1].split(/[\s,]+/).filter(Boolean)) declared.add(c);
  }
  const unitLine = tokenize(grammar, `let x = k ${[...declared].join(' + k ')}`)[0];
  for (const u of declared) {
    const t = unitLine.tokens.find((tok) => tok.text === u);
    if (!t || !hasScope(t, 'keyword.other.unit')) fail(`standard unit "${u}" of stdlib/units.proviso is not highlighted as a unit after a name`);
  }
  if (declared.size < 30) fail(`only ${declared.size} units read from stdlib/units.proviso`);

  console.log(`${corpus.length} files and doc examples tokenized, ${expectations.length} known tokens, ` +
              `${keywords.size} keywords, ${declared.size} units checked`);
  if (failures > 0) {
    console.log(`${failures} failure(s)`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.log(`FAILED: ${e.stack || e}`);
  process.exit(1);
});
