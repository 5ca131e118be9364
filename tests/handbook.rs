//! The default handbook (`content/`, `data/`) held to the standard of its issue: enough
//! pages of each kind, a summary and sources on every page, one accountable per step,
//! no placeholder or empty section, the coverage table of `docs/coverage.md`, a `check`
//! with nothing to report, and tailoring that really changes the site between a
//! 5-person company and a 5,000-person group, and between a company and a public body.
//!
//! The corpus is read through the library's own parser, so these tests see the pages
//! exactly as the generator does; the sites are built into memory, once per edition.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::sync::OnceLock;

use common::{build_in_memory, options, repo_root};
use gouvernail::model::{Document, Kind, KindData, Member, Sector, Size};
use gouvernail::parse::{decode, parse_document};
use regex::Regex;

/// Every page of `content/`, parsed as the generator parses it.
fn corpus() -> &'static [Document] {
    static CORPUS: OnceLock<Vec<Document>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut docs = Vec::new();
        for kind in Kind::ALL {
            let dir = repo_root().join("content").join(kind.folder());
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<_> = entries
                .map(|e| e.expect("readable content folder").path())
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect();
            paths.sort();
            for path in paths {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let rel = format!("{}/{name}", kind.folder());
                let bytes = fs::read(&path).expect("readable page");
                let source = decode(path.clone(), bytes)
                    .unwrap_or_else(|d| panic!("{rel} is not readable: {}", d.message));
                let doc = parse_document(kind, &rel, source).unwrap_or_else(|problems| {
                    let messages: Vec<_> = problems.iter().map(|d| d.message.clone()).collect();
                    panic!("{rel} does not parse: {messages:?}")
                });
                docs.push(doc);
            }
        }
        docs
    })
}

fn of_kind(kind: Kind) -> impl Iterator<Item = &'static Document> {
    corpus().iter().filter(move |d| d.kind == kind)
}

fn by_id(id: &str) -> &'static Document {
    corpus()
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no page `{id}` in content/"))
}

/// A site built into memory for one size and sector, built once per test run.
fn site(size: Size, sector: Sector) -> &'static BTreeMap<String, String> {
    static SITES: OnceLock<BTreeMap<(Size, Sector), BTreeMap<String, String>>> = OnceLock::new();
    let sites = SITES.get_or_init(|| {
        let mut sites = BTreeMap::new();
        for &size in Size::ALL {
            for &sector in Sector::ALL {
                let (summary, files) =
                    build_in_memory(&repo_root(), &options(Some(size), Some(sector)))
                        .unwrap_or_else(|d| {
                            panic!("the {size:?} {sector:?} edition does not build: {d:#?}")
                        });
                assert!(
                    summary.warnings.is_empty(),
                    "the {size:?} {sector:?} edition has warnings: {:#?}",
                    summary.warnings
                );
                sites.insert((size, sector), files);
            }
        }
        sites
    });
    &sites[&(size, sector)]
}

