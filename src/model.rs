//! The shared types of the pipeline: organisation sizes and sectors, the kinds of
//! content, the typed front matter of each kind, and a loaded document.
//!
//! Every stage imports this module; it imports no stage. Nothing here reads files or
//! renders anything: it only says what the data is.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// An organisation size, smallest first (the order ranges use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Micro,
    Small,
    Medium,
    Eti,
    Ge,
}

/// Public or private sector: a public body has duties of explicability a company has not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    Private,
    Public,
}

/// The closed vocabularies that `Set` holds: sizes and sectors.
pub trait Member: Copy + Eq + 'static {
    const ALL: &'static [Self];
    /// What the vocabulary is called in messages ("size", "sector").
    const WHAT: &'static str;
    fn id(self) -> &'static str;
    fn index(self) -> usize;
}

impl Member for Size {
    const ALL: &'static [Size] = &[Size::Micro, Size::Small, Size::Medium, Size::Eti, Size::Ge];
    const WHAT: &'static str = "size";
    fn id(self) -> &'static str {
        match self {
            Size::Micro => "micro",
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Eti => "eti",
            Size::Ge => "ge",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

impl Size {
    /// The size category of an organisation with this many staff.
    pub fn from_headcount(staff: u32) -> Size {
        match staff {
            0..=9 => Size::Micro,
            10..=49 => Size::Small,
            50..=249 => Size::Medium,
            250..=4999 => Size::Eti,
            _ => Size::Ge,
        }
    }
}

impl Member for Sector {
    const ALL: &'static [Sector] = &[Sector::Private, Sector::Public];
    const WHAT: &'static str = "sector";
    fn id(self) -> &'static str {
        match self {
            Sector::Private => "private",
            Sector::Public => "public",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

/// Parses one id of a vocabulary.
pub fn parse_member<T: Member>(text: &str) -> Option<T> {
    T::ALL.iter().copied().find(|m| m.id() == text)
}

/// A set of sizes or sectors, written in front matter as a list of ids and ranges
/// (`[micro, small]`, `medium+`, `..small`, `small..eti`). The default is every member.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Set<T: Member> {
    bits: u8,
    _member: std::marker::PhantomData<T>,
}

pub type SizeSet = Set<Size>;
pub type SectorSet = Set<Sector>;

impl<T: Member> Set<T> {
    pub fn all() -> Self {
        Self::from_bits((1u8 << T::ALL.len()) - 1)
    }
    fn from_bits(bits: u8) -> Self {
        Set {
            bits,
            _member: std::marker::PhantomData,
        }
    }
    pub fn only(member: T) -> Self {
        Self::from_bits(1 << member.index())
    }
    pub fn contains(self, member: T) -> bool {
        self.bits & (1 << member.index()) != 0
    }
    pub fn is_all(self) -> bool {
        self == Self::all()
    }
    pub fn intersect(self, other: Self) -> Self {
        Self::from_bits(self.bits & other.bits)
    }
    pub fn members(self) -> impl Iterator<Item = T> {
        T::ALL.iter().copied().filter(move |m| self.contains(*m))
    }
    /// The ids of the members, space-separated (the form `data-sizes` attributes use).
    pub fn ids(self) -> String {
        self.members().map(Member::id).collect::<Vec<_>>().join(" ")
    }

    /// Parses one item: an id, `id+`, `..id` or `id..id`.
    pub fn parse_item(item: &str) -> Result<Self, String> {
        let member = |text: &str| {
            parse_member::<T>(text.trim()).ok_or_else(|| {
                let known: Vec<&str> = T::ALL.iter().map(|m| m.id()).collect();
                format!(
                    "unknown {} `{}`: expected one of {}, or a range such as `{}+`, `..{}` or `{}..{}`",
                    T::WHAT,
                    text.trim(),
                    known.join(", "),
                    known[known.len() / 2],
                    known[0],
                    known[0],
                    known[known.len() - 1],
                )
            })
        };
        let range = |from: T, to: T| {
            let bits = T::ALL
                .iter()
                .filter(|m| m.index() >= from.index() && m.index() <= to.index())
                .fold(0u8, |bits, m| bits | 1 << m.index());
            if bits == 0 {
                Err(format!(
                    "the range `{item}` is empty: write the smaller {} first",
                    T::WHAT
                ))
            } else {
                Ok(Self::from_bits(bits))
            }
        };
        let last = *T::ALL.last().expect("a vocabulary has members");
        if let Some(from) = item.strip_suffix('+') {
            range(member(from)?, last)
        } else if let Some(to) = item.strip_prefix("..") {
            range(T::ALL[0], member(to)?)
        } else if let Some((from, to)) = item.split_once("..") {
            range(member(from)?, member(to)?)
        } else {
            member(item).map(Self::only)
        }
    }

    /// Parses a whitespace- or comma-separated spec, as written after `::: sizes`.
    pub fn parse_spec(spec: &str) -> Result<Self, String> {
        let items: Vec<&str> = spec
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .collect();
        if items.is_empty() {
            return Err(format!("name at least one {}", T::WHAT));
        }
        items.iter().try_fold(Self::from_bits(0), |set, item| {
            Self::parse_item(item).map(|one| Self::from_bits(set.bits | one.bits))
        })
    }
}

impl<T: Member> std::hash::Hash for Set<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bits.hash(state);
    }
}

impl<T: Member> Default for Set<T> {
    fn default() -> Self {
        Self::all()
    }
}

impl<T: Member> fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.ids())
    }
}

