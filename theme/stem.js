// gouvernail's Snowball stemmers, in the browser: French and English, ports of the
// algorithms that the build's index uses (rust-stemmers 1.2.0). The search engine
// (assets/search.js) stems a query's word that the index's dictionary lacks, so a
// form no page uses still finds the pages that use another form of the word.
// tests/stemmer.rs checks both against rust-stemmers on every word of two word
// lists (hundreds of thousands of forms): the two sides cannot disagree.
//
// Each takes a lowercased word, accents kept, and returns its stem.
(function () {
  "use strict";

  // Snowball French stemmer, as in rust-stemmers 1.2.0 (an older Snowball:
  // no 'ë'/'ï' marks in the prelude; ü, ÿ and œ are not vowels).

  const frV = 'aeiouyâàëéêèïîôûù';
  const frPrelude = new RegExp(`[${frV}][ui](?=[${frV}])|[${frV}]y|y(?=[${frV}])|qu`, 'g');
  // RV starts after two leading vowels and a letter, after col/par/tap, else
  // after the first vowel not at the start; R1 after the first non-vowel
  // following a vowel; R2 the same within R1. Any of them may be at the end.
  const frRV = new RegExp(`^(?:[${frV}]{2}[^]|col|par|tap|[^][^${frV}]*[${frV}]|[^]*)`, 'u');
  const frR1 = new RegExp(`^(?:[^${frV}]*[${frV}]+[^${frV}]|[^]*)`);
  const frUnaccent = new RegExp(`[éè](?=[^${frV}]+$)`);

  // Suffixes grouped by treatment, as a map from last letter to
  // [suffix, group] pairs, longest first.
  const frTable = (groups) => {
    const table = new Map();
    for (const group in groups) {
      for (const s of groups[group]) {
        const last = s.slice(-1);
        if (!table.has(last)) table.set(last, []);
        table.get(last).push([s, group]);
      }
    }
    for (const pairs of table.values()) pairs.sort((a, b) => b[0].length - a[0].length);
    return table;
  };

  const frStep1 = frTable({
    plain: ['ance', 'ances', 'iqUe', 'iqUes', 'isme', 'ismes', 'able', 'ables', 'iste', 'istes', 'eux'],
    logie: ['logie', 'logies'],
    ution: ['usion', 'usions', 'ution', 'utions'],
    ence: ['ence', 'ences'],
    ateur: ['atrice', 'atrices', 'ateur', 'ateurs', 'ation', 'ations'],
    ement: ['ement', 'ements'],
    ite: ['ité', 'ités'],
    ive: ['if', 'ifs', 'ive', 'ives'],
    eaux: ['eaux'],
    aux: ['aux'],
    euse: ['euse', 'euses'],
    issement: ['issement', 'issements'],
    mment: ['amment', 'emment'],
    ment: ['ment', 'ments'],
  });

  const frStep2a = frTable({
    i: ['i', 'ie', 'ies', 'ir', 'ira', 'irai', 'iraIent', 'irais', 'irait', 'iras', 'irent', 'irez',
      'iriez', 'irions', 'irons', 'iront', 'is', 'issaIent', 'issais', 'issait', 'issant', 'issante',
      'issantes', 'issants', 'isse', 'issent', 'isses', 'issez', 'issiez', 'issions', 'issons', 'it',
      'îmes', 'ît', 'îtes'],
  });

  const frStep2b = frTable({
    ions: ['ions'],
    e: ['é', 'ée', 'ées', 'és', 'èrent', 'er', 'era', 'erai', 'eraIent', 'erais', 'erait', 'eras',
      'erez', 'eriez', 'erions', 'erons', 'eront', 'ez', 'iez'],
    a: ['a', 'ai', 'aIent', 'ais', 'ait', 'ant', 'ante', 'antes', 'ants', 'as', 'asse', 'assent',
      'asses', 'assiez', 'assions', 'âmes', 'ât', 'âtes'],
  });

  const frStep4 = frTable({ ion: ['ion'], ier: ['ier', 'ière', 'Ier', 'Ière'], e: ['e'], ë: ['ë'] });

  function stemFrench(word) {
    // Prelude: u or i between vowels, y after or before a vowel and u after q
    // (the last letter of each match) are marked as consonants U, I, Y.
    let w = word.replace(frPrelude, (m) => m.slice(0, -1) + m.slice(-1).toUpperCase());

    // Regions, as start indices.
    const rv = frRV.exec(w)[0].length;
    const r1 = frR1.exec(w)[0].length;
    const r2 = r1 + frR1.exec(w.slice(r1))[0].length;

    // Are the last n letters in the region?
    const inRV = (n) => w.length - n >= rv;
    const inR1 = (n) => w.length - n >= r1;
    const inR2 = (n) => w.length - n >= r2;
    const vowelBefore = (n) => frV.includes(w[w.length - n - 1]);
    // Cut the last n letters, put s instead; true, to chain after conditions.
    const cut = (n, s = '') => {
      w = w.slice(0, w.length - n) + s;
      return true;
    };
    // The longest [suffix, group] of the table starting at or after `from`.
    const longest = (table, from) => {
      for (const pair of table.get(w[w.length - 1]) || []) {
        if (w.length - pair[0].length >= from && w.endsWith(pair[0])) return pair;
      }
      return ['', ''];
    };
    // A final 'ic' is deleted in R2, else becomes 'iqU' (true either way).
    const ic = () => !w.endsWith('ic') || cut(2, inR2(2) ? '' : 'iqU');

    // Step 1: standard suffixes. False (go on to step 2a) if nothing was
    // removed; 'amment', 'emment' and 'ment' are changed but still go on.
    const step1 = () => {
      const [suffix, group] = longest(frStep1, 0);
      const n = suffix.length;
      switch (group) {
        case 'plain': return inR2(n) && cut(n);
        case 'logie': return inR2(n) && cut(n, 'log');
        case 'ution': return inR2(n) && cut(n, 'u');
        case 'ence': return inR2(n) && cut(n, 'ent');
        case 'eaux': return cut(n, 'eau');
        case 'aux': return inR1(n) && cut(n, 'al');
        case 'euse': return inR2(n) ? cut(n) : inR1(n) && cut(n, 'eux');
        case 'issement': return inR1(n) && !vowelBefore(n) && cut(n);
        case 'ateur': return inR2(n) && cut(n) && ic();
        case 'ement':
          if (!inRV(n)) return false;
          cut(n);
          if (w.endsWith('iv') && inR2(2)) {
            cut(2);
            if (w.endsWith('at') && inR2(2)) cut(2);
          } else if (w.endsWith('eus') && inR2(3)) cut(3);
          else if (w.endsWith('eus') && inR1(3)) cut(3, 'eux');
          else if (/(?:abl|iqU)$/.test(w) && inR2(3)) cut(3);
          else if (/[iI]èr$/.test(w) && inRV(3)) cut(3, 'i');
          return true;
        case 'ite':
          if (!inR2(n)) return false;
          cut(n);
          if (w.endsWith('abil')) cut(4, inR2(4) ? '' : 'abl');
          else if (w.endsWith('iv') && inR2(2)) cut(2);
          else ic();
          return true;
        case 'ive':
          if (!inR2(n)) return false;
          cut(n);
          if (w.endsWith('at') && inR2(2)) {
            cut(2);
            ic();
          }
          return true;
        case 'mment': // amment -> ant, emment -> ent
          if (inRV(n)) cut(n, suffix[0] + 'nt');
          return false;
        case 'ment': // after a vowel in RV
          if (inRV(n + 1) && vowelBefore(n)) cut(n);
          return false;
      }
      return false;
    };

    // Step 2a: verb suffixes beginning with i, in RV after a non-vowel in RV.
    const step2a = () => {
      const n = longest(frStep2a, rv)[0].length;
      return n > 0 && inRV(n + 1) && !vowelBefore(n) && cut(n);
    };

    // Step 2b: other verb suffixes in RV ('ions' only in R2).
    const step2b = () => {
      const [suffix, group] = longest(frStep2b, rv);
      const n = suffix.length;
      if (!n || (group === 'ions' && !inR2(n))) return false;
      cut(n);
      if (group === 'a' && w.endsWith('e') && inRV(1)) cut(1);
      return true;
    };

    // Step 4: residual suffixes.
    const step4 = () => {
      if (/[^aiouès]s$/.test(w)) cut(1);
      const [suffix, group] = longest(frStep4, rv);
      const n = suffix.length;
      if (group === 'ion' && inR2(n) && inRV(n + 1) && /[st]ion$/.test(w)) cut(n);
      else if (group === 'ier') cut(n, 'i');
      else if (group === 'e' || (group === 'ë' && inRV(n + 2) && w.endsWith('guë'))) cut(n);
    };

    if (step1() || step2a() || step2b()) {
      // Step 3: final Y becomes i, final ç becomes c.
      w = w.replace(/Y$/, 'i').replace(/ç$/, 'c');
    } else {
      step4();
    }

    // Step 5: undouble enn, onn, ett, ell, eill.
    if (/(?:enn|onn|ett|ell|eill)$/.test(w)) cut(1);

    // Step 6: é or è before the final non-vowels becomes e.
    w = w.replace(frUnaccent, 'e');

    // Postlude: marked letters back to lower case.
    return /[IUY]/.test(w) ? w.replace(/[IUY]/g, (m) => m.toLowerCase()) : w;
  }

  // Snowball English (Porter2) stemmer, giving the same stems as rust-stemmers 1.2.0
  // on a lowercased word. Vowels are a e i o u y; 'Y' marks a y that is a consonant.

  // Exceptional forms: whole words with a fixed stem.
  const enExceptions = new Map(Object.entries({
    skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie',
    idly: 'idl', gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl',
    sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes',
  }));

  // Exceptional forms after step 1a: left as they are.
  const enInvariants = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);

  const enStep1bSuffixes = ['eed', 'eedly', 'ed', 'edly', 'ing', 'ingly'];

  // Step 2 (in R1): 'ogi' only after l, 'li' only after c d e g h k m n r t.
  const enStep2Suffixes = {
    tional: 'tion', enci: 'ence', anci: 'ance', abli: 'able', entli: 'ent',
    izer: 'ize', ization: 'ize', ational: 'ate', ation: 'ate', ator: 'ate',
    alism: 'al', aliti: 'al', alli: 'al', fulness: 'ful', ousli: 'ous', ousness: 'ous',
    iveness: 'ive', iviti: 'ive', biliti: 'ble', bli: 'ble', ogi: 'og',
    fulli: 'ful', lessli: 'less', li: '',
  };

  // Step 3 (in R1): 'ative' only in R2.
  const enStep3Suffixes = {
    tional: 'tion', ational: 'ate', alize: 'al', icate: 'ic', iciti: 'ic', ical: 'ic',
    ful: '', ness: '', ative: '',
  };

  // Step 4 (in R2): deleted; 'ion' only after s or t.
  const enStep4Suffixes = [
    'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent',
    'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion',
  ];

  // Only a list's longest suffix counts: the leftmost match of `(?:a|b|…)$`.
  function enEnding(suffixes) {
    return new RegExp(`(?:${suffixes.join('|')})$`);
  }
  const enStep1bEnding = enEnding(enStep1bSuffixes);
  const enStep2Ending = enEnding(Object.keys(enStep2Suffixes));
  const enStep3Ending = enEnding(Object.keys(enStep3Suffixes));
  const enStep4Ending = enEnding(enStep4Suffixes);

  function enIsVowel(ch) {
    return 'aeiouy'.includes(ch);
  }

  // The position after the first non-vowel that follows a vowel, from `from` on.
  function enRegionStart(w, from) {
    for (let i = from + 1; i < w.length; i++) {
      if (enIsVowel(w[i - 1]) && !enIsVowel(w[i])) return i + 1;
    }
    return w.length;
  }

  // Short syllable ending w[0, end): non-vowel, vowel, non-vowel other than w x Y;
  // or, when it is the whole of w[0, end), vowel then non-vowel.
  function enEndsInShortSyllable(w, end) {
    if (end === 2) return enIsVowel(w[0]) && !enIsVowel(w[1]);
    return end > 2 && !enIsVowel(w[end - 3]) && enIsVowel(w[end - 2]) && !'aeiouywxY'.includes(w[end - 1]);
  }

  // Step 1a: sses → ss; ied, ies → i, or ie after a single letter; s deleted
  // if a vowel comes before the letter preceding it; us, ss kept.
  function enStep1a(w) {
    if (w.endsWith('sses')) return w.slice(0, -2);
    if (w.endsWith('ied') || w.endsWith('ies')) return w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
    if (w.endsWith('s') && !w.endsWith('us') && !w.endsWith('ss') && /[aeiouy]/.test(w.slice(0, -2))) {
      return w.slice(0, -1);
    }
    return w;
  }

  // Step 1b: eed, eedly → ee in R1; ed, edly, ing, ingly deleted if a vowel precedes,
  // then at, bl, iz → +e, a double bb dd ff gg mm nn pp rr tt undoubled, a short word → +e.
  function enStep1b(w, p1) {
    const match = enStep1bEnding.exec(w);
    if (!match) return w;
    const stem = w.slice(0, match.index);
    if (match[0] === 'eed' || match[0] === 'eedly') return stem.length >= p1 ? stem + 'ee' : w;
    if (!/[aeiouy]/.test(stem)) return w;
    if (/(?:at|bl|iz)$/.test(stem)) return stem + 'e';
    if (/(?:bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(stem)) return stem.slice(0, -1);
    // Short word: R1 starts right at its end, and it ends in a short syllable.
    if (stem.length === p1 && enEndsInShortSyllable(stem, p1)) return stem + 'e';
    return stem;
  }

  // Step 1c: final y or Y → i after a non-vowel that is not the first letter.
  function enStep1c(w) {
    const n = w.length;
    return n > 2 && (w[n - 1] === 'y' || w[n - 1] === 'Y') && !enIsVowel(w[n - 2]) ? w.slice(0, -1) + 'i' : w;
  }

  // Step 2: the longest suffix of enStep2Suffixes replaced, if in R1.
  function enStep2(w, p1) {
    const match = enStep2Ending.exec(w);
    if (!match || match.index < p1) return w;
    const [suffix] = match;
    const before = w[match.index - 1];
    if ((suffix === 'ogi' && before !== 'l') || (suffix === 'li' && !'cdeghkmnrt'.includes(before))) return w;
    return w.slice(0, match.index) + enStep2Suffixes[suffix];
  }

  // Step 3: the longest suffix of enStep3Suffixes replaced, if in R1.
  function enStep3(w, p1, p2) {
    const match = enStep3Ending.exec(w);
    if (!match || match.index < (match[0] === 'ative' ? p2 : p1)) return w;
    return w.slice(0, match.index) + enStep3Suffixes[match[0]];
  }

  // Step 4: the longest suffix of enStep4Suffixes deleted, if in R2.
  function enStep4(w, p2) {
    const match = enStep4Ending.exec(w);
    if (!match || match.index < p2) return w;
    const before = w[match.index - 1];
    if (match[0] === 'ion' && before !== 's' && before !== 't') return w;
    return w.slice(0, match.index);
  }

  // Step 5: final e deleted in R2, or in R1 if not after a short syllable;
  // final l deleted in R2 after l.
  function enStep5(w, p1, p2) {
    const last = w.length - 1;
    if (w[last] === 'e' && (last >= p2 || (last >= p1 && !enEndsInShortSyllable(w, last)))) return w.slice(0, last);
    if (w[last] === 'l' && last >= p2 && w[last - 1] === 'l') return w.slice(0, last);
    return w;
  }

  function stemEnglish(word) {
    const exception = enExceptions.get(word);
    if (exception !== undefined) return exception;

    // A letter beyond U+FFFF, two UTF-16 units, is one non-vowel to the stemmer:
    // a lone surrogate stands in for it while stemming.
    const astral = word.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    const single = astral ? word.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '\uD800') : word;
    if (single.length < 3) return word;

    // Initial apostrophe removed; y marked as a consonant (Y) at the start and after a vowel.
    const unmarked = single[0] === "'" ? single.slice(1) : single;
    let w = unmarked.replace(/^y/, 'Y').replace(/([aeiouy])y/g, '$1Y');
    const yMarked = w !== unmarked;

    // R1 and R2 start after the first non-vowel following a vowel (R1 after gener, commun, arsen).
    const prefix = /^(?:gener|commun|arsen)/.exec(w);
    const p1 = prefix ? prefix[0].length : enRegionStart(w, 0);
    const p2 = enRegionStart(w, p1);

    // Step 0: the longest of ' 's 's' removed.
    w = enStep1a(w.replace(/'(?:s'?)?$/, ''));
    if (!enInvariants.has(w)) {
      w = enStep1b(w, p1);
      w = enStep1c(w);
      w = enStep2(w, p1);
      w = enStep3(w, p1, p2);
      w = enStep4(w, p2);
      w = enStep5(w, p1, p2);
    }
    // Marked Y back to y; astral letters back in place.
    if (yMarked) w = w.replace(/Y/g, 'y');
    if (astral) {
      let i = 0;
      w = w.replace(/\uD800/g, (ch) => astral[i++] || ch);
    }
    return w;
  }

  globalThis.gouvernailStem = { fr: stemFrench, en: stemEnglish };
})();