/// The `<main>` element of a page, with the entities templates escape turned back into
/// text, so that it compares with what the content says; `None` if the page is not there.
fn main_of(files: &BTreeMap<String, String>, url: &str) -> Option<String> {
    let html = files.get(url)?;
    let start = html.find("<main")?;
    let end = html.rfind("</main>")?;
    Some(
        html[start..end]
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

fn url(kind_segment: &str, id: &str) -> String {
    format!("{kind_segment}/{id}.html")
}

// ------------------------------------------------------------------------------------
// What the handbook must contain

#[test]
fn every_kind_meets_the_issue_counts() {
    let minimum = [
        (Kind::Playbook, 10),
        (Kind::Charter, 4),
        (Kind::Role, 12),
        (Kind::Myth, 14),
        (Kind::Comms, 4),
        (Kind::Case, 3),
        (Kind::Assessment, 1),
    ];
    for (kind, min) in minimum {
        let count = of_kind(kind).count();
        assert!(
            count >= min,
            "{count} {kind:?} pages, the issue asks for at least {min}"
        );
    }
    for id in ["introduction", "glossaire", "sources"] {
        assert_eq!(
            by_id(id).kind,
            Kind::Page,
            "`{id}` is not under content/pages/"
        );
    }
}

#[test]
fn the_glossary_defines_at_least_25_terms_among_them_the_ones_the_issue_names() {
    let body = by_id("glossaire").body();
    let terms: Vec<String> = body
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(|t| t.trim().to_lowercase())
        .collect();
    assert!(
        terms.len() >= 25,
        "the glossary defines {} terms: {terms:?}",
        terms.len()
    );
    for named in [
        "ia générative",
        "shadow ai",
        "rag",
        "prompt injection",
        "poc",
        "build / run",
        "caio",
        "dpo",
        "rgpd",
        "ai act",
        "biais",
        "explicabilité",
    ] {
        assert!(
            terms
                .iter()
                // « IA fantôme (shadow AI) »: the French term first, the English after.
                .any(|t| t == named
                    || t.starts_with(&format!("{named} "))
                    || t.contains(&format!("({named})"))),
            "the glossary has no entry for `{named}`"
        );
    }
}

#[test]
fn the_introduction_guides_by_size_sector_and_role() {
    let body = by_id("introduction").body();
    assert!(body.contains("::: sizes"), "no passage per size");
    assert!(body.contains("::: sectors"), "no passage per sector");
    let roles: BTreeSet<&str> = of_kind(Kind::Role).map(|d| d.id.as_str()).collect();
    let linked: BTreeSet<&str> = Regex::new(r"\(@([a-z0-9-]+)")
        .unwrap()
        .captures_iter(body)
        .map(|c| c.get(1).unwrap().as_str())
        .filter(|id| roles.contains(id))
        .collect();
    assert!(
        linked.len() >= 3,
        "the introduction links to {} role cards: {linked:?}",
        linked.len()
    );
}

#[test]
fn the_self_diagnostic_scores_every_answer_and_recommends_playbooks() {
    let playbooks: BTreeSet<&str> = of_kind(Kind::Playbook).map(|d| d.id.as_str()).collect();
    let mut found = false;
    for doc in of_kind(Kind::Assessment) {
        let KindData::Assessment(a) = &doc.data else {
            unreachable!()
        };
        if a.is_routed() {
            continue; // its routes are checked by `check`, its verdicts in the browser
        }
        found = true;
        assert!(a.questions.len() >= 5, "{}: too few questions", doc.id);
        let lowest: i64 = a
            .questions
            .iter()
            .map(|q| q.options.iter().filter_map(|o| o.score).min().unwrap())
            .sum();
        let highest: i64 = a
            .questions
            .iter()
            .map(|q| q.options.iter().filter_map(|o| o.score).max().unwrap())
            .sum();
        // Every total a reader can reach falls in exactly one band.
        for total in lowest..=highest {
            let bands = a
                .bands
                .iter()
                .filter(|b| b.min <= total && total <= b.max)
                .count();
            assert_eq!(
                bands, 1,
                "{}: a total of {total} is in {bands} bands",
                doc.id
            );
        }
        for band in &a.bands {
            assert!(
                band.recommended
                    .iter()
                    .any(|id| playbooks.contains(id.as_str())),
                "{}: the band `{}` recommends no playbook",
                doc.id,
                band.verdict
            );
        }
    }
    assert!(found, "no self-diagnostic in content/assessments/");
}

#[test]
fn playbooks_charters_and_roles_carry_what_the_issue_asks() {
    for doc in corpus() {
        match &doc.data {
            KindData::Playbook(p) => {
                assert!(!p.steps.is_empty(), "{}: no steps", doc.id);
                for step in &p.steps {
                    assert!(
                        !step.actions.is_empty(),
                        "{}#{}: no actions",
                        doc.id,
                        step.id
                    );
                    assert!(
                        !step.responsible.is_empty(),
                        "{}#{}: nobody responsible",
                        doc.id,
                        step.id
                    );
                }
                assert!(
                    p.steps
                        .iter()
                        .any(|s| !s.deliverables.is_empty() || s.gate.is_some()),
                    "{}: no step produces a deliverable or closes on a go / no-go",
                    doc.id
                );
            }
            KindData::Charter(c) => {
                assert!(!c.variables.is_empty(), "{}: no variables to fill", doc.id);
                assert!(!c.signatories.is_empty(), "{}: no signatories", doc.id);
                assert!(!c.clauses.is_empty(), "{}: no clauses", doc.id);
            }
            KindData::Role(r) => {
                // The issue: who holds the role in a 15-person company and in a group
                // of 5,000.
                for size in [Size::Small, Size::Ge] {
                    assert!(
                        r.by_size
                            .get(&size)
                            .is_some_and(|h| !h.holder.trim().is_empty()),
                        "{}: no holder for {size:?} in by_size",
                        doc.id
                    );
                }
            }
            _ => {}
        }
    }
}

// ------------------------------------------------------------------------------------
// Rules every page follows

#[test]
fn every_page_has_a_summary_and_sources() {
    let seed = Regex::new(r"^00[0-4]_[0-9a-f]{16}\.txt$").unwrap();
    for doc in corpus() {
        let summary = doc.common.summary.trim();
        assert!(!summary.is_empty(), "{}: empty summary", doc.rel_path);
        assert!(
            !doc.common.sources.is_empty(),
            "{}: no sources",
            doc.rel_path
        );
        for source in &doc.common.sources {
            assert!(
                !source.title.trim().is_empty() && !source.reference.trim().is_empty(),
                "{}: a source without a title or a reference",
                doc.rel_path
            );
        }
        // Every page draws on at least one of the five seed documents.
        assert!(
            doc.common
                .sources
                .iter()
                .any(|s| seed.is_match(&s.reference)),
            "{}: cites none of the seed documents",
            doc.rel_path
        );
    }
}

#[test]
fn every_playbook_step_has_exactly_one_accountable_who_is_a_role() {
    let roles: BTreeSet<&str> = of_kind(Kind::Role).map(|d| d.id.as_str()).collect();
    let mut steps = 0;
    for doc in of_kind(Kind::Playbook) {
        let KindData::Playbook(p) = &doc.data else {
            unreachable!()
        };
        for step in &p.steps {
            steps += 1;
            assert_eq!(
                step.accountable.len(),
                1,
                "{}#{}: {} accountable",
                doc.id,
                step.id,
                step.accountable.len()
            );
            assert!(
                roles.contains(step.accountable[0].as_str()),
                "{}#{}: the accountable `{}` has no role card",
                doc.id,
                step.id,
                step.accountable[0]
            );
        }
    }
    assert!(steps > 0);
}

#[test]
fn no_placeholder_and_no_empty_section() {
    let placeholder = Regex::new(
        r"(?i)\b(todo|tbd|fixme|lorem ipsum)\b|\[(à compléter|à rédiger|à venir)\]|\?\?\?|XXX",
    )
    .unwrap();
    let heading = Regex::new(r"^(#{1,6}) ").unwrap();
    for doc in corpus() {
        let text = &doc.source.text;
        if let Some(m) = placeholder.find(text) {
            panic!("{}: placeholder text `{}`", doc.rel_path, m.as_str());
        }
        let body = doc.body();
        assert!(!body.trim().is_empty(), "{}: empty body", doc.rel_path);
        let lines: Vec<&str> = body.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(level) = heading.captures(line).map(|c| c[1].len()) else {
                continue;
            };
            // The next non-blank line must be text, or a deeper heading.
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            let empty = match next {
                None => true,
                Some(l) if l.trim() == ":::" => true,
                Some(l) => heading.captures(l).is_some_and(|c| c[1].len() <= level),
            };
            assert!(!empty, "{}: the section `{line}` is empty", doc.rel_path);
        }
    }
}

#[test]
fn a_page_that_quotes_a_seed_cites_it() {
    // Names that only come from one seed each: a page that uses them draws on that seed.
    let markers = [
        ("000", r"(?i)québec|québécois"),
        ("001", r"(?i)note RH"),
        (
            "002",
            r"(?i)livre blanc|Telecom Valley|PROBTP|CrossKnowledge|Nextra",
        ),
        ("003", r"(?i)guide d.accompagnement|HTS Consulting"),
        ("004", r"Assises Territorialis"),
    ]
    .map(|(seed, pattern)| (seed, Regex::new(pattern).unwrap()));
    for doc in corpus() {
        let cited: BTreeSet<&str> = doc
            .common
            .sources
            .iter()
            .filter_map(|s| s.reference.get(..3))
            .collect();
        for (seed, pattern) in &markers {
            if let Some(m) = pattern.find(doc.body()) {
                assert!(
                    cited.contains(*seed),
                    "{}: says `{}` but does not cite seed {seed}",
                    doc.rel_path,
                    m.as_str()
                );
            }
        }
    }
}

#[test]
fn each_page_keeps_one_apostrophe_style() {
    for doc in corpus() {
        let straight = doc.source.text.matches('\'').count();
        let curly = doc.source.text.matches('\u{2019}').count();
        assert!(
            straight == 0 || curly == 0,
            "{}: {straight} straight and {curly} curly apostrophes",
            doc.rel_path
        );
    }
}

/// The nearest char boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn regulatory_facts_come_from_the_dated_data_file() {
    // Dates and amounts that change live in data/reglementation.yaml, stated as of the
    // date it was checked; a page that writes them out would not follow an update.
    let literal = Regex::new(
        r"(?i)\b(1er|[0-9]{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) 20(2[4-9]|3[0-9])\b|\b[0-9]+(,[0-9]+)? millions d.euros",
    )
    .unwrap();
    // Words that say a regulation is near: in prose, or in a `{{ data.reglementation.* }}` value.
    let regulation =
        Regex::new(r"(?i)AI Act|ai_act|r[eè]glement|RGPD|rgpd|amende|sanction|applica|interdi")
            .unwrap();
    let data = fs::read_to_string(repo_root().join("data/reglementation.yaml")).unwrap();
    assert!(
        data.contains("verifie_le:"),
        "the data file says when it was checked"
    );
    for doc in corpus() {
        let body = doc.body();
        for m in literal.find_iter(body) {
            // The only dates a body may write are those of its seeds (an event, a
            // publication), never those of a regulation.
            let around = &body[boundary(body, m.start().saturating_sub(120))
                ..boundary(body, (m.end() + 40).min(body.len()))];
            assert!(
                !regulation.is_match(around),
                "{}: writes `{}` next to a regulation; use {{{{ data.reglementation.* }}}}",
                doc.rel_path,
                m.as_str()
            );
        }
    }
}

