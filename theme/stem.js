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

  // Snowball French stemmer, matching rust-stemmers 1.2.0 (an older Snowball
  // version: no 'ë'/'ï' marks in the prelude; ü, ÿ and œ are not vowels).
  // I, U and Y are vowels marked as consonants by the prelude.

  const frVowels = new Set('aeiouyâàëéêèïîôûù');
  const frKeepS = new Set('aiouès'); // a final 's' after these is kept (step 4)

  // Step 1: standard suffixes, grouped by how they are treated.
  const frStep1 = {
    plain: ['ance', 'ances', 'iqUe', 'iqUes', 'isme', 'ismes', 'able', 'ables', 'iste', 'istes', 'eux'],
    ateur: ['atrice', 'atrices', 'ateur', 'ateurs', 'ation', 'ations'],
    logie: ['logie', 'logies'],
    ution: ['usion', 'usions', 'ution', 'utions'],
    ence: ['ence', 'ences'],
    ement: ['ement', 'ements'],
    ite: ['ité', 'ités'],
    ive: ['if', 'ifs', 'ive', 'ives'],
    eaux: ['eaux'],
    aux: ['aux'],
    euse: ['euse', 'euses'],
    issement: ['issement', 'issements'],
    amment: ['amment'],
    emment: ['emment'],
    ment: ['ment', 'ments'],
  };

  // Step 2a: verb suffixes beginning with i.
  const frStep2a = {
    i: ['i', 'ie', 'ies', 'ir', 'ira', 'irai', 'iraIent', 'irais', 'irait', 'iras', 'irent', 'irez',
      'iriez', 'irions', 'irons', 'iront', 'is', 'issaIent', 'issais', 'issait', 'issant', 'issante',
      'issantes', 'issants', 'isse', 'issent', 'isses', 'issez', 'issiez', 'issions', 'issons', 'it',
      'îmes', 'ît', 'îtes'],
  };

  // Step 2b: other verb suffixes.
  const frStep2b = {
    ions: ['ions'],
    e: ['é', 'ée', 'ées', 'és', 'èrent', 'er', 'era', 'erai', 'eraIent', 'erais', 'erait', 'eras',
      'erez', 'eriez', 'erions', 'erons', 'eront', 'ez', 'iez'],
    a: ['a', 'ai', 'aIent', 'ais', 'ait', 'ant', 'ante', 'antes', 'ants', 'as', 'asse', 'assent',
      'asses', 'assiez', 'assions', 'âmes', 'ât', 'âtes'],
  };

  // Step 4: residual suffixes.
  const frStep4 = {
    ion: ['ion'],
    ier: ['ier', 'ière', 'Ier', 'Ière'],
    e: ['e'],
    'ë': ['ë'],
  };

  const frUnaccent = /[éè](?=[^aeiouyâàëéêèïîôûù]+$)/;

  function stemFrench(word) {
    const isVowel = (c) => frVowels.has(c);

    // Prelude: mark u, i between vowels, y next to a vowel and u after q as
    // consonants (upper case), scanning left to right.
    const c = word.split('');
    for (let i = 0; i < c.length; i++) {
      const next = c[i + 1];
      if (isVowel(c[i]) && (next === 'u' || next === 'i') && isVowel(c[i + 2])) c[i + 1] = next.toUpperCase();
      else if (isVowel(c[i]) && next === 'y') c[i + 1] = 'Y';
      else if (c[i] === 'y' && isVowel(next)) c[i] = 'Y';
      else if (c[i] === 'q' && next === 'u') c[i + 1] = 'U';
    }
    let w = c.join('');

    // Regions, as start indices. RV: after the third letter if the word starts
    // with two vowels (a whole character, as in Rust), after a 'col', 'par' or
    // 'tap' prefix, otherwise after the first vowel not at the start.
    const end = w.length;
    let rv = end;
    if (isVowel(w[0]) && isVowel(w[1])) rv = Math.min(end, w.codePointAt(2) > 0xffff ? 4 : 3);
    else if (/^(?:col|par|tap)/.test(w)) rv = 3;
    else for (let i = 1; i < end; i++) if (isVowel(w[i])) { rv = i + 1; break; }
    // R1: after the first non-vowel following a vowel; R2: the same within R1.
    const regionAfter = (from) => {
      for (let i = from + 1; i < end; i++) if (isVowel(w[i - 1]) && !isVowel(w[i])) return i + 1;
      return end;
    };
    const r1 = regionAfter(0);
    const r2 = regionAfter(r1);

    // Is the suffix made of the last len characters inside the region?
    const inRV = (len) => w.length - len >= rv;
    const inR1 = (len) => w.length - len >= r1;
    const inR2 = (len) => w.length - len >= r2;
    const replaceEnd = (len, s = '') => { w = w.slice(0, w.length - len) + s; };
    // The longest suffix of any group that starts at or after `from`: [group, length].
    const longest = (groups, from) => {
      let group = '', len = 0;
      for (const g in groups) {
        for (const s of groups[g]) {
          if (s.length > len && w.length - s.length >= from && w.endsWith(s)) { group = g; len = s.length; }
        }
      }
      return [group, len];
    };
    const icToIqU = () => { if (w.endsWith('ic')) replaceEnd(2, inR2(2) ? '' : 'iqU'); };

    // Step 1: standard suffixes. True when the word is done with steps 1-2;
    // 'amment', 'emment' and 'ment' are rewritten but go on to step 2a.
    const step1 = () => {
      const [group, n] = longest(frStep1, 0);
      const start = w.length - n;
      switch (group) {
        case 'plain':
          if (!inR2(n)) return false;
          replaceEnd(n);
          return true;
        case 'ateur':
          if (!inR2(n)) return false;
          replaceEnd(n);
          icToIqU();
          return true;
        case 'logie':
          if (!inR2(n)) return false;
          replaceEnd(n, 'log');
          return true;
        case 'ution':
          if (!inR2(n)) return false;
          replaceEnd(n, 'u');
          return true;
        case 'ence':
          if (!inR2(n)) return false;
          replaceEnd(n, 'ent');
          return true;
        case 'ement':
          if (!inRV(n)) return false;
          replaceEnd(n);
          if (w.endsWith('iv')) {
            if (inR2(2)) {
              replaceEnd(2);
              if (w.endsWith('at') && inR2(2)) replaceEnd(2);
            }
          } else if (w.endsWith('eus')) {
            if (inR2(3)) replaceEnd(3);
            else if (inR1(3)) replaceEnd(3, 'eux');
          } else if (w.endsWith('abl') || w.endsWith('iqU')) {
            if (inR2(3)) replaceEnd(3);
          } else if (w.endsWith('ièr') || w.endsWith('Ièr')) {
            if (inRV(3)) replaceEnd(3, 'i');
          }
          return true;
        case 'ite':
          if (!inR2(n)) return false;
          replaceEnd(n);
          if (w.endsWith('abil')) replaceEnd(4, inR2(4) ? '' : 'abl');
          else if (w.endsWith('iv')) { if (inR2(2)) replaceEnd(2); }
          else icToIqU();
          return true;
        case 'ive':
          if (!inR2(n)) return false;
          replaceEnd(n);
          if (w.endsWith('at') && inR2(2)) {
            replaceEnd(2);
            icToIqU();
          }
          return true;
        case 'eaux':
          replaceEnd(n, 'eau');
          return true;
        case 'aux':
          if (!inR1(n)) return false;
          replaceEnd(n, 'al');
          return true;
        case 'euse':
          if (inR2(n)) replaceEnd(n);
          else if (inR1(n)) replaceEnd(n, 'eux');
          else return false;
          return true;
        case 'issement':
          if (!inR1(n) || isVowel(w[start - 1])) return false;
          replaceEnd(n);
          return true;
        case 'amment':
          if (inRV(n)) replaceEnd(n, 'ant');
          return false;
        case 'emment':
          if (inRV(n)) replaceEnd(n, 'ent');
          return false;
        case 'ment':
          if (start - 1 >= rv && isVowel(w[start - 1])) replaceEnd(n);
          return false;
      }
      return false;
    };

    // Step 2a: i-verb suffixes in RV, after a non-vowel also in RV.
    const step2a = () => {
      const [group, n] = longest(frStep2a, rv);
      const start = w.length - n;
      if (!group || start - 1 < rv || isVowel(w[start - 1])) return false;
      replaceEnd(n);
      return true;
    };

    // Step 2b: other verb suffixes in RV ('ions' only in R2).
    const step2b = () => {
      const [group, n] = longest(frStep2b, rv);
      if (!group || (group === 'ions' && !inR2(n))) return false;
      replaceEnd(n);
      if (group === 'a' && w.endsWith('e') && inRV(1)) replaceEnd(1);
      return true;
    };

    // Step 4: residual suffixes.
    const step4 = () => {
      if (w.length > 1 && w.endsWith('s') && !frKeepS.has(w[w.length - 2])) replaceEnd(1);
      const [group, n] = longest(frStep4, rv);
      const before = w[w.length - n - 1];
      if (group === 'ion') {
        if (inR2(n) && inRV(n + 1) && (before === 's' || before === 't')) replaceEnd(n);
      } else if (group === 'ier') replaceEnd(n, 'i');
      else if (group === 'e') replaceEnd(n);
      else if (group === 'ë') {
        if (inRV(n + 2) && w.endsWith('guë')) replaceEnd(n);
      }
    };

    if (step1() || step2a() || step2b()) {
      // Step 3: final Y becomes i, final ç becomes c.
      if (w.endsWith('Y')) replaceEnd(1, 'i');
      else if (w.endsWith('ç')) replaceEnd(1, 'c');
    } else {
      step4();
    }

    // Step 5: undouble enn, onn, ett, ell, eill.
    if (/(?:enn|onn|ett|ell|eill)$/.test(w)) replaceEnd(1);

    // Step 6: é or è before the final non-vowels becomes e.
    w = w.replace(frUnaccent, 'e');

    // Postlude: back to lower case.
    return w.replace(/[IUY]/g, (m) => m.toLowerCase());
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