impl<T: Member> Serialize for Set<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.members().map(Member::id))
    }
}

impl<'de, T: Member> Deserialize<'de> for Set<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SetVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Member> Visitor<'de> for SetVisitor<T> {
            type Value = Set<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a {} id, a range or a list of them", T::WHAT)
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Set<T>, E> {
                Set::parse_spec(text).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Set<T>, A::Error> {
                let mut bits = 0u8;
                while let Some(item) = seq.next_element::<String>()? {
                    bits |= Set::<T>::parse_item(&item).map_err(de::Error::custom)?.bits;
                }
                Ok(Set::from_bits(bits))
            }
        }
        deserializer.deserialize_any(SetVisitor(std::marker::PhantomData))
    }
}

/// Accepts `x` or `[x, y]` for a list of ids.
pub fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct OneOrMany;
    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an id or a list of ids")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<String>, E> {
            Ok(vec![text.to_string()])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut ids = Vec::new();
            while let Some(id) = seq.next_element::<String>()? {
                ids.push(id);
            }
            Ok(ids)
        }
    }
    deserializer.deserialize_any(OneOrMany)
}

fn project_phases<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let value = serde_yaml_ng::Value::deserialize(deserializer)?;
    Ok(match value {
        serde_yaml_ng::Value::Sequence(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        serde_yaml_ng::Value::String(s) => vec![s],
        _ => Vec::new(),
    })
}

/// The kinds of content, one folder each under `content/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Playbook,
    Charter,
    Role,
    Myth,
    Comms,
    Case,
    Assessment,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Playbook,
        Kind::Charter,
        Kind::Role,
        Kind::Myth,
        Kind::Comms,
        Kind::Case,
        Kind::Assessment,
        Kind::Page,
    ];

    /// The folder under `content/` (English, whatever the edition's language).
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Playbook => "playbooks",
            Kind::Charter => "charters",
            Kind::Role => "roles",
            Kind::Myth => "myths",
            Kind::Comms => "comms",
            Kind::Case => "cases",
            Kind::Assessment => "assessments",
            Kind::Page => "pages",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// The kind's id as templates and labels know it (`playbook`, `charter`, …).
    pub fn id(self) -> &'static str {
        match self {
            Kind::Playbook => "playbook",
            Kind::Charter => "charter",
            Kind::Role => "role",
            Kind::Myth => "myth",
            Kind::Comms => "comms",
            Kind::Case => "case",
            Kind::Assessment => "assessment",
            Kind::Page => "page",
        }
    }
}