// ------------------------------------------------------------------------------------
// The coverage table

struct Row {
    key: String,
    source: String,
    pages: Vec<String>,
}

fn coverage() -> Vec<Row> {
    let text = fs::read_to_string(repo_root().join("docs/coverage.md")).expect("docs/coverage.md");
    let id = Regex::new(r"`([^`]+)`").unwrap();
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.len() == 4 && cells[0] != "key" && !cells[0].starts_with("---"))
        .map(|cells| Row {
            key: cells[0].to_string(),
            source: cells[1].to_string(),
            pages: id
                .captures_iter(cells[3])
                .map(|c| c[1].to_string())
                .collect(),
        })
        .collect()
}

#[test]
fn every_page_in_the_coverage_table_exists_and_cites_the_theme_seed() {
    let rows = coverage();
    assert!(!rows.is_empty(), "docs/coverage.md has no table rows");
    let mut keys = BTreeSet::new();
    for row in &rows {
        assert!(
            keys.insert(row.key.clone()),
            "the key `{}` is listed twice",
            row.key
        );
        assert!(!row.pages.is_empty(), "`{}` lists no page", row.key);
        for id in &row.pages {
            let doc = corpus()
                .iter()
                .find(|d| &d.id == id)
                .unwrap_or_else(|| panic!("`{}` lists `{id}`, which is not in content/", row.key));
            assert!(
                doc.common
                    .sources
                    .iter()
                    .any(|s| s.reference.starts_with(&format!("{}_", row.source))),
                "`{}` lists `{id}`, which does not cite seed {}",
                row.key,
                row.source
            );
        }
    }
}

