//! Validate stage: the checks that need the whole corpus.
//!
//! Unique ids, every cross-reference (roles in steps, owners, related pages,
//! prerequisites, deliverables, signatories, reports_to, pages recommended by an
//! assessment), one accountable per step, coherent assessment bands, and review dates
//! (past due is a warning). It collects every problem and never stops at the first.
//! Links inside bodies are checked when they are rendered, where anchors are known.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::{Months, NaiveDate};

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::*;

/// Checks the corpus. `unparsed` holds the ids of files that failed to parse: they
/// have their own errors, so references to them are not reported again.
pub fn validate(
    docs: &[Document],
    unparsed: &HashSet<String>,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut by_id: HashMap<&str, &Document> = HashMap::new();
    for doc in docs {
        if let Some(first) = by_id.get(doc.id.as_str()) {
            problems.push(
                Diagnostic::error(format!("the id `{}` is already used by {}", doc.id, first.source.path.display()))
                    .at(&doc.source, id_span(doc))
                    .hint("ids are unique across the whole handbook: rename one file or set a different `id:`"),
            );
        } else {
            by_id.insert(&doc.id, doc);
        }
    }
    let roles: HashSet<&str> = docs
        .iter()
        .filter(|d| d.kind == Kind::Role)
        .map(|d| d.id.as_str())
        .collect();
    for doc in docs {
        let mut check = Checker {
            doc,
            by_id: &by_id,
            roles: &roles,
            unparsed,
            problems: &mut problems,
        };
        check.document(today);
    }
    problems
}