/// A citation: a source file name or a URL, and where in it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub reference: String,
    #[serde(default)]
    pub locator: Option<String>,
    /// The audiences the source is cited for (a private-sector law is no source of
    /// a public edition); every one by default.
    #[serde(default)]
    pub sizes: SizeSet,
    #[serde(default)]
    pub sectors: SectorSet,
}

/// The front matter fields every kind has.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Common {
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub sizes: SizeSet,
    #[serde(default)]
    pub sectors: SectorSet,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Project phases (`cadrage`, `pilote`…). A communication plan's `phases` are its
    /// own (see `Comms`), so here a list of anything but names reads as none; the
    /// parse stage rejects it for the other kinds.
    #[serde(default, deserialize_with = "project_phases")]
    pub phases: Vec<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub reviewed: Option<NaiveDate>,
    #[serde(default)]
    pub review_every: Option<u32>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    /// Other names of the page's headings, by the heading's anchor, that a search
    /// for them finds (`aipd: [DPIA, analyse d'impact]` on a glossary).
    #[serde(default)]
    pub search_aliases: BTreeMap<String, Vec<String>>,
    /// The page's former addresses (`procedures/ancien-nom.html`, relative to the
    /// site's root): each gets a small page that leads to this one, so that a link
    /// kept in an intranet or an e-mail still lands.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The figures of the page that the handbook proposes rather than takes from a
    /// source, which the theme marks as proposals: `duration` (a playbook's and its
    /// steps'), `phases` (a communication plan's calendar), `time` (a role card's
    /// time at each size).
    #[serde(default)]
    pub suggested: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Playbook {
    #[serde(default, deserialize_with = "one_or_many")]
    pub audience: Vec<String>,
    #[serde(default)]
    pub duration: Option<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub duration: Option<String>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub responsible: Vec<String>,
    /// Exactly one is required; a list is accepted here so that validation can say
    /// "two accountables" rather than a type error.
    #[serde(default, deserialize_with = "one_or_many")]
    pub accountable: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub consulted: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub informed: Vec<String>,
    #[serde(default)]
    pub deliverables: Vec<String>,
    #[serde(default)]
    pub gate: Option<String>,
    #[serde(default)]
    pub sizes: SizeSet,
    #[serde(default)]
    pub sectors: SectorSet,
}

/// A checklist item of a playbook step: its text, and the id its tick is saved under
/// in the reader's browser. Written as a text (`- Fixer les indicateurs`), whose id is
/// then a slug of the text, or as `{ id: indicateurs, text: … }`, whose id survives a
/// rewording. The id keeps a tick on its action when actions are inserted, removed or
/// reordered; validation checks explicit ids and duplicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    pub id: String,
    pub text: String,
    /// Whether `id` was written rather than derived from the text.
    #[serde(skip)]
    pub explicit: bool,
}

impl Action {
    /// The longest id an action gets from its text.
    pub const MAX_SLUG: usize = 64;

