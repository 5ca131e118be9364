//! The site's URL scheme and anchors, in one place: every stage that names a page, a
//! list of pages, a download, an asset or an anchor asks here.
//!
//! Every URL is relative to the site's root ("procedures/mener-pilote.html");
//! templates prefix it with `root`, the way back to the root from the current page,
//! so links work from file://, from any sub-path and from any static server. The
//! folders follow the language, so a French handbook's playbooks are under
//! `procedures/`.

use crate::edition::Language;
use crate::model::Kind;

/// The home page.
pub const HOME: &str = "index.html";

/// The page a server shows for a missing URL.
pub const NOT_FOUND: &str = "404.html";

/// The folder of the site's theme files, styles and scripts.
pub const ASSETS: &str = "assets";

/// The URL folder of a kind's pages.
pub fn segment(language: Language, kind: Kind) -> &'static str {
    match (language, kind) {
        (Language::Fr, Kind::Playbook) => "procedures",
        (Language::Fr, Kind::Charter) => "chartes",
        (Language::Fr, Kind::Myth) => "idees-recues",
        (Language::Fr, Kind::Comms) => "communication",
        (Language::Fr, Kind::Case) => "cas",
        (Language::Fr, Kind::Assessment) => "autodiagnostic",
        (Language::En, Kind::Playbook) => "playbooks",
        (Language::En, Kind::Charter) => "charters",
        (Language::En, Kind::Myth) => "myths",
        (Language::En, Kind::Comms) => "comms",
        (Language::En, Kind::Case) => "cases",
        (Language::En, Kind::Assessment) => "assessments",
        (_, Kind::Role) => "roles",
        (_, Kind::Page) => "pages",
    }
}

/// A content page.
pub fn page(language: Language, kind: Kind, id: &str) -> String {
    format!("{}/{id}.html", segment(language, kind))
}

/// The list of a kind's pages.
pub fn section(language: Language, kind: Kind) -> String {
    format!("{}/index.html", segment(language, kind))
}

fn tags_segment(language: Language) -> &'static str {
    match language {
        Language::Fr => "etiquettes",
        Language::En => "tags",
    }
}

/// The list of every tag.
pub fn tags_index(language: Language) -> String {
    format!("{}/index.html", tags_segment(language))
}

/// The page of one tag.
pub fn tag(language: Language, tag: &str) -> String {
    format!("{}/{}.html", tags_segment(language), tag_slug(tag))
}

/// A tag as a file name. A tag that gives none (no letter or digit), or one that
/// would be the tag list's, is refused when its page is parsed.
pub fn tag_slug(tag: &str) -> String {
    slug::slugify(tag)
}

/// Page `number` (from 1) of a generated list whose first page is `first`: the
/// first keeps its URL, the next go in a folder of its name
/// (`procedures/index/2.html`), where no page id can be.
pub fn list_page(first: &str, number: usize) -> String {
    if number <= 1 {
        first.to_string()
    } else {
        format!("{}/{number}.html", first.trim_end_matches(".html"))
    }
}

/// The print book: every page in one.
pub fn print(language: Language) -> &'static str {
    match language {
        Language::Fr => "impression.html",
        Language::En => "print.html",
    }
}

/// The full search page.
pub fn search(language: Language) -> &'static str {
    match language {
        Language::Fr => "recherche.html",
        Language::En => "search.html",
    }
}

/// The matrix of every playbook × role.
pub fn raci(_language: Language) -> &'static str {
    "raci.html"
}

/// A charter's downloadable Markdown template, beside its page.
pub fn download(page_url: &str) -> String {
    format!("{}.md", page_url.trim_end_matches(".html"))
}

/// A charter's Word document, beside its page.
pub fn word_download(page_url: &str) -> String {
    format!("{}.docx", page_url.trim_end_matches(".html"))
}

/// A file of the theme (or one the build makes for it), by its path in `assets/`.
pub fn asset(path: &str) -> String {
    format!("{ASSETS}/{path}")
}

/// The folder of the files copied from content/ (images, attachments).
pub const MEDIA: &str = "media";

/// A file of content/ that is not a page, by its path under content/: it keeps
/// its place under `media/`, each segment percent-encoded.
pub fn attachment(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}')
        .add(b'\'');
    let encoded: Vec<String> = path
        .split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect();
    format!("{MEDIA}/{}", encoded.join("/"))
}

/// Where an attachment is written, by its path under content/.
pub fn attachment_file(path: &str) -> String {
    format!("{MEDIA}/{path}")
}

/// The way back to the site's root from a page at `url`.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// A playbook step on its page.
pub fn step_anchor(id: &str) -> String {
    format!("step-{id}")
}

/// A charter clause that has an id, on its page.
pub fn clause_anchor(id: &str) -> String {
    format!("clause-{id}")
}

/// An assessment question on its page.
pub fn question_anchor(id: &str) -> String {
    format!("q-{id}")
}

/// The anchor of a routed assessment's outcome.
pub fn outcome_anchor(id: &str) -> String {
    format!("r-{id}")
}

/// A page's article in the print book.
pub fn book_article(id: &str) -> String {
    format!("page-{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_to_the_root_has_one_step_per_folder() {
        assert_eq!(root_of(HOME), "");
        assert_eq!(root_of(&page(Language::Fr, Kind::Playbook, "a")), "../");
        assert_eq!(root_of("a/b/c.html"), "../../");
    }

    #[test]
    fn every_kind_has_its_own_folder_in_each_language() {
        for language in [Language::Fr, Language::En] {
            let mut folders: Vec<&str> = Kind::ALL.iter().map(|&k| segment(language, k)).collect();
            folders.push(tags_segment(language));
            folders.push(ASSETS);
            let count = folders.len();
            folders.sort_unstable();
            folders.dedup();
            assert_eq!(folders.len(), count, "{language:?}: {folders:?}");
        }
    }

    #[test]
    fn a_list_s_later_pages_sit_in_a_folder_no_page_id_can_name() {
        let first = section(Language::Fr, Kind::Playbook);
        assert_eq!(list_page(&first, 1), first);
        assert_eq!(list_page(&first, 3), "procedures/index/3.html");
        assert_eq!(
            list_page(&tag(Language::Fr, "IA"), 2),
            "etiquettes/ia/2.html"
        );
    }

    #[test]
    fn tags_are_folded_into_file_names() {
        assert_eq!(
            tag(Language::Fr, "Données & IA"),
            "etiquettes/donnees-ia.html"
        );
        assert_eq!(tag_slug("Pilote"), tag_slug("pilote"));
        assert_eq!(tag_slug("!!!"), "");
    }
}
