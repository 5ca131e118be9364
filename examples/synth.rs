//! Writes a synthetic edition for benchmarks: N pages of about 4 KB of French
//! Markdown each (headings, lists, a code block, links between pages), and the
//! config and trivial layouts Hugo needs to build the same pages.
//!
//!     cargo run --release --example synth -- 10000 /tmp/synth-10000 [--raw-html]
//!
//! With `--raw-html`, each page also holds raw HTML (a `details` block with an
//! `abbr`, and a `script` the sanitiser removes), so that a benchmark can weigh the
//! sanitiser: the same pages under `raw_html: sanitise` and `raw_html: allow`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "l'intelligence",
    "artificielle",
    "gouvernance",
    "sécurité",
    "données",
    "collaborateurs",
    "référent",
    "éthique",
    "déploiement",
    "expérimentation",
    "accompagnement",
    "compétences",
    "organisation",
    "projet",
    "décision",
    "responsabilité",
    "transparence",
    "confidentialité",
    "modèle",
    "utilisateurs",
    "managers",
    "formation",
    "charte",
    "pilote",
    "évaluation",
    "risques",
    "conformité",
    "règlement",
    "qualité",
    "explicabilité",
    "biais",
    "usage",
    "outil",
    "équipe",
    "direction",
    "stratégie",
    "valeur",
    "processus",
    "métier",
    "clients",
    "générative",
    "acculturation",
    "d'abord",
    "qu'il",
    "s'appuyer",
    "c'est",
    "être",
    "mise",
    "œuvre",
    "à",
    "de",
    "la",
    "le",
    "les",
    "des",
    "et",
    "pour",
    "avec",
    "dans",
    "sur",
    "une",
    "un",
];

/// A small deterministic generator, so every run writes the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(WORDS[self.next(WORDS.len())]);
        }
        let mut chars = s.chars();
        let first = chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default();
        format!("{first}{}.", chars.as_str())
    }
}

fn page(i: usize, pages: usize, rng: &mut Lcg, raw_html: bool) -> String {
    let mut md = String::with_capacity(4600);
    let _ = write!(
        md,
        "---\ntitle: \"Page {i} : {}\"\nsummary: \"{}\"\ntags: [{}]\n---\n",
        rng.sentence(4).trim_end_matches('.'),
        rng.sentence(14),
        ["gouvernance", "sécurité", "formation", "pilote", "éthique"][i % 5]
    );
    for section in 0..4 {
        let _ = write!(
            md,
            "\n## {} {section}\n\n",
            rng.sentence(3).trim_end_matches('.')
        );
        for _ in 0..2 {
            let _ = writeln!(
                md,
                "{} {} {}\n",
                rng.sentence(14),
                rng.sentence(12),
                rng.sentence(10)
            );
        }
        for _ in 0..3 {
            let _ = writeln!(md, "- {}", rng.sentence(8));
        }
        let target = rng.next(pages);
        let _ = writeln!(
            md,
            "\nVoir aussi [la page {target}](p{target:05}.md) et [ce passage](#{}).",
            anchor(&md)
        );
        if section == 2 {
            // Each page's block differs, so that no cache of highlighted code helps.
            let _ = write!(
                md,
                "\n```yaml\ngouvernance:\n  page: {i}\n  referent: \"{}\"\n  revue: {} # mois\n  outils: [assistant, traduction]\n```\n",
                rng.sentence(2).trim_end_matches('.'),
                rng.next(24) + 1
            );
        }
    }
    if raw_html {
        let _ = write!(
            md,
            "\n<details><summary>{}</summary>\n\n{} <abbr title=\"intelligence artificielle\">IA</abbr>.\n\n</details>\n\n<script>alert({i})</script>\n",
            rng.sentence(3).trim_end_matches('.'),
            rng.sentence(12)
        );
    }
    md
}

/// The id of the page's first second-level heading, as gouvernail derives it.
fn anchor(md: &str) -> String {
    let heading = md
        .lines()
        .find_map(|l| l.strip_prefix("## "))
        .unwrap_or_default();
    slug::slugify(heading)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(pages), Some(out)) = (
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: synth PAGES OUT_DIR [--raw-html]");
        std::process::exit(2);
    };
    let raw_html = args.iter().any(|a| a == "--raw-html");
    let out = Path::new(out);
    let _ = fs::remove_dir_all(out);
    let content = out.join("content/pages");
    fs::create_dir_all(&content).expect("create the content folder");
    fs::write(
        out.join("handbook.yaml"),
        "title: Synthétique\nlanguage: fr\nsearch:\n  enabled: false\n",
    )
    .unwrap();
    let mut rng = Lcg(42);
    let mut bytes = 0;
    for i in 0..pages {
        let text = page(i, pages, &mut rng, raw_html);
        bytes += text.len();
        fs::write(content.join(format!("p{i:05}.md")), text).unwrap();
    }
    // Hugo: the same content folder, trivial layouts.
    fs::write(out.join("hugo.toml"), "baseURL = '/'\nlanguageCode = 'fr'\ntitle = 'Synthétique'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n[markup.goldmark.renderer]\nunsafe = true\n").unwrap();
    fs::create_dir_all(out.join("layouts/_default")).unwrap();
    fs::write(out.join("layouts/_default/single.html"), "<!DOCTYPE html><html lang=\"fr\"><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n").unwrap();
    fs::write(out.join("layouts/_default/list.html"), "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n").unwrap();
    fs::write(out.join("layouts/index.html"), "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ len .Site.RegularPages }}</body></html>\n").unwrap();
    println!(
        "wrote {pages} pages, {:.1} KB each on average, into {}",
        bytes as f64 / pages as f64 / 1024.0,
        out.display()
    );
}