#[test]
fn the_coverage_table_has_a_row_for_every_theme_the_issue_names() {
    let keys: BTreeSet<String> = coverage().into_iter().map(|r| r.key).collect();
    let mut required: Vec<String> = Vec::new();
    required.extend((1..=8).map(|i| format!("002-theme-{i}")));
    required.extend((1..=4).map(|i| format!("002-reflexion-{i}")));
    required.extend((1..=10).map(|i| format!("003-mythe-{i}")));
    required.extend((1..=5).map(|i| format!("003-etape-{i}")));
    required.extend((1..=4).map(|i| format!("001-posture-{i}")));
    required.extend((1..=5).map(|i| format!("001-chantier-{i}")));
    required.push("000-cas".into());
    required.push("004-pleniere".into());
    let missing: Vec<_> = required.iter().filter(|k| !keys.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "docs/coverage.md has no row for {missing:?}"
    );
}

#[test]
fn every_myth_of_the_guide_has_its_own_card() {
    // Each of the ten myths of 003 is covered by a myth card, not only by a passage.
    for row in coverage()
        .iter()
        .filter(|r| r.key.starts_with("003-mythe-"))
    {
        assert!(
            row.pages.iter().any(|id| by_id(id).kind == Kind::Myth),
            "`{}` is not covered by a myth card",
            row.key
        );
    }
}

