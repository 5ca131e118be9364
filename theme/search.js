// gouvernail's search, in the browser: the query engine over the index in search/
// (built by src/search/, format in docs/search.md), the search box of every page
// (an ARIA combobox) and the full results page with its filters.
//
// It works from a web server and from disk (file://): the index loads only through
// classic <script src> elements, injected on demand, each calling a function of
// the global `gouvernailSearch`; no fetch, module, worker or WASM. Page content is
// inserted as text nodes, never as HTML.
//
// The contract with the templates (docs/theme-contract.md): the search box needs
// #gv_search-input in a <form action> and #gv_search-listbox, optionally
// [data-search-status] in the form; the results page needs [data-search-page]
// holding [data-search-results], with #gv_search-page-input in a <form>, optionally
// [data-search-filters], [data-search-summary] and [data-search-more]. Either reads
// the message for an index it cannot read from `data-search-version-error` on the
// form or the results section. Without its required elements a part is skipped.
(function () {
  "use strict";

  // The index format this script reads: src/search/mod.rs `VERSION`. An index of
  // another version is not read (the reader gets a message): after a redeploy a
  // cached script may meet a newer index, or the other way round.
  const INDEX_VERSION = 3;
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const PREFIX_TERMS = 8;
  const TYPO_TERMS = 5;
  /// Factors of a match beside the word's own term (1) and a completion (0.9): a
  /// synonym, just below; the longest term an unaccented stem starts with.
  const SYNONYM = 0.95;
  const STEM_PREFIX = 0.8;


  /// Lowercase, accents off, œ and æ spelled out: src/search/text.rs `fold`.
  function fold(word) {
    return word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/œ/g, "oe").replace(/æ/g, "ae");
  }

  /// The words of a text: [{start, end, folded}], the words of the set `elisions`
  /// left out before an apostrophe.
  function words(text, elisions) {
    const out = [];
    for (const m of text.matchAll(WORD)) {
      const end = m.index + m[0].length;
      const next = text[end];
      const lower = m[0].toLowerCase();
      if ((next === "'" || next === "\u2019") && elisions.has(lower)) continue;
      out.push({ start: m.index, end, lower, folded: fold(lower) });
    }
    return out;
  }

  /// An index that this script cannot read: another version, or a meta.js without
  /// the constants of its encoding.
  class IndexVersionError extends Error {
    constructor(found) {
      super(`the search index is version ${found}; this script reads version ${INDEX_VERSION}`);
      this.name = "IndexVersionError";
      this.found = found;
    }
  }

  /// What meta.js says about the encoding (src/search/mod.rs `meta`): the varint
  /// digits, the elisions and the score of each level. Throws IndexVersionError for
  /// an index of another version or without them.
  function codec(meta) {
    if (!meta || meta.version !== INDEX_VERSION) throw new IndexVersionError(meta && meta.version);
    const { varint, elisions, scores } = meta;
    const ascii = (t) => typeof t === "string" && t.length > 0 && /^[\x21-\x7e]+$/.test(t);
    if (!varint || !ascii(varint.last) || !ascii(varint.more) || !Array.isArray(elisions) || !Array.isArray(scores) || scores.length < 2) {
      throw new IndexVersionError(meta.version + " without its encoding");
    }
    // Digits that end a number (0…) and, stored as -1 - digit, digits that say
    // more follow, in base `more.length`.
    const digit = new Int8Array(128);
    for (let i = 0; i < varint.last.length; i++) digit[varint.last.charCodeAt(i)] = i;
    for (let i = 0; i < varint.more.length; i++) digit[varint.more.charCodeAt(i)] = -1 - i;
    return { digit, base: varint.more.length, elisions: new Set(elisions), score: Float32Array.from(scores) };
  }

  /// Decodes varints.
  function varints(code, { digit, base }) {
    const out = [];
    let v = 0, scale = 1;
    for (let i = 0; i < code.length; i++) {
      const d = digit[code.charCodeAt(i)];
      if (d < 0) { v += (-1 - d) * scale; scale *= base; } else { out.push(v + d * scale); v = 0; scale = 1; }
    }
    return out;
  }

  /// Edit distance between a and b (insertions, deletions, substitutions and
  /// swaps of two neighbours), or max + 1 once it exceeds max.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let before = new Array(b.length + 1), prev = new Array(b.length + 1), cur = new Array(b.length + 1);
    for (let j = 0; j <= b.length; j++) prev[j] = j;
    let prevLow = 0;
    for (let i = 1; i <= a.length; i++) {
      cur[0] = i;
      let low = i;
      for (let j = 1; j <= b.length; j++) {
        let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
        cur[j] = d;
        if (d < low) low = d;
      }
      // A swap reaches back two rows: stop when both are past max.
      if (low > max && prevLow > max) return max + 1;
      prevLow = low;
      [before, prev, cur] = [prev, cur, before];
    }
    return prev[b.length];
  }

  /// The last index i with sorted[i] <= key (0 when key is before all).
  function shardFor(starts, key) {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /// The query engine. `loadFile(name)` runs the index file search/<name> and
  /// resolves once it has (the browser injects a script; tests read the file).
  function createEngine(loadFile) {
    // `error`: why the index cannot be read (meta.js of another version); `labels`:
    // meta.js's interface labels, whatever its version.
    const index = { meta: null, codec: null, error: null, labels: null, facets: null, terms: [], tails: [], heads: [], snippets: [], derive: new Map(), rules: null };
    const loading = new Map();
    globalThis.gouvernailSearch = {
      meta(m) {
        if (m && typeof m.labels === "object") index.labels = m.labels;
        try {
          index.codec = codec(m);
          index.meta = Object.assign(m, { stopSet: new Set(m.stop) });
          index.derive = new Map(Object.entries(m.derive || {}));
          index.rules = null;
          index.error = null;
        } catch (error) {
          index.meta = null;
          index.error = error;
        }
      },
      facets(f) { index.facets = Object.assign(f, { pageCombo: null }); },
      terms(i, words, terms) {
        const dict = new Map();
        const sorted = [];
        for (let k = 0; k < words.length; k += 2) { dict.set(words[k], words[k + 1] || words[k]); sorted.push(words[k]); }
        const postings = new Map();
        for (let k = 0; k < terms.length; k += 2) postings.set(terms[k], { code: terms[k + 1], pages: null, levels: null, sections: null });
        index.terms[i] = { dict, sorted, postings };
      },
      tails(i, words) { index.tails[i] = words ? words.split(" ") : []; },
      heads(i, first, pages) { index.heads[i] = { first, pages }; },
      snippets(i, first, pages) { index.snippets[i] = { first, pages }; },
    };

    function load(name) {
      // meta.js also loads with the page (templates/search-box.html).
      if (name === "meta.js" && (index.meta || index.error)) return Promise.resolve();
      // Every file but meta.js with the hash of them all that meta.js gives.
      const version = name === "meta.js" ? null : index.meta && index.meta.files;
      if (!loading.has(name)) loading.set(name, loadFile(name, version));
      return loading.get(name);
    }
    const termShard = (key) => shardFor(index.meta.terms, key);
    const loadTerms = (shards) => Promise.all([...new Set(shards)].map((i) => load(`t${i}.js`)));

    function postingsOf(term) {
      const shard = index.terms[termShard(term)];
      const p = shard && shard.postings.get(term);
      if (!p) return null;
      if (!p.pages) {
        // Decoded once into typed arrays (at most one posting per character):
        // each posting is ((gap - 1) * 16 + level - 1) * 8 + min(section, 7), then
        // section - 7 when the section is the eighth or later.
        const code = p.code;
        const { digit, base } = index.codec;
        const pages = new Int32Array(code.length);
        const levels = new Uint8Array(code.length);
        const sections = new Uint16Array(code.length);
        let page = -1, v = 0, scale = 1, k = 0, rest = false;
        for (let i = 0; i < code.length; i++) {
          const d = digit[code.charCodeAt(i)];
          if (d < 0) { v += (-1 - d) * scale; scale *= base; continue; }
          v += d * scale;
          if (rest) {
            sections[k - 1] = 7 + v;
            rest = false;
          } else {
            page += Math.floor(v / 128) + 1;
            pages[k] = page;
            levels[k] = ((v >> 3) & 15) + 1;
            sections[k++] = v & 7;
            rest = (v & 7) === 7;
          }
          v = 0;
          scale = 1;
        }
        p.pages = pages.subarray(0, k);
        p.levels = levels.subarray(0, k);
        p.sections = sections.subarray(0, k);
      }
      return p;
    }

    /// The term of a lowercased word, as the index makes it: the Snowball stem of
    /// the index's language (assets/stem.js, the same algorithm as the build's),
    /// folded, through meta.js's derivation table. Null without a stemmer.
    function termOf(lower) {
      const stemmers = globalThis.gouvernailStem;
      const stem = stemmers && stemmers[index.meta.language];
      if (!stem) return null;
      const term = fold(stem(lower));
      return index.derive.get(term) || term;
    }

    /// Whether `term` is in the index (its shard loaded).
    function hasTerm(term) {
      const shard = index.terms[termShard(term)];
      return Boolean(shard && shard.postings.has(term));
    }

    /// Parses a query into words: [{word (folded), lower, text (as typed), prefix,
    /// exact}] (stop words out, but the word being typed is kept as a prefix).
    function parse(query, stop) {
      const found = words(query, index.codec.elisions);
      const complete = !/[\p{Alphabetic}\p{N}]$/u.test(query);
      const out = [];
      found.forEach((w, i) => {
        const prefix = i === found.length - 1 && !complete;
        if (stop.has(w.folded) && !(prefix && w.folded.length >= 2)) return;
        out.push({ word: w.folded, lower: w.lower, start: w.start, end: w.end, text: query.slice(w.start, w.end), prefix, exact: !stop.has(w.folded) });
      });
      return out;
    }

    /// Candidates for a typo in the first letter of `word`: the dictionary words
    /// that differ from it by that letter only (replaced, left out, added, or
    /// swapped with the second), through the index's words sorted after their first
    /// letter (tails) and the dictionary. [[word, term]].
    async function firstLetterTypos(word) {
      const swapped = word[1] + word[0] + word.slice(2);
      const added = word.slice(1);
      const tail = word.slice(1);
      const tails = index.meta.tails;
      await Promise.all([
        loadTerms([termShard(swapped), termShard(added)]),
        load(`k${shardFor(tails, tail)}.js`),
        load(`k${shardFor(tails, word)}.js`),
      ]);
      const found = [];
      const inDictionary = (w) => { const t = index.terms[termShard(w)].dict.get(w); if (t) found.push([w, t]); };
      inDictionary(swapped);
      inDictionary(added);
      // Words whose tail is `tail` (first letter replaced) or `word` (left out).
      const near = [];
      for (const key of [tail, word]) {
        const list = index.tails[shardFor(tails, key)] || [];
        let lo = 0, hi = list.length;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid].slice(1) < key) lo = mid + 1; else hi = mid; }
        for (let k = lo; k < list.length && list[k].slice(1) === key && near.length < 16; k++) if (list[k] !== word) near.push(list[k]);
      }
      await loadTerms(near.map(termShard));
      for (const w of near) inDictionary(w);
      return found;
    }

    /// What a query word stands for: `terms`, Map term → factor (1 for the word's
    /// own term, from the dictionary or the stemmer; less for a completion of the
    /// word being typed or a typo); `own`, its own term or null; `key`, its term
    /// even when no page has it; `corrected`, the words a typo was corrected to
    /// (the closest, up to two), when that is all it found.
    async function expand(q) {
      const from = termShard(q.word);
      const typing = q.prefix && q.word.length >= 2;
      const to = typing ? termShard(q.word + "\uffff") : from;
      const completions = [];
      for (let i = from; i <= Math.min(to, from + 2); i++) completions.push(i);
      await loadTerms(completions);
      const terms = new Map();
      const add = (term, factor) => { if (!(terms.get(term) >= factor)) terms.set(term, factor); };
      // The dictionary's term of the word, else the stemmer's when the index has it
      // (a form no page uses, of a word pages do): stemmed only then.
      let own = (q.exact && index.terms[from].dict.get(q.word)) || null;
      const stemmed = q.exact && !own ? termOf(q.lower) : null;
      const shards = stemmed ? completions.concat(termShard(stemmed)) : completions;
      if (stemmed) await loadTerms(shards);
      if (!own && stemmed && hasTerm(stemmed)) own = stemmed;
      if (own) add(own, 1);
      if (typing) {
        const candidates = new Map();
        for (const i of completions) {
          const { sorted, dict } = index.terms[i];
          let k = shardFor(sorted, q.word);
          if (sorted[k] < q.word) k++;
          for (; k < sorted.length && sorted[k].startsWith(q.word) && candidates.size < 64; k++) {
            const term = dict.get(sorted[k]);
            if (!candidates.has(term)) candidates.set(term, sorted[k].length);
          }
        }
        // The terms of the shortest completions first: closest to what is typed.
        [...candidates].sort((a, b) => a[1] - b[1]).slice(0, PREFIX_TERMS).forEach(([term]) => add(term, 0.9));
      }
      // Typed without its accents, a form no page uses may stem longer than the
      // accented one (`securites` → `securit`, `sécurités` → `secur`), and the
      // stemmer leaves some verb endings (`signent`): the longest term the stem
      // starts with, if it is most of it.
      if (!own && stemmed && !terms.size && stemmed.length >= 5) {
        const prefixes = [];
        for (let l = stemmed.length - 1; l >= Math.max(4, Math.floor(stemmed.length * 0.6)); l--) prefixes.push(stemmed.slice(0, l));
        await loadTerms(prefixes.map(termShard));
        const found = prefixes.find(hasTerm);
        if (found) add(found, STEM_PREFIX);
      }
      const corrected = [];
      if (!own && !terms.size && q.exact && q.word.length >= 5) {
        const max = q.word.length >= 9 ? 2 : 1;
        const found = [];
        for (const i of new Set(shards)) {
          const { dict, postings } = index.terms[i];
          for (const [word, term] of dict) {
            if (word[0] !== q.word[0]) continue;
            const d = distance(q.word, word, max);
            if (d <= max) found.push([d, term, word]);
          }
          // The stem of the typo against the terms: the typed form need not be
          // one the pages use (`formatoins`: `formations`).
          if (stemmed) {
            for (const term of postings.keys()) {
              if (term[0] !== stemmed[0]) continue;
              const d = distance(stemmed, term, max);
              if (d <= max) found.push([d, term, null]);
            }
          }
        }
        // A typo in the first letter too, even when the word's own shards found
        // others (`ecurité` is one letter from `écrite` and from `sécurité`).
        if (index.meta.tails) for (const [word, term] of await firstLetterTypos(q.word)) found.push([1, term, word]);
        // Closest first, words before stems; among the closest, the terms more
        // pages have (their postings are longer) before the rarer ones.
        const best = found.reduce((m, f) => Math.min(m, f[0]), Infinity);
        const closest = [...new Set(found.filter((f) => f[0] === best).map((f) => f[1]))].slice(0, 16);
        await loadTerms(closest.map(termShard));
        const pages = (term) => (closest.includes(term) && index.terms[termShard(term)].postings.get(term)?.code.length) || 0;
        found.sort((a, b) => a[0] - b[0] || (a[2] === null) - (b[2] === null) || pages(b[1]) - pages(a[1]));
        const kept = [];
        for (const [d, term, word] of found) {
          if (kept.length === TYPO_TERMS) break;
          if (kept.includes(term)) continue;
          kept.push(term);
          add(term, d === 1 ? 0.6 : 0.45);
          // The closest corrections, up to two, say what the results stand on.
          if (d === best && corrected.length < 2) corrected.push(word || wordOf(term));
        }
      }
      await loadTerms([...terms.keys()].map(termShard));
      // What synonym rules know the word by: its term, whether pages use it or not.
      return { terms, own, key: own || stemmed, corrected };
    }

    /// A word of the loaded dictionary whose term is `term`, the shortest.
    function wordOf(term) {
      const shard = index.terms[termShard(term)];
      let best = null;
      if (shard) for (const [word, t] of shard.dict) if (t === term && (!best || word.length < best.length)) best = word;
      return best || term;
    }

    /// The synonyms of meta.js as rules over terms: Map first term → [{from:
    /// [terms], to: [{terms, text}]}], longest `from` first. Built on first use;
    /// empty without a stemmer (a phrase's terms need it).
    function synonymRules() {
      if (index.rules) return index.rules;
      const rules = new Map();
      index.rules = rules;
      const { synonyms = [], expansions = [] } = index.meta;
      if (!synonyms.length && !expansions.length) return rules;
      const sequence = (text) => words(text, index.codec.elisions).filter((w) => !index.meta.stopSet.has(w.folded)).map((w) => termOf(w.lower));
      if (termOf("a") === null) return rules;
      const rule = (from, to) => {
        const terms = sequence(from);
        if (!terms.length) return;
        const list = rules.get(terms[0]) || [];
        rules.set(terms[0], list);
        let r = list.find((x) => x.from.join(" ") === terms.join(" "));
        if (!r) { r = { from: terms, to: [] }; list.push(r); list.sort((a, b) => b.from.length - a.from.length); }
        for (const text of to) {
          const t = sequence(text);
          const key = t.join(" ");
          if (t.length && key !== terms.join(" ") && !r.to.some((x) => x.terms.join(" ") === key)) r.to.push({ terms: t, text });
        }
      };
      for (const group of synonyms) for (const member of group) rule(member, group);
      for (const [from, to] of expansions) rule(from, to);
      return rules;
    }

    /// The query's slots: runs of its words that one synonym rule matches become
    /// one slot with the rule's alternatives; every other word is a slot alone.
    /// [{words: [i…], alternatives: [{units: [i…], factor, text}]}], where units
    /// index `units` (the query words first, then the synonyms' terms).
    function slots(parsed, expanded, units) {
      const rules = synonymRules();
      const out = [];
      for (let i = 0; i < parsed.length;) {
        const key = expanded[i].key;
        const rule = key && (rules.get(key) || []).find((r) => r.from.every((t, k) => expanded[i + k] && expanded[i + k].key === t));
        const span = rule ? rule.from.length : 1;
        const wordsOf = [];
        for (let k = i; k < i + span; k++) wordsOf.push(k);
        const alternatives = [{ units: wordsOf, factor: 1, text: null }];
        if (rule) {
          for (const to of rule.to) {
            const first = units.length;
            to.terms.forEach((term) => units.push({ terms: new Map([[term, 1]]) }));
            alternatives.push({ units: to.terms.map((_, k) => first + k), factor: SYNONYM, text: to.text });
          }
        }
        out.push({ words: wordsOf, alternatives });
        i += span;
      }
      return out;
    }

    /// Runs a query: { count, top(k) → [{page, section, score}] best first, partial
    /// (no page has every word: pages with some), terms, words, explained }.
    /// `explained` lists what the results stand on beyond the words typed:
    /// [{typed, used, kind: "corrected" | "synonym"}].
    /// Loads meta.js, and throws IndexVersionError if this script cannot read it.
    async function loadMeta() {
      await load("meta.js");
      if (index.error) throw index.error;
      if (!index.meta) throw new IndexVersionError(undefined);
    }

    async function search(query) {
      await loadMeta();
      const meta = index.meta;
      const SCORE = index.codec.score;
      const parsed = parse(query, meta.stopSet);
      if (!parsed.length) return { count: 0, top: () => [], partial: false, terms: new Set(), words: [], explained: [] };
      const expanded = await Promise.all(parsed.map(expand));
      const units = expanded.map((e) => ({ terms: e.terms }));
      const groups = slots(parsed, expanded, units);
      await loadTerms(units.slice(parsed.length).flatMap((u) => [...u.terms.keys()]).map(termShard));
      const n = meta.pages;
      // Each unit's best score per page (over its terms) and that posting's section.
      // The loops below run over every posting of every word, on cold code for a
      // reader's first query: typed arrays and counters rather than pushes.
      const scored = units.map(({ terms }) => {
        const best = new Float32Array(n);
        const bestSection = new Uint16Array(n);
        const touched = new Int32Array(n);
        let touchedCount = 0;
        for (const [term, factor] of terms) {
          const p = postingsOf(term);
          if (!p) continue;
          const { pages, levels, sections } = p;
          const length = pages.length;
          for (let k = 0; k < length; k++) {
            const page = pages[k];
            const v = SCORE[levels[k]] * factor;
            if (v > best[page]) {
              if (best[page] === 0) touched[touchedCount++] = page;
              best[page] = v;
              bestSection[page] = sections[k];
            }
          }
        }
        return { best, bestSection, touched: touched.subarray(0, touchedCount) };
      });
      // Per page: the sum of its slots' scores, how many slots it matches, and each
      // slot's section, so that a page whose words share their best section can
      // rank above one where they are spread, and open there.
      const total = new Float32Array(n);
      const count = new Uint8Array(n);
      const strongest = new Float32Array(n);
      const section = new Uint16Array(n);
      const slotSections = groups.map(() => new Int32Array(n).fill(-1));
      const hit = new Int32Array(n);
      let hits = 0;
      const explained = [];
      for (let s = 0; s < groups.length; s++) {
        const slot = groups[s];
        const sections = slotSections[s];
        let best, winner = null, touched, touchedCount = 0, unitSection = null;
        if (slot.alternatives.length === 1 && slot.alternatives[0].units.length === 1) {
          // One word and no synonym (most slots): its scores as they are.
          const unit = scored[slot.alternatives[0].units[0]];
          ({ best, touched } = unit);
          touchedCount = touched.length;
          unitSection = unit.bestSection;
        } else {
          best = new Float32Array(n);
          winner = new Uint8Array(n);
          touched = new Int32Array(n);
          for (let a = 0; a < slot.alternatives.length; a++) {
            const alt = slot.alternatives[a];
            const parts = alt.units.map((u) => scored[u]);
            // A phrase of k terms standing for a span of the query's words scores
            // as the span would: its mean, times the span's length.
            const scale = (slot.words.length * alt.factor) / parts.length;
            const first = parts[0].touched;
            for (let k = 0; k < first.length; k++) {
              const page = first[k];
              // The words typed, where a page has them, count over any synonym.
              if (a > 0 && best[page] > 0 && winner[page] === 0) continue;
              let sum = 0, top = 0, at = 0, p = 0;
              for (; p < parts.length; p++) {
                const v = parts[p].best[page];
                if (!v) break;
                sum += v;
                if (v > top) { top = v; at = parts[p].bestSection[page]; }
              }
              if (p < parts.length || sum * scale <= best[page]) continue;
              if (best[page] === 0) touched[touchedCount++] = page;
              best[page] = sum * scale;
              winner[page] = a;
              sections[page] = at;
            }
          }
        }
        const used = new Set();
        for (let k = 0; k < touchedCount; k++) {
          const page = touched[k];
          if (unitSection) sections[page] = unitSection[page];
          if (count[page] === 0) hit[hits++] = page;
          count[page]++;
          total[page] += best[page];
          if (winner && winner[page] > 0) used.add(winner[page]);
          if (best[page] > strongest[page]) {
            strongest[page] = best[page];
            section[page] = sections[page];
          }
        }
        const typed = query.slice(parsed[slot.words[0]].start, parsed[slot.words[slot.words.length - 1]].end);
        for (const a of used) explained.push({ typed, used: slot.alternatives[a].text, kind: "synonym" });
        for (const w of slot.words) {
          const e = expanded[w];
          if (touchedCount) for (const used of e.corrected) explained.push({ typed: parsed[w].text, used, kind: "corrected" });
        }
      }
      // Words that share their best section: the page opens there, and when every
      // slot does, it ranks above every page with the same words spread out (the
      // index keeps no word positions: a shared section stands in for nearness).
      const needed = groups.length;
      const together = new Uint8Array(n);
      if (needed > 1) {
        for (let k = 0; k < hits; k++) {
          const page = hit[k];
          // Only a page with every slot can have them all in one section.
          if (count[page] !== needed) continue;
          let bestCount = 1;
          for (let a = 0; a < needed; a++) {
            const at = slotSections[a][page];
            if (at < 0) continue;
            let c = 0;
            for (let b = 0; b < needed; b++) if (slotSections[b][page] === at) c++;
            if (c > bestCount) { bestCount = c; section[page] = at; }
          }
          if (bestCount === needed) together[page] = 1;
        }
      }
      // AND, falling back to OR. Pages with more of the words first, then by score.
      const pageScore = new Float64Array(n);
      let order = [];
      for (let k = 0; k < hits; k++) if (count[hit[k]] === needed) order.push(hit[k]);
      const partial = !order.length && hits > 0 && needed > 1;
      if (!order.length) order = Array.from(hit.subarray(0, hits));
      for (let k = 0; k < order.length; k++) {
        const page = order[k];
        // Totals stay under 1,000 (a level's score is under 32, per word).
        pageScore[page] = count[page] * 2000 + together[page] * 1000 + total[page];
      }
      const terms = new Set();
      units.forEach((u) => u.terms.forEach((_, t) => terms.add(t)));
      // Results are ranked and made into objects only when asked for: the search
      // box needs the best few (one pass), the results page all (a sort).
      const better = (a, b) => pageScore[a] > pageScore[b] || (pageScore[a] === pageScore[b] && a < b);
      let sorted = false;
      const top = (k) => {
        let best;
        if (sorted || k > 50) {
          if (!sorted) { order.sort((a, b) => pageScore[b] - pageScore[a] || a - b); sorted = true; }
          best = order.slice(0, k);
        } else {
          // One pass, keeping the best k; most pages fall below the k-th score.
          best = [];
          let floor = -1;
          for (let i = 0; i < order.length; i++) {
            const page = order[i];
            if (best.length === k && (pageScore[page] < floor || !better(page, best[k - 1]))) continue;
            if (best.length === k) best.pop();
            let at = best.length;
            while (at > 0 && better(page, best[at - 1])) at--;
            best.splice(at, 0, page);
            if (best.length === k) floor = pageScore[best[k - 1]];
          }
        }
        return best.map((page) => ({ page, section: section[page], score: pageScore[page] }));
      };
      return { count: order.length, top, partial, terms, words: parsed, explained };
    }

    /// Titles, URLs and headings of these results (loads their head shards).
    async function heads(results) {
      const starts = index.meta.heads;
      await Promise.all([...new Set(results.map((r) => shardFor(starts, r.page)))].map((i) => load(`h${i}.js`)));
      return results.map((r) => {
        const shard = index.heads[shardFor(starts, r.page)];
        const h = shard.pages[r.page - shard.first];
        let url = h[1], heading = "";
        if (r.section > 0) {
          heading = h[2 * r.section + 1];
          url += "#" + (h[2 * r.section] || slug(heading));
        }
        return Object.assign({}, r, { title: h[0], url, heading });
      });
    }

    /// The snippet text of each result's section (loads their snippet shards).
    async function snippets(results) {
      const starts = index.meta.snippets;
      await Promise.all([...new Set(results.map((r) => shardFor(starts, r.page)))].map((i) => load(`s${i}.js`)));
      return results.map((r) => {
        const shard = index.snippets[shardFor(starts, r.page)];
        return shard.pages[r.page - shard.first][r.section] || "";
      });
    }

    /// The folded words of the loaded dictionary shards whose term is in `terms`.
    function surfaceWords(terms) {
      const out = new Set();
      for (const shard of index.terms) {
        if (!shard) continue;
        for (const [word, term] of shard.dict) if (terms.has(term)) out.add(word);
      }
      return out;
    }

    /// The facet values of a page: {kind: [i], size: [i…], sector, role, tag}
    /// (once `loadFacets` has resolved).
    function facetsOf(page) {
      // Decoded on first use: facets.js may run before meta.js, which says how.
      if (!index.facets.pageCombo) index.facets.pageCombo = varints(index.facets.pageCombos, index.codec);
      const c = index.facets.combos[index.facets.pageCombo[page]];
      const bits = (b) => { const out = []; for (let i = 0; b >> i; i++) if ((b >> i) & 1) out.push(i); return out; };
      return { kind: [c[0]], size: bits(c[1]), sector: bits(c[2]), role: c[3], tag: c[4] };
    }

    return {
      search, heads, snippets, surfaceWords, facetsOf,
      meta: () => index.meta,
      labels: () => index.labels,
      elisions: () => index.codec.elisions,
      facets: () => index.facets,
      load: () => Promise.all([loadMeta(), load("facets.js")]),
      warm: () => load("meta.js"),
    };
  }

  /// The anchor of a plain heading: src/search/mod.rs `slug`.
  function slug(heading) {
    return fold(heading).split(/[^a-z0-9]+/).filter(Boolean).join("-");
  }

  /// Whether a word of the text matches the query: one of its words' forms, or a
  /// completion of the word being typed.
  function matcher(result, surface) {
    const prefixes = result.words.filter((w) => w.prefix && w.word.length >= 2).map((w) => w.word);
    return (folded) => surface.has(folded) || prefixes.some((p) => folded.startsWith(p));
  }

  /// Fills `into` with a snippet of `text` around its first match, matches in <mark>.
  function snippet(into, text, matches, elisions) {
    const found = words(text, elisions).filter((w) => matches(w.folded));
    let start = 0;
    if (found.length && found[0].start > 60) {
      start = text.lastIndexOf(" ", found[0].start - 40) + 1;
    }
    const end = Math.min(text.length, start + 200);
    into.textContent = "";
    if (start > 0) into.append("…");
    let at = start;
    for (const w of found) {
      if (w.start < start || w.end > end) continue;
      into.append(text.slice(at, w.start));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(w.start, w.end);
      into.append(mark);
      at = w.end;
    }
    into.append(text.slice(at, end) + (end < text.length && !text.endsWith("…") ? "…" : ""));
  }

  globalThis.gouvernailSearchEngine = { createEngine, fold, words, slug, IndexVersionError, INDEX_VERSION };
  if (typeof document === "undefined") return;

  // ---- In the page ----------------------------------------------------------

  const script = document.currentScript;
  const root = script.src.replace(/assets\/search\.js([?#].*)?$/, "");
  const engine = createEngine((name, version) => new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    // meta.js by the URL the page gives it (with its content's hash), when it does.
    const given = name === "meta.js" && document.querySelector('script[src*="search/meta.js"]');
    tag.src = given ? given.src : root + "search/" + name + (version ? "?v=" + version : "");
    tag.onload = resolve;
    tag.onerror = () => reject(new Error("the search index file search/" + name + " did not load"));
    document.head.append(tag);
  }));
  const label = (key, n) => {
    const text = (engine.labels() && engine.labels()[key]) || key;
    return n === undefined ? text : text.replace("{n}", n);
  };
  /// What the results stand on beyond the words typed, in a sentence: the word a
  /// typo was corrected to, the synonyms that matched. Empty when nothing needs
  /// saying.
  function explanation(found) {
    // One sentence per word typed: its correction, or its synonyms together.
    const used = new Map();
    for (const e of found.explained) {
      const key = e.kind + "\u0000" + e.typed;
      if (!used.has(key)) used.set(key, { kind: e.kind, typed: e.typed, used: [] });
      if (!used.get(key).used.includes(e.used)) used.get(key).used.push(e.used);
    }
    const quote = (text) => label("quote_open") + text + label("quote_close");
    return [...used.values()]
      .map((e) => label(e.kind === "corrected" ? "search_corrected" : "search_synonym")
        .replace("{typed}", quote(e.typed)).replace("{used}", e.used.map(quote).join(", ")))
      .join(" ; ");
  }

  /// What to tell the reader when the index cannot be read: the template's label
  /// (from src/i18n/*.yaml), which does not depend on the index.
  const versionMessage = (element) => (element && element.getAttribute("data-search-version-error")) || label("search_index_mismatch");
  const DROPDOWN = 6;

  /// A result as a link: the page title, then the section's heading.
  function resultLink(r) {
    const a = document.createElement("a");
    a.href = root + r.url;
    const title = document.createElement("span");
    title.className = "search-title";
    title.textContent = r.title;
    a.append(title);
    if (r.heading) {
      const heading = document.createElement("span");
      heading.className = "search-heading";
      heading.textContent = r.heading;
      a.append(" › ", heading);
    }
    return a;
  }

  /// Shows snippets under results once their shards have loaded.
  async function fillSnippets(found, shown, paragraphs) {
    const texts = await engine.snippets(shown);
    const matches = matcher(found, engine.surfaceWords(found.terms));
    texts.forEach((text, i) => snippet(paragraphs[i], text, matches, engine.elisions()));
  }

  /// The search box: `input` in its form controls `listbox`.
  function combobox(input, listbox) {
    const form = input.form;
    const status = form.querySelector("[data-search-status]");
    const say = (text) => { if (status) status.textContent = text; };
    let active = -1;
    let sequence = 0;
    const options = () => [...listbox.querySelectorAll("[role=option]")];
    const open = (yes) => {
      listbox.hidden = !yes;
      input.setAttribute("aria-expanded", String(yes));
      if (!yes) setActive(-1);
    };
    function setActive(i) {
      const all = options();
      active = all.length ? Math.max(-1, Math.min(i, all.length - 1)) : -1;
      all.forEach((o, k) => o.setAttribute("aria-selected", String(k === active)));
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    async function run() {
      const query = input.value;
      const mine = ++sequence;
      if (!query.trim()) { listbox.textContent = ""; open(false); return; }
      const found = await engine.search(query);
      if (mine !== sequence) return;
      const shown = await engine.heads(found.top(DROPDOWN));
      if (mine !== sequence) return;
      listbox.textContent = "";
      const paragraphs = [];
      shown.forEach((r, i) => {
        const li = document.createElement("li");
        li.id = "gv_search-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const a = resultLink(r);
        a.tabIndex = -1;
        const p = document.createElement("span");
        p.className = "search-snippet";
        a.append(p);
        paragraphs.push(p);
        li.append(a);
        listbox.append(li);
      });
      const all = document.createElement("li");
      all.id = "gv_search-option-all";
      all.setAttribute("role", "option");
      all.setAttribute("aria-selected", "false");
      all.className = "search-all";
      const link = document.createElement("a");
      link.tabIndex = -1;
      link.href = form.action + "?q=" + encodeURIComponent(query);
      const why = explanation(found);
      link.textContent = (why ? why + " — " : "") + (found.count
        ? label(found.count === 1 ? "search_result_count" : "search_results_count", found.count)
        : label("search_no_results"));
      all.append(link);
      listbox.append(all);
      say(link.textContent);
      active = -1;
      open(true);
      input.dispatchEvent(new CustomEvent("gouvernail-search", { detail: { query, count: found.count, snippets: false } }));
      await fillSnippets(found, shown, paragraphs);
      if (mine === sequence) input.dispatchEvent(new CustomEvent("gouvernail-search", { detail: { query, count: found.count, snippets: true } }));
    }
    /// An index this script cannot read: the reader is told, in the list.
    function fail(error) {
      if (!(error instanceof IndexVersionError)) { report(error); return; }
      console.warn(error.message);
      listbox.textContent = "";
      const li = document.createElement("li");
      li.id = "gv_search-option-error";
      li.className = "search-error";
      li.setAttribute("role", "option");
      li.setAttribute("aria-disabled", "true");
      li.setAttribute("aria-selected", "false");
      li.textContent = versionMessage(form);
      listbox.append(li);
      say(li.textContent);
      active = -1;
      open(true);
      input.dispatchEvent(new CustomEvent("gouvernail-search", { detail: { query: input.value, count: 0, snippets: true, error: "version" } }));
    }
    input.addEventListener("input", () => { run().catch(fail); });
    input.addEventListener("focus", () => {
      // What every query needs loads while the reader starts typing.
      engine.warm().catch(report);
      if (listbox.children.length && input.value.trim()) open(true);
    });
    input.addEventListener("keydown", (e) => {
      const count = options().length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        // Closed: open on the first option (down) or the last (up).
        if (listbox.hidden) { if (count) { open(true); setActive(step > 0 ? 0 : count - 1); } return; }
        setActive(active + step < -1 ? count - 1 : active + step >= count ? -1 : active + step);
      } else if (e.key === "Enter" && active >= 0 && !listbox.hidden) {
        e.preventDefault();
        const link = options()[active].querySelector("a");
        if (link) link.click();
      } else if (e.key === "Escape") {
        if (!listbox.hidden) { e.preventDefault(); open(false); } else if (input.value) { e.preventDefault(); input.value = ""; }
      }
    });
    document.addEventListener("click", (e) => { if (!form.contains(e.target)) open(false); });
    document.addEventListener("keydown", (e) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  const FACETS = ["kind", "size", "sector", "role", "tag"];
  const PAGE_SIZE = 20;

  /// The results page: `input` is its query box, `list` the results' list; the
  /// filters, the summary and the "more" button are optional.
  function resultsPage(section, input, list) {
    const filters = section.querySelector("[data-search-filters]");
    const summary = section.querySelector("[data-search-summary]");
    const more = section.querySelector("[data-search-more]");
    const say = (text) => { if (summary) summary.textContent = text; };
    let found = null;
    let shownCount = PAGE_SIZE;
    let sequence = 0;
    const chosen = () => {
      const out = {};
      for (const f of FACETS) out[f] = new Set(filters ? [...filters.querySelectorAll(`input[name=${f}]:checked`)].map((b) => Number(b.value)) : []);
      return out;
    };
    const passes = (facets, selection, except) => FACETS.every((f) => f === except || !selection[f].size || facets[f].some((v) => selection[f].has(v)));

    function drawFilters(selection, all) {
      if (!filters) return;
      filters.textContent = "";
      for (const f of FACETS) {
        const counts = new Map();
        for (const r of all) {
          if (!passes(r.facets, selection, f)) continue;
          for (const v of r.facets[f]) counts.set(v, (counts.get(v) || 0) + 1);
        }
        const values = engine.facets().facets[f].ids.map((_, i) => i).filter((i) => counts.get(i) || selection[f].has(i));
        if (!values.length) continue;
        const set = document.createElement("fieldset");
        const legend = document.createElement("legend");
        legend.textContent = label("search_" + f);
        set.append(legend);
        for (const i of values) {
          const lab = document.createElement("label");
          const box = document.createElement("input");
          box.type = "checkbox";
          box.name = f;
          box.value = String(i);
          box.checked = selection[f].has(i);
          box.dataset.facetId = engine.facets().facets[f].ids[i];
          const count = document.createElement("span");
          count.className = "search-count";
          count.textContent = String(counts.get(i) || 0);
          lab.append(box, " " + engine.facets().facets[f].labels[i] + " ", count);
          set.append(lab);
        }
        filters.append(set);
      }
      filters.hidden = !filters.children.length;
    }

    async function draw() {
      const mine = ++sequence;
      const selection = chosen();
      const all = found.top(found.count).map((r) => Object.assign({ facets: engine.facetsOf(r.page) }, r));
      drawFilters(selection, all);
      const kept = all.filter((r) => passes(r.facets, selection));
      const shown = await engine.heads(kept.slice(0, shownCount));
      if (mine !== sequence) return;
      const why = explanation(found);
      say((why ? why + ". " : "") + (found.partial ? label("search_partial") + " " : "") + (kept.length
        ? label(kept.length === 1 ? "search_result_count" : "search_results_count", kept.length)
        : label("search_no_results")));
      list.textContent = "";
      const paragraphs = shown.map((r) => {
        const li = document.createElement("li");
        const h = document.createElement("h2");
        h.append(resultLink(r));
        const p = document.createElement("p");
        p.className = "search-snippet";
        li.append(h, p);
        list.append(li);
        return p;
      });
      if (more) more.hidden = kept.length <= shownCount;
      input.dispatchEvent(new CustomEvent("gouvernail-search", { detail: { query: input.value, count: kept.length, snippets: false } }));
      await fillSnippets(found, shown, paragraphs);
    }

    async function run() {
      const query = input.value;
      if (!query.trim()) { found = null; list.textContent = ""; say(""); if (filters) filters.hidden = true; return; }
      say(label("search_loading"));
      const result = await engine.search(query);
      if (query !== input.value) return;
      found = result;
      shownCount = PAGE_SIZE;
      await draw();
    }
    /// An index this script cannot read: the reader is told, instead of results.
    function fail(error) {
      if (!(error instanceof IndexVersionError)) { report(error); return; }
      console.warn(error.message);
      found = null;
      list.textContent = "";
      if (filters) filters.hidden = true;
      if (more) more.hidden = true;
      const message = versionMessage(section);
      if (summary) {
        summary.textContent = message;
      } else {
        const li = document.createElement("li");
        li.className = "search-error";
        li.textContent = message;
        list.append(li);
      }
      input.dispatchEvent(new CustomEvent("gouvernail-search", { detail: { query: input.value, count: 0, snippets: true, error: "version" } }));
    }
    if (filters) filters.addEventListener("change", () => { shownCount = PAGE_SIZE; draw().catch(report); });
    if (more) more.addEventListener("click", () => { shownCount += PAGE_SIZE; draw().catch(report); });
    input.addEventListener("input", () => {
      const url = new URL(location.href);
      url.searchParams.set("q", input.value);
      try { history.replaceState(null, "", url); } catch (_) { /* some browsers refuse it from file:// */ }
      run().catch(fail);
    });
    input.form.addEventListener("submit", (e) => { e.preventDefault(); run().catch(fail); });
    input.value = new URLSearchParams(location.search).get("q") || "";
    const box = document.getElementById("gv_search-input");
    if (box) box.value = input.value;
    engine.load().then(run).catch(fail);
  }

  function report(error) {
    console.error(error);
  }

  /// Each part runs only with the elements it needs (see the top of this file).
  function start() {
    const input = document.getElementById("gv_search-input");
    const listbox = document.getElementById("gv_search-listbox");
    if (input && input.form && listbox) combobox(input, listbox);
    const page = document.querySelector("[data-search-page]");
    const pageInput = document.getElementById("gv_search-page-input");
    const list = page && page.querySelector("[data-search-results]");
    if (page && pageInput && pageInput.form && list) resultsPage(page, pageInput, list);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