    /// An action without `id:`: its id is the slug of its text's first words, at
    /// most `MAX_SLUG` characters cut at a word (`action` when the text has no
    /// letter or digit).
    pub fn from_text(text: String) -> Action {
        let mut slug = slug::slugify(&text);
        if slug.len() > Self::MAX_SLUG {
            // The slug is ASCII: any byte is a character boundary.
            let cut = slug[..=Self::MAX_SLUG].rfind('-').unwrap_or(Self::MAX_SLUG);
            slug.truncate(cut);
        }
        Action {
            id: if slug.is_empty() {
                "action".into()
            } else {
                slug
            },
            text,
            explicit: false,
        }
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Action, D::Error> {
        struct ActionVisitor;
        impl<'de> Visitor<'de> for ActionVisitor {
            type Value = Action;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an action: a text, or a mapping `{ id: …, text: … }`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Action, E> {
                Ok(Action::from_text(text.to_string()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Action, A::Error> {
                const FIELDS: &[&str] = &["id", "text"];
                let (mut id, mut text): (Option<String>, Option<String>) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "id" => &mut id,
                        "text" => &mut text,
                        _ => return Err(de::Error::unknown_field(&key, FIELDS)),
                    };
                    if slot.is_some() {
                        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                    *slot = Some(map.next_value()?);
                }
                let text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                Ok(match id {
                    Some(id) => Action {
                        id,
                        text,
                        explicit: true,
                    },
                    None => Action::from_text(text),
                })
            }
        }
        deserializer.deserialize_any(ActionVisitor)
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Charter {
    #[serde(default)]
    pub clauses: Vec<Clause>,
    #[serde(default)]
    pub variables: Vec<Variable>,
    #[serde(default)]
    pub signatories: Vec<String>,
    #[serde(default)]
    pub adoption: Adoption,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    Allowed,
    Forbidden,
    Conditional,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    #[serde(default)]
    pub id: Option<String>,
    pub rule: Rule,
    pub text: String,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub sizes: SizeSet,
    #[serde(default)]
    pub sectors: SectorSet,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub example: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    #[serde(default, deserialize_with = "one_or_many")]
    pub approved_by: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub consulted: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Role {
    #[serde(default)]
    pub short: Option<String>,
    pub mission: String,
    #[serde(default)]
    pub responsibilities: Vec<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub reports_to: Option<String>,
    #[serde(default)]
    pub by_size: BTreeMap<Size, Holder>,
    #[serde(default)]
    pub legal_basis: Vec<Basis>,
}

/// A text a role rests on (`Code du travail, article L2312-8`): for every audience
/// when written as a text, for some when written `{ text: …, sectors: private }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Basis {
    pub text: String,
    pub sizes: SizeSet,
    pub sectors: SectorSet,
}

impl<'de> Deserialize<'de> for Basis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Written {
            text: String,
            #[serde(default)]
            sizes: SizeSet,
            #[serde(default)]
            sectors: SectorSet,
        }
        struct BasisVisitor;
        impl<'de> Visitor<'de> for BasisVisitor {
            type Value = Basis;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text, or `{ text: …, sizes: …, sectors: … }`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Basis, E> {
                Ok(Basis {
                    text: text.to_string(),
                    sizes: SizeSet::all(),
                    sectors: SectorSet::all(),
                })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Basis, A::Error> {
                let w = Written::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Basis {
                    text: w.text,
                    sizes: w.sizes,
                    sectors: w.sectors,
                })
            }
        }
        deserializer.deserialize_any(BasisVisitor)
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    pub holder: String,
    #[serde(default)]
    pub time: Option<String>,
    /// The role that holds this one at this size (the sponsor of a very small firm
    /// is its head): steps, RACI tables and lists then name the holder.
    #[serde(default)]
    pub held_by: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    False,
    Nuanced,
    True,
}

impl<'de> Deserialize<'de> for Verdict {
    /// Accepts `"false"` as well as YAML's bare `false`, which reads as a boolean.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VerdictVisitor;
        impl Visitor<'_> for VerdictVisitor {
            type Value = Verdict;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one of `false`, `nuanced`, `true`")
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Verdict, E> {
                Ok(if value { Verdict::True } else { Verdict::False })
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Verdict, E> {
                match text {
                    "false" => Ok(Verdict::False),
                    "nuanced" => Ok(Verdict::Nuanced),
                    "true" => Ok(Verdict::True),
                    other => Err(E::custom(format!(
                        "unknown verdict `{other}`: expected one of `false`, `nuanced`, `true`"
                    ))),
                }
            }
        }
        deserializer.deserialize_any(VerdictVisitor)
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Myth {
    pub claim: String,
    pub verdict: Verdict,
    pub fact: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Comms {
    pub objective: String,
    #[serde(default)]
    pub trigger: Option<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
    #[serde(default)]
    pub phases: Vec<CommsPhase>,
    #[serde(default)]
    pub kpis: Vec<String>,
    #[serde(default)]
    pub holding_statement: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommsPhase {
    pub when: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub messages: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Case {
    #[serde(default)]
    pub organisation: Option<String>,
    pub context: String,
    pub sector: Sector,
    pub size: Size,
    #[serde(default)]
    pub tensions: Vec<String>,
    #[serde(default)]
    pub intervention: Vec<String>,
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub impacts: Vec<String>,
}

/// A self-diagnostic, in one of two forms. Scored: each option has a `score`, and
/// the total falls in one of the `bands`. Routed: each option has a `next`, the id
/// of the question to ask next or of one of the `outcomes`, which is the verdict.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Assessment {
    pub questions: Vec<Question>,
    #[serde(default)]
    pub bands: Vec<Band>,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
}

impl Assessment {
    /// Whether answers lead from question to question to an outcome.
    pub fn is_routed(&self) -> bool {
        !self.outcomes.is_empty()
    }
}

/// Where a routed assessment can end: a verdict, what to do, the pages to read.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: String,
    pub verdict: String,
    #[serde(default)]
    pub advice: Option<String>,
    #[serde(default)]
    pub recommended: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub help: Option<String>,
    pub options: Vec<AnswerOption>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub label: String,
    /// In a scored assessment.
    #[serde(default)]
    pub score: Option<i64>,
    /// In a routed one: the next question's id, or an outcome's.
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: i64,
    pub max: i64,
    pub verdict: String,
    #[serde(default)]
    pub advice: Option<String>,
    #[serde(default)]
    pub recommended: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Page {}

/// The kind-specific fields of a document.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum KindData {
    Playbook(Playbook),
    Charter(Charter),
    Role(Role),
    Myth(Myth),
    Comms(Comms),
    Case(Case),
    Assessment(Assessment),
    Page(Page),
}

/// The fields of a kind that the templates show as inline Markdown (a step's
/// title, a clause's text…), as shared or as mutable references: one list for the
/// tailoring that fills their values as text, the check of their links and raw HTML,
/// and the views that render them.
macro_rules! inline_fields {
    ($data:expr, $($m:tt)?) => {{
        let mut fields = Vec::new();
        match $data {
            KindData::Playbook(p) => {
                for step in & $($m)? p.steps {
                    fields.push(& $($m)? step.title);
                    fields.extend(& $($m)? step.description);
                    for action in & $($m)? step.actions {
                        fields.push(& $($m)? action.text);
                    }
                    fields.extend(& $($m)? step.gate);
                }
            }
            KindData::Charter(c) => {
                for clause in & $($m)? c.clauses {
                    fields.push(& $($m)? clause.text);
                    fields.extend(& $($m)? clause.condition);
                }
            }
            KindData::Role(r) => {
                fields.push(& $($m)? r.mission);
                fields.extend(& $($m)? r.responsibilities);
                fields.extend(& $($m)? r.skills);
                for (_, holder) in & $($m)? r.by_size {
                    fields.push(& $($m)? holder.holder);
                }
                for basis in & $($m)? r.legal_basis {
                    fields.push(& $($m)? basis.text);
                }
            }
            KindData::Myth(m) => {
                fields.push(& $($m)? m.claim);
                fields.push(& $($m)? m.fact);
            }
            KindData::Comms(c) => {
                fields.push(& $($m)? c.objective);
                for phase in & $($m)? c.phases {
                    fields.extend(& $($m)? phase.messages);
                }
                fields.extend(& $($m)? c.kpis);
                fields.extend(& $($m)? c.holding_statement);
            }
            KindData::Case(c) => {
                fields.push(& $($m)? c.context);
                fields.extend(& $($m)? c.tensions);
                fields.extend(& $($m)? c.intervention);
                fields.extend(& $($m)? c.decision);
                fields.extend(& $($m)? c.impacts);
            }
            KindData::Assessment(a) => {
                for question in & $($m)? a.questions {
                    fields.push(& $($m)? question.text);
                    fields.extend(& $($m)? question.help);
                    for option in & $($m)? question.options {
                        fields.push(& $($m)? option.label);
                    }
                }
                for band in & $($m)? a.bands {
                    fields.push(& $($m)? band.verdict);
                    fields.extend(& $($m)? band.advice);
                }
                for outcome in & $($m)? a.outcomes {
                    fields.push(& $($m)? outcome.verdict);
                    fields.extend(& $($m)? outcome.advice);
                }
            }
            KindData::Page(_) => {}
        }
        fields
    }};
}

impl Default for KindData {
    fn default() -> Self {
        KindData::Page(Page {})
    }
}

impl KindData {
    /// The fields shown as inline Markdown, in the order of the front matter.
    pub fn inline_fields(&self) -> Vec<&String> {
        inline_fields!(self,)
    }

    /// The same fields, to fill.
    pub fn inline_fields_mut(&mut self) -> Vec<&mut String> {
        inline_fields!(self, mut)
    }
}

/// A source file as read: its path for messages and its text (UTF-8, without BOM,
/// with LF line endings), kept whole so that any diagnostic can quote its lines.
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    lines: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        SourceFile {
            path,
            text,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// Where its lines start, computed on first use.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// The byte offsets where the lines of a text start, so that finding the line of
/// an offset takes logarithmic time: many problems in one large file then cost
/// time in proportion to the file, not to the file times the problems.
#[derive(Clone, Debug)]
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(newlines(text).map(|at| at + 1));
        LineIndex(starts)
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|start| *start <= offset)
    }

    /// The byte offset where a 1-based line starts, if the text has it.
    pub fn start(&self, line: usize) -> Option<usize> {
        self.0.get(line.checked_sub(1)?).copied()
    }
}

fn newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(at, _)| at)
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceFile({})", self.path.display())
    }
}

/// One page of content after parsing.
#[derive(Clone, Debug)]
pub struct Document {
    pub kind: Kind,
    pub id: String,
    /// The path under `content/`, with `/` separators (`playbooks/mener-pilote.md`).
    pub rel_path: String,
    pub source: Arc<SourceFile>,
    /// Byte range of the front matter's YAML within `source.text`.
    pub front_matter: std::ops::Range<usize>,
    /// Byte offset of the body within `source.text`.
    pub body_start: usize,
    pub common: Common,
    pub data: KindData,
}

impl Document {
    pub fn body(&self) -> &str {
        &self.source.text[self.body_start..]
    }
    /// The 1-based line of the body's first line.
    pub fn body_line(&self) -> usize {
        line_of(&self.source.text, self.body_start)
    }
}

/// The 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(spec: &str) -> Vec<&'static str> {
        SizeSet::parse_spec(spec)
            .unwrap()
            .members()
            .map(Member::id)
            .collect()
    }

    #[test]
    fn size_specs_read_ids_and_ranges() {
        assert_eq!(sizes("medium+"), ["medium", "eti", "ge"]);
        assert_eq!(sizes("..small"), ["micro", "small"]);
        assert_eq!(sizes("small..eti"), ["small", "medium", "eti"]);
        assert_eq!(sizes("micro ge"), ["micro", "ge"]);
        assert_eq!(sizes("micro, medium+"), ["micro", "medium", "eti", "ge"]);
    }

    #[test]
    fn bad_size_specs_say_what_is_expected() {
        assert!(SizeSet::parse_spec("xl")
            .unwrap_err()
            .contains("micro, small, medium, eti, ge"));
        assert!(SizeSet::parse_spec("eti..small")
            .unwrap_err()
            .contains("empty"));
        assert!(SizeSet::parse_spec("").is_err());
    }

    #[test]
    fn front_matter_accepts_a_list_or_a_string() {
        let from_list: SizeSet = serde_yaml_ng::from_str("[micro, eti+]").unwrap();
        assert_eq!(from_list.ids(), "micro eti ge");
        let from_string: SectorSet = serde_yaml_ng::from_str("public").unwrap();
        assert_eq!(from_string.ids(), "public");
        assert!(serde_yaml_ng::from_str::<SizeSet>("[micro, huge]").is_err());
    }

    #[test]
    fn headcount_maps_to_the_french_categories() {
        assert_eq!(Size::from_headcount(9), Size::Micro);
        assert_eq!(Size::from_headcount(10), Size::Small);
        assert_eq!(Size::from_headcount(249), Size::Medium);
        assert_eq!(Size::from_headcount(250), Size::Eti);
        assert_eq!(Size::from_headcount(5000), Size::Ge);
    }
}