// ------------------------------------------------------------------------------------
// `check` and tailoring

#[test]
fn check_reports_nothing_on_the_default_edition() {
    match build_in_memory(&repo_root(), &options(None, None)) {
        Ok((summary, _)) => assert!(
            summary.warnings.is_empty(),
            "warnings: {:#?}",
            summary.warnings
        ),
        Err(diagnostics) => panic!("errors: {diagnostics:#?}"),
    }
    // The tailored editions the tests below compare are clean too (see `site`).
    site(Size::Micro, Sector::Private);
}

#[test]
fn micro_and_ge_sites_keep_different_pages_steps_and_passages() {
    for sector in [Sector::Private, Sector::Public] {
        let micro = site(Size::Micro, sector);
        let ge = site(Size::Ge, sector);

        // A page written for organisations under 50 people.
        let small = url("procedures", "demarrer-petite-structure");
        assert!(
            micro.contains_key(&small),
            "{small} missing from the micro site"
        );
        assert!(!ge.contains_key(&small), "{small} is in the ge site");

        let launch = url("procedures", "lancer-programme-ia");
        let (m, g) = (
            main_of(micro, &launch).unwrap(),
            main_of(ge, &launch).unwrap(),
        );
        // Steps: the direction decides alone below 250 people, a steering committee above.
        assert!(
            m.contains(r#"id="step-direction-porte""#)
                && !g.contains(r#"id="step-direction-porte""#)
        );
        assert!(
            g.contains(r#"id="step-comite-pilotage""#)
                && !m.contains(r#"id="step-comite-pilotage""#)
        );
        // Passages.
        let micro_only = "Sous 50 personnes, le dirigeant est à la fois sponsor et chef de projet";
        let ge_only = "À partir de 250 personnes, un comité de pilotage et des groupes de travail deviennent nécessaires";
        assert!(m.contains(micro_only) && !g.contains(micro_only));
        assert!(g.contains(ge_only) && !m.contains(ge_only));

        // Attack tests on models are for large organisations only.
        let secure = url("procedures", "securiser-donnees-modeles");
        let (m, g) = (
            main_of(micro, &secure).unwrap(),
            main_of(ge, &secure).unwrap(),
        );
        assert!(
            g.contains(r#"id="step-tests-attaque""#) && !m.contains(r#"id="step-tests-attaque""#)
        );

        // The usage charter: the manager of a small team approves new tools himself.
        let charter = url("chartes", "charte-utilisation-ia");
        let (m, g) = (
            main_of(micro, &charter).unwrap(),
            main_of(ge, &charter).unwrap(),
        );
        let small_rule = "après accord écrit du dirigeant";
        assert!(m.contains(small_rule) && !g.contains(small_rule));
    }
}

#[test]
fn every_size_restricted_step_is_kept_exactly_where_it_applies() {
    for doc in of_kind(Kind::Playbook) {
        let KindData::Playbook(p) = &doc.data else {
            unreachable!()
        };
        for size in [Size::Micro, Size::Ge] {
            for sector in [Sector::Private, Sector::Public] {
                let page = url("procedures", &doc.id);
                let Some(html) = main_of(site(size, sector), &page) else {
                    assert!(
                        !doc.common.sizes.contains(size) || !doc.common.sectors.contains(sector),
                        "{page} is missing from the {size:?} {sector:?} site"
                    );
                    continue;
                };
                for step in &p.steps {
                    let applies = step.sizes.contains(size) && step.sectors.contains(sector);
                    let anchor = format!(r#"id="step-{}""#, step.id);
                    assert_eq!(
                        html.contains(&anchor),
                        applies,
                        "{}#{} in the {size:?} {sector:?} site",
                        doc.id,
                        step.id
                    );
                }
            }
        }
    }
}

#[test]
fn every_role_card_differs_between_micro_and_ge() {
    let link = regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").unwrap();
    let tags = regex::Regex::new(r"<[^>]+>").unwrap();
    for doc in of_kind(Kind::Role) {
        let KindData::Role(role) = &doc.data else {
            unreachable!()
        };
        let page = url("roles", &doc.id);
        let sector = if doc.common.sectors.contains(Sector::Private) {
            Sector::Private
        } else {
            Sector::Public
        };
        let m =
            main_of(site(Size::Micro, sector), &page).unwrap_or_else(|| panic!("{page} missing"));
        let g = main_of(site(Size::Ge, sector), &page).unwrap_or_else(|| panic!("{page} missing"));
        assert_ne!(m, g, "{page} is the same for 5 and 5,000 people");
        // And the difference is the holder of the role at each size.
        let holder = |size| {
            role.by_size
                .get(&size)
                .map(|h| h.holder.clone())
                .unwrap_or_else(|| panic!("{}: no by_size holder for {size:?}", doc.id))
        };
        // A holder may link its basis (`[article 37](@textes-de-reference#rgpd-37)`):
        // the page shows the link's text.
        let shown = |text: String| link.replace_all(&text, "$1").into_owned();
        let (micro_holder, ge_holder) = (shown(holder(Size::Micro)), shown(holder(Size::Ge)));
        let (m, g) = (tags.replace_all(&m, ""), tags.replace_all(&g, ""));
        assert!(
            m.contains(&micro_holder) && !m.contains(&ge_holder),
            "{page}, micro site"
        );
        assert!(
            g.contains(&ge_holder) && !g.contains(&micro_holder),
            "{page}, ge site"
        );
    }
}

#[test]
fn at_least_a_third_of_the_playbooks_differ_by_size() {
    let mut total = 0;
    let mut differ = Vec::new();
    for doc in of_kind(Kind::Playbook) {
        let page = url("procedures", &doc.id);
        let sector = if doc.common.sectors.contains(Sector::Private) {
            Sector::Private
        } else {
            Sector::Public
        };
        let m = main_of(site(Size::Micro, sector), &page);
        let g = main_of(site(Size::Ge, sector), &page);
        total += 1;
        if m != g {
            differ.push(doc.id.as_str());
        }
    }
    assert!(
        differ.len() * 3 >= total,
        "only {} of {total} playbooks differ between micro and ge: {differ:?}",
        differ.len()
    );
}

#[test]
fn the_public_sector_has_its_own_pages_and_passages() {
    let private = site(Size::Ge, Sector::Private);
    let public = site(Size::Ge, Sector::Public);

    // Whole pages: the local-authority playbook and the elected officials' card.
    for page in [url("procedures", "ia-collectivite"), url("roles", "elus")] {
        assert!(
            public.contains_key(&page),
            "{page} missing from the public site"
        );
        assert!(
            !private.contains_key(&page),
            "{page} is in the private site"
        );
    }
    // A step for elected officials inside a playbook both sectors read.
    let acculturate = url("procedures", "acculturer-collaborateurs");
    let (pr, pu) = (
        main_of(private, &acculturate).unwrap(),
        main_of(public, &acculturate).unwrap(),
    );
    assert!(pu.contains(r#"id="step-elus""#) && !pr.contains(r#"id="step-elus""#));
    // Staff representatives: a CSE in a company, a CST in a local authority.
    let dialogue = url("communication", "dialogue-social-ia");
    let (pr, pu) = (
        main_of(private, &dialogue).unwrap(),
        main_of(public, &dialogue).unwrap(),
    );
    assert!(
        pr.contains("comité social et économique (CSE)")
            && !pu.contains("comité social et économique (CSE)")
    );

    // The issue's three public themes each appear in pages that both sectors read, in
    // the public version only.
    for theme in ["explicab", "élus", "comité social territorial"] {
        let gained: Vec<&String> = private
            .keys()
            .filter(|url| url.ends_with(".html") && public.contains_key(*url))
            .filter(|url| {
                let pr = main_of(private, url).unwrap_or_default().to_lowercase();
                let pu = main_of(public, url).unwrap_or_default().to_lowercase();
                pu.matches(theme).count() > pr.matches(theme).count()
            })
            .collect();
        assert!(
            gained.len() >= 3,
            "only {} shared pages say more about `{theme}` in the public site: {gained:?}",
            gained.len()
        );
    }
}

#[test]
fn no_section_is_left_empty_once_tailored() {
    // A heading whose passages all belong to other sizes or sectors would be left with
    // nothing under it: the next thing after it must not be a heading of the same or a
    // higher level, nor the end of its container.
    let heading = Regex::new(r#"<h([2-4]) id="[^"]*">"#).unwrap();
    let next_tag = Regex::new(r"^\s*<(/?)([a-z0-9]+)").unwrap();
    for size in [Size::Micro, Size::Ge] {
        for sector in [Sector::Private, Sector::Public] {
            for (url, _) in site(size, sector)
                .iter()
                .filter(|(u, _)| u.ends_with(".html"))
            {
                let Some(main) = main_of(site(size, sector), url) else {
                    continue;
                };
                for m in heading.captures_iter(&main) {
                    let level = &m[1];
                    let whole = m.get(0).unwrap();
                    let close = format!("</h{level}>");
                    let after = &main[whole.end()..];
                    let Some(end) = after.find(&close) else {
                        continue;
                    };
                    let rest = &after[end + close.len()..];
                    let Some(tag) = next_tag.captures(rest) else {
                        continue;
                    };
                    let closing = &tag[1] == "/";
                    let name = &tag[2];
                    let empty = closing
                        || (name.len() == 2 && name.starts_with('h') && name[1..] <= *level);
                    assert!(
                        !empty,
                        "{url} ({size:?} {sector:?}): the section `{}` is empty",
                        &after[..end]
                    );
                }
            }
        }
    }
}

/// The figures the handbook proposes rather than takes from a seed (issue 16): every
/// role card's time at each size and every communication plan's calendar are marked
/// `suggested:`, and the page says so beside them; a page that marks nothing says
/// nothing.
#[test]
fn proposed_figures_are_marked_and_only_those() {
    // In the sector the page is for (the elected officials' card is public only).
    let said = |url: &str| {
        [Sector::Private, Sector::Public].iter().any(|&sector| {
            main_of(site(Size::Ge, sector), url).is_some_and(|m| m.contains("class=\"suggested\""))
        })
    };
    for doc in of_kind(Kind::Role) {
        let KindData::Role(role) = &doc.data else {
            unreachable!()
        };
        if role.by_size.values().any(|h| h.time.is_some()) {
            assert!(
                doc.common.suggested.iter().any(|s| s == "time"),
                "{}: its times are the handbook's proposals; mark them `suggested: [time]`",
                doc.id
            );
            assert!(said(&url("roles", &doc.id)), "{}: the card says so", doc.id);
        }
    }
    for doc in of_kind(Kind::Comms) {
        assert!(
            doc.common.suggested.iter().any(|s| s == "phases"),
            "{}: its calendar is the handbook's proposal; mark it `suggested: [phases]`",
            doc.id
        );
        assert!(
            said(&url("communication", &doc.id)),
            "{}: the plan says so",
            doc.id
        );
    }
    for doc in of_kind(Kind::Playbook).filter(|d| d.common.suggested.is_empty()) {
        assert!(
            !said(&url("procedures", &doc.id)),
            "{}: it marks nothing",
            doc.id
        );
    }
}

/// The role cards of a built edition, and among them those whose card says that
/// another role holds them at this size (the `.held-by` line of their size table).
fn role_cards(files: &BTreeMap<String, String>) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut cards = BTreeSet::new();
    let mut held = BTreeSet::new();
    for (path, html) in files {
        let Some(id) = path
            .strip_prefix("roles/")
            .and_then(|p| p.strip_suffix(".html"))
        else {
            continue;
        };
        if id == "index" || id.contains('/') {
            continue;
        }
        cards.insert(id.to_string());
        if html.contains(r#"class="held-by""#) {
            held.insert(id.to_string());
        }
    }
    (cards, held)
}

#[test]
fn at_every_size_and_sector_a_step_names_only_roles_that_exist_there() {
    let dl = Regex::new(r#"(?s)<dl class="raci">(.*?)</dl>"#).unwrap();
    let dd = Regex::new(r"(?s)<dd>(.*?)</dd>").unwrap();
    let holder = Regex::new(r#"(?s)<span class="role-holder">(.*?)</span></span>"#).unwrap();
    let role_link = Regex::new(r#"<a href="\.\./roles/([a-z0-9-]+)\.html">"#).unwrap();
    let linked = Regex::new(r#"<a href="\.\./roles/[a-z0-9-]+\.html">[^<]*</a>"#).unwrap();
    let tag = Regex::new(r"<[^>]+>").unwrap();
    let mut checked = 0;
    let mut held_seen = 0;
    for &size in Size::ALL {
        for &sector in Sector::ALL {
            let files = site(size, sector);
            let (cards, held) = role_cards(files);
            assert!(
                !cards.is_empty(),
                "the {size:?} {sector:?} edition has role cards"
            );
            let mut problems = Vec::new();
            for (path, html) in files.range("procedures/".to_string()..) {
                if !path.starts_with("procedures/") {
                    break;
                }
                for list in dl.captures_iter(html) {
                    for entry in dd.captures_iter(&list[1]) {
                        checked += 1;
                        let text = &entry[1];
                        // « Direction générale (rôle de sponsor exécutif) »: the holder
                        // exists here and holds no other role's place.
                        for held_role in holder.captures_iter(text) {
                            held_seen += 1;
                            let links: Vec<_> = role_link
                                .captures_iter(&held_role[1])
                                .map(|c| c[1].to_string())
                                .collect();
                            match links.first() {
                                Some(h) if cards.contains(h) && !held.contains(h) => {}
                                _ => problems.push(format!(
                                    "{path}: the holder in « {} » is no card of this edition",
                                    tag.replace_all(&held_role[1], "")
                                )),
                            }
                        }
                        let rest = holder.replace_all(text, "");
                        for role in role_link.captures_iter(&rest) {
                            let id = &role[1];
                            if !cards.contains(id) {
                                problems
                                    .push(format!("{path}: names `{id}`, which has no card here"));
                            } else if held.contains(id) {
                                problems.push(format!("{path}: names `{id}` plainly, while its card says another role holds it here"));
                            }
                        }
                        let unlinked = linked.replace_all(&rest, "");
                        let plain = tag.replace_all(&unlinked, "");
                        if plain.chars().any(|c| c != ',' && !c.is_whitespace()) {
                            problems.push(format!(
                                "{path}: names « {} », which links to no role card",
                                plain.trim()
                            ));
                        }
                    }
                }
            }
            assert!(
                problems.is_empty(),
                "the {size:?} {sector:?} edition:\n{}",
                problems.join("\n")
            );
        }
    }
    assert!(checked > 1000, "the steps' roles were read ({checked})");
    assert!(held_seen > 0, "some step names a role through its holder");
}

#[test]
fn a_public_edition_cites_no_private_sector_labour_law() {
    let article = Regex::new(r"\b[LR] ?23\d\d-\d+").unwrap();
    for &size in Size::ALL {
        let files = site(size, Sector::Public);
        let found: Vec<String> = files
            .iter()
            .filter_map(|(path, text)| {
                let hits: BTreeSet<&str> = article.find_iter(text).map(|m| m.as_str()).collect();
                (!hits.is_empty()).then(|| format!("{path}: {hits:?}"))
            })
            .collect();
        assert!(
            found.is_empty(),
            "the {size:?} public edition cites Code du travail articles on the CSE:\n{}",
            found.join("\n")
        );
        // The private edition of the same size does cite them: the test can fail.
        let private = site(size, Sector::Private);
        if size != Size::Micro {
            assert!(
                private.values().any(|t| article.is_match(t)),
                "the {size:?} private edition cites L23xx"
            );
        }
    }
}

#[test]
fn a_role_card_that_says_the_role_is_missing_at_a_size_names_its_holder() {
    // « Pas de DSI ; le dirigeant… », « Généralement aucune instance élue… »: the card
    // says nobody holds the role as such, so it must say who does.
    let missing = Regex::new(r"^(Pas de|Aucun|Généralement aucun|Le plus souvent pas)").unwrap();
    let mut said = 0;
    for doc in of_kind(Kind::Role) {
        let KindData::Role(role) = &doc.data else {
            unreachable!()
        };
        for (size, holder) in &role.by_size {
            if missing.is_match(&holder.holder) {
                said += 1;
                assert!(
                    holder.held_by.is_some(),
                    "{} at {}: « {} » but no `held_by`",
                    doc.id,
                    size.id(),
                    holder.holder
                );
            }
        }
    }
    assert!(said >= 3, "the cards say where a role is missing ({said})");
}
