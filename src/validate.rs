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
use crate::tailor::Audience;

/// Checks the corpus. `unparsed` holds the ids of pages that are not built: those
/// that failed to parse have their own errors, and those the edition excludes are
/// left out on purpose, so references to them are not reported.
pub fn validate(
    docs: &[std::sync::Arc<Document>],
    unparsed: &HashSet<String>,
    audience: Audience,
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
            audience,
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
    /// The audiences the edition publishes for: the sizes and sectors at which a
    /// step must name roles that exist.
    audience: Audience,
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
                                _ => {
                                    self.role(id, field, &path);
                                    self.role_present(id, field, step, &path);
                                }
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
                self.holders(role);
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
                    "give each question at least two `options`, each with a `label` and a `score` (or, routed, a `next`)",
                );
            }
        }
        if assessment.is_routed() {
            self.routes(assessment);
            return;
        }
        for (q, question) in assessment.questions.iter().enumerate() {
            for (o, option) in question.options.iter().enumerate() {
                let at = [Key("questions"), Index(q), Key("options"), Index(o)];
                if option.next.is_some() {
                    self.error(
                        format!("the option « {} » has a `next`, but the assessment has no `outcomes`", option.label),
                        &at,
                        "a routed assessment lists where its routes end in `outcomes`; a scored one gives each option a `score`",
                    );
                } else if option.score.is_none() {
                    self.error(
                        format!("the option « {} » has no score", option.label),
                        &at,
                        "give it `score: <number>`; the total picks one of the `bands`",
                    );
                }
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

    /// A routed assessment: every option leads to a question or an outcome, no route
    /// comes back to a question it went through (so every route ends in a verdict),
    /// and every question and outcome is on some route.
    fn routes(&mut self, assessment: &Assessment) {
        if !assessment.bands.is_empty() {
            self.error(
                "an assessment has both `bands` and `outcomes`".into(),
                &[Key("bands")],
                "a scored assessment ends in `bands`, a routed one in `outcomes`: keep one",
            );
        }
        let questions: HashMap<&str, usize> = assessment
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.as_str(), i))
            .collect();
        let mut outcomes = HashSet::new();
        for (i, outcome) in assessment.outcomes.iter().enumerate() {
            let id = [Key("outcomes"), Index(i), Key("id")];
            self.anchor_id("outcome", &outcome.id, &id);
            if questions.contains_key(outcome.id.as_str()) || !outcomes.insert(outcome.id.as_str())
            {
                self.error(
                    format!("the id `{}` is used twice", outcome.id),
                    &id,
                    "questions and outcomes share one set of ids: an option's `next` names one of them",
                );
            }
            for (r, page) in outcome.recommended.iter().enumerate() {
                self.page(
                    page,
                    "recommended",
                    &[Key("outcomes"), Index(i), Key("recommended"), Index(r)],
                );
            }
        }
        // Each question's next questions, by index, for the walk below.
        let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); assessment.questions.len()];
        let mut reached_outcomes = HashSet::new();
        for (q, question) in assessment.questions.iter().enumerate() {
            for (o, option) in question.options.iter().enumerate() {
                let at = [Key("questions"), Index(q), Key("options"), Index(o)];
                if option.score.is_some() {
                    self.error(
                        format!("the option « {} » has a `score` in a routed assessment", option.label),
                        &at,
                        "an option of a routed assessment leads on with `next: <question or outcome id>`",
                    );
                }
                let Some(next) = &option.next else {
                    self.error(
                        format!("the option « {} » leads nowhere", option.label),
                        &at,
                        "add `next: <question id or outcome id>`",
                    );
                    continue;
                };
                if let Some(&target) = questions.get(next.as_str()) {
                    edges[q].push((target, o));
                } else if outcomes.contains(next.as_str()) {
                    reached_outcomes.insert(next.as_str());
                } else {
                    let known = questions.keys().copied().chain(outcomes.iter().copied());
                    let hint = match did_you_mean(next, known) {
                        Some(id) => format!("did you mean `{id}`?"),
                        None => "name a question's `id` or an outcome's `id`".to_string(),
                    };
                    let mut path = at.to_vec();
                    path.push(Key("next"));
                    self.error(
                        format!("`next` names `{next}`, which is no question or outcome here"),
                        &path,
                        &hint,
                    );
                }
            }
        }
        // Depth-first from the first question: a question met again on the route that
        // leads to it closes a loop.
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnRoute,
            Done,
        }
        let mut marks = vec![Mark::New; edges.len()];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        if !edges.is_empty() {
            marks[0] = Mark::OnRoute;
            stack.push((0, 0));
        }
        while let Some(&mut (q, ref mut next_edge)) = stack.last_mut() {
            let Some(&(target, option)) = edges[q].get(*next_edge) else {
                marks[q] = Mark::Done;
                stack.pop();
                continue;
            };
            *next_edge += 1;
            match marks[target] {
                Mark::New => {
                    marks[target] = Mark::OnRoute;
                    stack.push((target, 0));
                }
                Mark::OnRoute => {
                    let (from, to) = (&assessment.questions[q], &assessment.questions[target]);
                    self.error(
                        format!(
                            "the option « {} » of `{}` leads back to `{}`: that route never ends",
                            from.options[option].label, from.id, to.id
                        ),
                        &[
                            Key("questions"),
                            Index(q),
                            Key("options"),
                            Index(option),
                            Key("next"),
                        ],
                        "each answer leads to a later question or to an outcome",
                    );
                }
                Mark::Done => {}
            }
        }
        for (q, question) in assessment.questions.iter().enumerate() {
            if marks[q] == Mark::New {
                self.error(
                    format!("no answer leads to the question `{}`", question.id),
                    &[Key("questions"), Index(q), Key("id")],
                    "the route starts at the first question: name this one in some option's `next`, or remove it",
                );
            }
        }
        for (i, outcome) in assessment.outcomes.iter().enumerate() {
            if !reached_outcomes.contains(outcome.id.as_str()) {
                self.error(
                    format!("no answer leads to the outcome `{}`", outcome.id),
                    &[Key("outcomes"), Index(i), Key("id")],
                    "name it in some option's `next`, or remove it",
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

    /// Warns when a step that some published audience sees names a role that has no
    /// card for that audience and, for a size, no holder there (`by_size.<size>.
    /// held_by`): the reader would be told to turn to someone who does not exist.
    fn role_present(&mut self, id: &str, field: &str, step: &crate::model::Step, path: &[Step]) {
        let Some(card) = self.by_id.get(id) else {
            return;
        };
        let KindData::Role(role) = &card.data else {
            return;
        };
        let common = &self.doc.common;
        let audience = self.audience;
        let absent_sizes: Vec<&str> = common
            .sizes
            .intersect(step.sizes)
            .members()
            .filter(|&size| audience.size.is_none_or(|a| a == size))
            .filter(|&size| !card.common.sizes.contains(size))
            .filter(|size| role.by_size.get(size).is_none_or(|h| h.held_by.is_none()))
            .map(Member::id)
            .collect();
        let absent_sectors: Vec<&str> = common
            .sectors
            .intersect(step.sectors)
            .members()
            .filter(|&sector| audience.sector.is_none_or(|a| a == sector))
            .filter(|&sector| !card.common.sectors.contains(sector))
            .map(Member::id)
            .collect();
        if absent_sizes.is_empty() && absent_sectors.is_empty() {
            return;
        }
        // Only now: finding a position reads the front matter a second time.
        let span = self.spans.value_or_key(path);
        if !absent_sizes.is_empty() {
            let sizes = absent_sizes.join(", ");
            self.problems.push(
                Diagnostic::warning(format!(
                    "the step `{}` names `{id}` ({field}) at the size {sizes}, where the role has no card and no holder",
                    step.id
                ))
                .at(&self.doc.source, span.clone())
                .hint(format!(
                    "say who holds the role there in its card (`by_size: {{ {}: {{ held_by: <role> }} }}`), or limit the step with `sizes:`",
                    absent_sizes[0]
                )),
            );
        }
        if !absent_sectors.is_empty() {
            self.problems.push(
                Diagnostic::warning(format!(
                    "the step `{}` names `{id}` ({field}) in the sector {}, where the role has no card",
                    step.id,
                    absent_sectors.join(", ")
                ))
                .at(&self.doc.source, span)
                .hint("name a role of that sector, or limit the step with `sectors:`"),
            );
        }
    }

    /// The roles that hold a role at some sizes: role cards that exist there, and
    /// not themselves held by another (a holder is a person's role, not a chain).
    fn holders(&mut self, role: &Role) {
        for (size, holder) in &role.by_size {
            let Some(id) = &holder.held_by else { continue };
            let path = [Key("by_size"), Key(size.id()), Key("held_by")];
            if id == &self.doc.id {
                self.error(
                    "a role cannot be held by itself".into(),
                    &path,
                    "name the role that holds it at this size, or remove `held_by`",
                );
                continue;
            }
            self.role(id, "held_by", &path);
            let Some(card) = self.by_id.get(id.as_str()) else {
                continue;
            };
            let KindData::Role(other) = &card.data else {
                continue;
            };
            if !card.common.sizes.contains(*size) {
                self.error(
                    format!(
                        "`held_by` names `{id}`, which has no card at the size {}",
                        size.id()
                    ),
                    &path,
                    "the holder is a role that exists at this size: check its `sizes:`",
                );
            } else if let Some(next) = other.by_size.get(size).and_then(|h| h.held_by.as_ref()) {
                self.error(
                    format!(
                        "`held_by` names `{id}`, which is itself held by `{next}` at the size {}",
                        size.id()
                    ),
                    &path,
                    &format!("name the role that holds both: `held_by: {next}`"),
                );
            }
        }
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
fn suggestible(kind: Kind) -> &'static [&'static str] {
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
