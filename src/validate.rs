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
use crate::spans::{Index, Key, Step, YamlSpans};

/// Checks the corpus. `unparsed` holds the ids of pages that are not built: those
/// that failed to parse have their own errors, and those the edition excludes are
/// left out on purpose, so references to them are not reported.
pub fn validate(
    docs: &[std::sync::Arc<Document>],
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
            spans: YamlSpans::new(
                &doc.source.text[doc.front_matter.clone()],
                doc.front_matter.start,
            ),
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
    /// The front matter's positions, read only if a problem needs one.
    spans: YamlSpans<'a>,
}

impl Checker<'_> {
    fn document(&mut self, today: NaiveDate) {
        let doc = self.doc;
        let common = &doc.common;
        if let Some(owner) = &common.owner {
            self.role(owner, "owner", &[Key("owner")]);
        }
        for (i, alias) in common.aliases.iter().enumerate() {
            if let Some(problem) = alias_problem(alias) {
                self.error(
                    format!("the former address `{alias}` {problem}"),
                    &[Key("aliases"), Index(i)],
                    "write the old page's path from the site's root, as its links had it: `procedures/ancien-nom.html`",
                );
            }
        }
        let figures = suggestible(doc.kind);
        for (i, figure) in common.suggested.iter().enumerate() {
            if !figures.contains(&figure.as_str()) {
                let hint = match figures {
                    [] => format!(
                        "a page of kind `{}` has no figures to mark: remove `suggested`",
                        doc.kind.id()
                    ),
                    _ => format!(
                        "a page of kind `{}` can mark {}",
                        doc.kind.id(),
                        figures
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.error(
                    format!("`suggested` names `{figure}`, which this page has no figures of"),
                    &[Key("suggested"), Index(i)],
                    &hint,
                );
            }
        }
        for (i, id) in common.related.iter().enumerate() {
            self.page(id, "related", &[Key("related"), Index(i)]);
        }
        self.review(today);
        match &doc.data {
            KindData::Playbook(playbook) => {
                for (i, id) in playbook.audience.iter().enumerate() {
                    self.role(id, "audience", &[Key("audience"), Index(i)]);
                }
                for (i, id) in playbook.prerequisites.iter().enumerate() {
                    self.page(id, "prerequisites", &[Key("prerequisites"), Index(i)]);
                }
                let mut step_ids = HashSet::new();
                let mut action_ids = HashSet::new();
                for (s, step) in playbook.steps.iter().enumerate() {
                    self.actions(s, step, &mut action_ids);
                    let step_id = [Key("steps"), Index(s), Key("id")];
                    self.anchor_id("step", &step.id, &step_id);
                    if !step_ids.insert(step.id.as_str()) {
                        self.error(
                            format!("two steps have the id `{}`", step.id),
                            &step_id,
                            "step ids are unique within a playbook: they are the steps' anchors",
                        );
                    }
                    match step.accountable.len() {
                        1 => {}
                        0 => self.error(
                            format!("the step `{}` has no accountable role", step.id),
                            &step_id,
                            "add `accountable: <role id>`: exactly one role answers for each step",
                        ),
                        n => self.error(
                            format!("the step `{}` has {n} accountable roles: {}", step.id, step.accountable.join(", ")),
                            &[Key("steps"), Index(s), Key("accountable")],
                            "exactly one role is accountable (A) for a step; make the others responsible (R) or consulted (C)",
                        ),
                    }
                    let roles = [
                        ("responsible", &step.responsible),
                        ("accountable", &step.accountable),
                        ("consulted", &step.consulted),
                        ("informed", &step.informed),
                        ("deliverables", &step.deliverables),
                    ];
                    for (field, ids) in roles {
                        for (i, id) in ids.iter().enumerate() {
                            let path = [Key("steps"), Index(s), Key(field), Index(i)];
                            match field {
                                "deliverables" => self.page(id, field, &path),
                                _ => self.role(id, field, &path),
                            }
                        }
                    }
                }
            }
            KindData::Charter(charter) => {
                let lists = [
                    ("signatories", None, &charter.signatories),
                    (
                        "approved_by",
                        Some("adoption"),
                        &charter.adoption.approved_by,
                    ),
                    ("consulted", Some("adoption"), &charter.adoption.consulted),
                ];
                for (field, parent, ids) in lists {
                    for (i, id) in ids.iter().enumerate() {
                        let path = match parent {
                            Some(parent) => vec![Key(parent), Key(field), Index(i)],
                            None => vec![Key(field), Index(i)],
                        };
                        self.role(id, field, &path);
                    }
                }
                let mut clause_ids = HashSet::new();
                for (i, clause) in charter.clauses.iter().enumerate() {
                    let Some(id) = &clause.id else { continue };
                    let path = [Key("clauses"), Index(i), Key("id")];
                    self.anchor_id("clause", id, &path);
                    if !clause_ids.insert(id.as_str()) {
                        self.error(
                            format!("two clauses have the id `{id}`"),
                            &path,
                            "clause ids are unique within a charter: they are the clauses' anchors",
                        );
                    }
                }
                let mut names = HashSet::new();
                for (i, variable) in charter.variables.iter().enumerate() {
                    let name = [Key("variables"), Index(i), Key("name")];
                    if !names.insert(variable.name.as_str()) {
                        self.error(
                            format!("the variable `{}` is declared twice", variable.name),
                            &name,
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
                            &name,
                            "variable names are lowercase ASCII letters, digits and underscores (`outils_autorises`)",
                        );
                    }
                }
            }
            KindData::Role(role) => {
                if let Some(boss) = &role.reports_to {
                    self.role(boss, "reports_to", &[Key("reports_to")]);
                    if boss == &doc.id {
                        self.error(
                            "a role cannot report to itself".into(),
                            &[Key("reports_to")],
                            "name the role it reports to, or remove `reports_to`",
                        );
                    }
                }
            }
            KindData::Comms(comms) => {
                for (i, phase) in comms.phases.iter().enumerate() {
                    if let Some(owner) = &phase.owner {
                        self.role(owner, "owner", &[Key("phases"), Index(i), Key("owner")]);
                    }
                }
            }
            KindData::Assessment(assessment) => self.assessment(assessment),
            KindData::Myth(_) | KindData::Case(_) | KindData::Page(_) => {}
        }
    }

    /// A step's actions: explicit ids valid and unique within the playbook (`ids`),
    /// and no two actions of the step saving their tick under the same id.
    fn actions<'d>(&mut self, s: usize, step: &'d crate::model::Step, ids: &mut HashSet<&'d str>) {
        let mut keys: HashMap<&str, usize> = HashMap::new();
        for (a, action) in step.actions.iter().enumerate() {
            let at = [Key("steps"), Index(s), Key("actions"), Index(a)];
            if action.explicit {
                let id = [Key("steps"), Index(s), Key("actions"), Index(a), Key("id")];
                if !crate::parse::is_valid_id(&action.id) {
                    self.error(
                        format!("`{}` is not a valid action id", action.id),
                        &id,
                        "ids are lowercase ASCII letters, digits and hyphens (`fixer-indicateurs`)",
                    );
                } else if !ids.insert(action.id.as_str()) {
                    self.error(
                        format!("two actions have the id `{}`", action.id),
                        &id,
                        "action ids are unique within a playbook: the reader's ticks are saved under them",
                    );
                    continue;
                }
            }
            if let Some(first) = keys.insert(action.id.as_str(), a) {
                let message = format!(
                    "actions {} and {} of the step `{}` have the same id `{}`",
                    first + 1,
                    a + 1,
                    step.id,
                    action.id
                );
                self.error(
                    message,
                    &at,
                    "a tick is saved under its action's id, which an action without `id:` gets from its text: reword one, or write `- { id: …, text: … }`",
                );
            }
        }
    }

    /// The id of a step, a clause or a question makes its anchor in the page's URL:
    /// the same characters as a page id.
    fn anchor_id(&mut self, what: &str, id: &str, path: &[crate::spans::Step]) {
        if !crate::parse::is_valid_id(id) {
            let hint = format!("ids are lowercase ASCII letters, digits and hyphens (`cadrer-besoin`): the {what}'s anchor is made of it");
            self.error(format!("`{id}` is not a valid {what} id"), path, &hint);
        }
    }

    fn assessment(&mut self, assessment: &Assessment) {
        let mut ids = HashSet::new();
        for (i, question) in assessment.questions.iter().enumerate() {
            let id = [Key("questions"), Index(i), Key("id")];
            self.anchor_id("question", &question.id, &id);
            if !ids.insert(question.id.as_str()) {
                self.error(
                    format!("two questions have the id `{}`", question.id),
                    &id,
                    "question ids are unique within an assessment",
                );
            }
            if question.options.len() < 2 {
                self.error(
                    format!("the question `{}` has fewer than two options", question.id),
                    &id,
                    "give each question at least two `options`, each with a `label` and a `score`",
                );
            }
        }
        // Sorted by `min`, each with its place in the list as written.
        let mut bands: Vec<(usize, &Band)> = assessment.bands.iter().enumerate().collect();
        bands.sort_by_key(|(_, b)| b.min);
        for &(i, band) in &bands {
            if band.min > band.max {
                self.error(
                    format!(
                        "the band « {} » has min {} above max {}",
                        band.verdict, band.min, band.max
                    ),
                    &[Key("bands"), Index(i), Key("min")],
                    "write the lower score as `min`",
                );
            }
            for (r, id) in band.recommended.iter().enumerate() {
                self.page(
                    id,
                    "recommended",
                    &[Key("bands"), Index(i), Key("recommended"), Index(r)],
                );
            }
        }
        for pair in bands.windows(2) {
            let ((_, low), (i, high)) = (pair[0], pair[1]);
            if high.min <= low.max {
                self.error(
                    format!(
                        "the bands « {} » and « {} » overlap",
                        low.verdict, high.verdict
                    ),
                    &[Key("bands"), Index(i), Key("min")],
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
            let span = self.spans.value_or_key(&[Key("reviewed")]);
            self.problems.push(
                Diagnostic::warning(format!("the review of this page was due on {due} (reviewed {reviewed}, every {every} months)"))
                    .at(&self.doc.source, span)
                    .hint("review the page with its owner, then update `reviewed:`"),
            );
        }
    }

    fn role(&mut self, id: &str, field: &str, path: &[Step]) {
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
        let span = self.spans.value_or_key(path);
        self.problems.push(
            Diagnostic::error(format!(
                "`{field}` names the role `{id}`, which does not exist"
            ))
            .at(&self.doc.source, span)
            .hint(hint),
        );
    }

    fn page(&mut self, id: &str, field: &str, path: &[Step]) {
        if self.by_id.contains_key(id) || self.unparsed.contains(id) {
            return;
        }
        let hint = match did_you_mean(id, self.by_id.keys().copied()) {
            Some(known) => format!("did you mean `{known}`?"),
            None => "name a page by its id: its file name without `.md`, or its `id:`".to_string(),
        };
        let span = self.spans.value_or_key(path);
        self.problems.push(
            Diagnostic::error(format!(
                "`{field}` names the page `{id}`, which does not exist"
            ))
            .at(&self.doc.source, span)
            .hint(hint),
        );
    }

    fn error(&mut self, message: String, path: &[Step], hint: &str) {
        let span = self.spans.value_or_key(path);
        self.problems.push(
            Diagnostic::error(message)
                .at(&self.doc.source, span)
                .hint(hint),
        );
    }
}

/// What is wrong with a former address of a page (`aliases:`), if anything: it is
/// a path from the site's root to an `.html` file, of plain segments, so that the
/// redirect page is written inside the site and found by a relative link.
pub fn alias_problem(alias: &str) -> Option<&'static str> {
    if alias.starts_with('/') || alias.contains("://") {
        return Some("is not relative to the site's root");
    }
    if !alias.ends_with(".html") {
        return Some("does not end in `.html`");
    }
    let plain = |segment: &str| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if !alias.split('/').all(plain) {
        return Some("has an empty, `.` or `..` segment, or a character other than letters, digits, `-`, `_` and `.`");
    }
    None
}

/// The figures a page of `kind` can mark as the handbook's proposals (`suggested:`).
pub fn suggestible(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Playbook => &["duration"],
        Kind::Comms => &["phases"],
        Kind::Role => &["time"],
        _ => &[],
    }
}

/// Where a document's id comes from: its top-level `id:` key, else the start of the
/// front matter (the id is then the file name).
fn id_span(doc: &Document) -> Range<usize> {
    let yaml = &doc.source.text[doc.front_matter.clone()];
    YamlSpans::new(yaml, doc.front_matter.start).key_or_start(&[Key("id")])
}