struct Checker<'a> {
    doc: &'a Document,
    by_id: &'a HashMap<&'a str, &'a Document>,
    roles: &'a HashSet<&'a str>,
    unparsed: &'a HashSet<String>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn document(&mut self, today: NaiveDate) {
        let doc = self.doc;
        let common = &doc.common;
        if let Some(owner) = &common.owner {
            self.role(owner, "owner", None);
        }
        for id in &common.related {
            self.page(id, "related", None);
        }
        self.review(today);
        match &doc.data {
            KindData::Playbook(playbook) => {
                for id in &playbook.audience {
                    self.role(id, "audience", None);
                }
                for id in &playbook.prerequisites {
                    self.page(id, "prerequisites", None);
                }
                let mut step_ids = HashSet::new();
                for step in &playbook.steps {
                    let anchor = format!("id: {}", step.id);
                    let at = Some(anchor.as_str());
                    if !step_ids.insert(step.id.as_str()) {
                        self.error(
                            format!("two steps have the id `{}`", step.id),
                            self.locate(&step.id, None),
                            "step ids are unique within a playbook: they are the steps' anchors",
                        );
                    }
                    match step.accountable.len() {
                        1 => {}
                        0 => self.error(
                            format!("the step `{}` has no accountable role", step.id),
                            self.locate(&step.id, None),
                            "add `accountable: <role id>`: exactly one role answers for each step",
                        ),
                        n => self.error(
                            format!("the step `{}` has {n} accountable roles: {}", step.id, step.accountable.join(", ")),
                            self.locate("accountable", at),
                            "exactly one role is accountable (A) for a step; make the others responsible (R) or consulted (C)",
                        ),
                    }
                    let roles = [
                        ("responsible", &step.responsible),
                        ("accountable", &step.accountable),
                        ("consulted", &step.consulted),
                        ("informed", &step.informed),
                    ];
                    for (field, ids) in roles {
                        for id in ids {
                            self.role(id, field, at);
                        }
                    }
                    for id in &step.deliverables {
                        self.page(id, "deliverables", at);
                    }
                }
            }
            KindData::Charter(charter) => {
                for id in charter
                    .signatories
                    .iter()
                    .chain(&charter.adoption.approved_by)
                    .chain(&charter.adoption.consulted)
                {
                    self.role(id, "signatories or adoption", None);
                }
                let mut names = HashSet::new();
                for variable in &charter.variables {
                    if !names.insert(variable.name.as_str()) {
                        self.error(
                            format!("the variable `{}` is declared twice", variable.name),
                            self.locate(&variable.name, None),
                            "declare each blank once in `variables`",
                        );
                    }
                    if !variable
                        .name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    {
                        self.error(
                            format!("`{}` is not a valid variable name", variable.name),
                            self.locate(&variable.name, None),
                            "variable names are lowercase ASCII letters, digits and underscores (`outils_autorises`)",
                        );
                    }
                }
            }
            KindData::Role(role) => {
                if let Some(boss) = &role.reports_to {
                    self.role(boss, "reports_to", None);
                    if boss == &doc.id {
                        self.error(
                            "a role cannot report to itself".into(),
                            self.locate("reports_to", None),
                            "name the role it reports to, or remove `reports_to`",
                        );
                    }
                }
            }
            KindData::Comms(comms) => {
                for phase in &comms.phases {
                    if let Some(owner) = &phase.owner {
                        self.role(owner, "owner", Some(&phase.when));
                    }
                }
            }
            KindData::Assessment(assessment) => self.assessment(assessment),
            KindData::Myth(_) | KindData::Case(_) | KindData::Page(_) => {}
        }
    }

    fn assessment(&mut self, assessment: &Assessment) {
        let mut ids = HashSet::new();
        for question in &assessment.questions {
            if !ids.insert(question.id.as_str()) {
                self.error(
                    format!("two questions have the id `{}`", question.id),
                    self.locate(&question.id, None),
                    "question ids are unique within an assessment",
                );
            }
            if question.options.len() < 2 {
                self.error(
                    format!("the question `{}` has fewer than two options", question.id),
                    self.locate(&question.id, None),
                    "give each question at least two `options`, each with a `label` and a `score`",
                );
            }
        }
        let mut bands: Vec<&Band> = assessment.bands.iter().collect();
        bands.sort_by_key(|b| b.min);
        for band in &bands {
            if band.min > band.max {
                self.error(
                    format!(
                        "the band « {} » has min {} above max {}",
                        band.verdict, band.min, band.max
                    ),
                    self.locate(&band.verdict, None),
                    "write the lower score as `min`",
                );
            }
            for id in &band.recommended {
                self.page(id, "recommended", Some(&band.verdict));
            }
        }
        for pair in bands.windows(2) {
            if pair[1].min <= pair[0].max {
                self.error(
                    format!(
                        "the bands « {} » and « {} » overlap",
                        pair[0].verdict, pair[1].verdict
                    ),
                    self.locate(&pair[1].verdict, None),
                    "each total score must fall in exactly one band",
                );
            }
        }
    }

    fn review(&mut self, today: NaiveDate) {
        let common = &self.doc.common;
        let (Some(reviewed), Some(every)) = (common.reviewed, common.review_every) else {
            return;
        };
        let Some(due) = reviewed.checked_add_months(Months::new(every)) else {
            return;
        };
        if due < today {
            let span = self.locate("reviewed", None);
            self.problems.push(
                Diagnostic::warning(format!("the review of this page was due on {due} (reviewed {reviewed}, every {every} months)"))
                    .at(&self.doc.source, span)
                    .hint("review the page with its owner, then update `reviewed:`"),
            );
        }
    }

    fn role(&mut self, id: &str, field: &str, after: Option<&str>) {
        if self.roles.contains(id) || self.unparsed.contains(id) {
            return;
        }
        let hint = match did_you_mean(id, self.roles.iter().copied()) {
            Some(known) => format!("did you mean `{known}`?"),
            None if self.by_id.contains_key(id) => {
                format!("`{id}` is a page, not a role card; roles are the files of content/roles/")
            }
            None => "roles are the ids of content/roles/; create the role card or fix the id"
                .to_string(),
        };
        let span = self.locate(id, after);
        self.problems.push(
            Diagnostic::error(format!(
                "`{field}` names the role `{id}`, which does not exist"
            ))
            .at(&self.doc.source, span)
            .hint(hint),
        );
    }

    fn page(&mut self, id: &str, field: &str, after: Option<&str>) {
        if self.by_id.contains_key(id) || self.unparsed.contains(id) {
            return;
        }
        let hint = match did_you_mean(id, self.by_id.keys().copied()) {
            Some(known) => format!("did you mean `{known}`?"),
            None => "name a page by its id: its file name without `.md`, or its `id:`".to_string(),
        };
        let span = self.locate(id, after);
        self.problems.push(
            Diagnostic::error(format!(
                "`{field}` names the page `{id}`, which does not exist"
            ))
            .at(&self.doc.source, span)
            .hint(hint),
        );
    }

    fn error(&mut self, message: String, span: Range<usize>, hint: &str) {
        self.problems.push(
            Diagnostic::error(message)
                .at(&self.doc.source, span)
                .hint(hint),
        );
    }

    /// Where `needle` stands in the front matter: the first whole-word occurrence
    /// after `after` (when given and found), else the first, else the front matter's
    /// first line.
    fn locate(&self, needle: &str, after: Option<&str>) -> Range<usize> {
        let fm = self.doc.front_matter.clone();
        let yaml = &self.doc.source.text[fm.clone()];
        let from = after.and_then(|a| yaml.find(a)).unwrap_or(0);
        let found = find_word(yaml, needle, from).or_else(|| find_word(yaml, needle, 0));
        match found {
            Some(start) => fm.start + start..fm.start + start + needle.len(),
            None => fm.start..fm.start,
        }
    }
}

/// Where a document's id comes from: its top-level `id:` line, else the start of
/// the front matter (the id is then the file name).
fn id_span(doc: &Document) -> Range<usize> {
    let yaml = &doc.source.text[doc.front_matter.clone()];
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        if line.starts_with("id:") {
            return doc.front_matter.start + offset..doc.front_matter.start + offset + 2;
        }
        offset += line.len();
    }
    doc.front_matter.start..doc.front_matter.start
}

/// The offset of `word` in `text` at or after `from`, not inside a longer id.
pub fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let is_id_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut start = from.min(text.len());
    while let Some(i) = text.get(start..)?.find(word) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_id_char) && !after.is_some_and(is_id_char) {
            return Some(at);
        }
        start = at + word.len().max(1);
    }
    None
}
