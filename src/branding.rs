//! Branding: the edition's logo and colours checked against the theme they go
//! into. A client's colours are checked for contrast (WCAG 2.2, AA) in both colour
//! schemes against what the theme puts on and under them: the header's and the
//! buttons' text on the primary colour, links in the primary colour on the page,
//! the accent as text on the light page and as a marker on the dark one. A pair
//! that fails is a warning naming both colours, the ratio, and a colour near the
//! client's that passes; the site is built all the same, since a brand guide may
//! leave no choice.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::edition::{Edition, EDITION_FILE};
use crate::model::SourceFile;
use crate::spans::{Index, Key, Step, YamlSpans};

/// The ratio WCAG AA asks of text (1.4.3) and of the graphics that carry meaning
/// (1.4.11).
const TEXT: f64 = 4.5;
const GRAPHICS: f64 = 3.0;

/// What the default theme puts on and under the brand colours, when the edition's
/// style.css does not say (`--bg` and `--on-brand` in its `:root` blocks).
const LIGHT_BG: &str = "#fff";
const DARK_BG: &str = "#12161b";
const ON_BRAND: &str = "#fff";

/// An error for each image the branding names (the logo, the favicon) that is not
/// among the edition's theme files.
pub fn check_images(edition: &Edition, theme: &BTreeMap<String, Vec<u8>>) -> Vec<Diagnostic> {
    let branding = &edition.settings.branding;
    [("logo", &branding.logo), ("favicon", &branding.favicon)]
        .into_iter()
        .filter_map(|(what, file)| Some((what, file.as_ref()?)))
        .filter(|(_, file)| !theme.is_empty() && !theme.contains_key(*file))
        .map(|(what, file)| {
            let diagnostic = Diagnostic::error(format!("the {what} `{file}` is not in theme/"))
                .hint(
                    "put the image in the edition's theme/ folder and name it relative to theme/",
                );
            match locate(edition, &[Key("branding"), Key(what)]) {
                Some((source, span)) => diagnostic.at(&source, span),
                None => diagnostic.in_file(edition.root.join(EDITION_FILE)),
            }
        })
        .collect()
}

/// A warning for each brand colour that fails its contrast in a colour scheme.
pub fn contrast_warnings(edition: &Edition, theme: &BTreeMap<String, Vec<u8>>) -> Vec<Diagnostic> {
    let css = theme
        .get("style.css")
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default();
    let light = Tokens::of(&css, ":root {", LIGHT_BG);
    let dark = Tokens::of(&css, ":root[data-theme=\"dark\"] {", DARK_BG);
    let colours = &edition.settings.branding.colors;
    let mut warnings = Vec::new();
    let mut check = |key: &str, colour: &Option<String>, checks: &[Check]| {
        let Some(colour) = colour.as_deref() else {
            return;
        };
        let Some(rgb) = parse_hex(colour) else {
            return; // the edition's loading refused it already
        };
        // Pairs against one colour, for one ratio, make one warning.
        let mut merged: Vec<Check> = Vec::new();
        for check in checks {
            match merged
                .iter_mut()
                .find(|m| m.other == check.other && m.needed == check.needed)
            {
                Some(m) => m.role = format!("{}, and {}", m.role, check.role),
                None => merged.push(Check::new(&check.role, &check.other, check.needed)),
            }
        }
        for check in &merged {
            let Some(other) = parse_hex(&check.other) else {
                continue;
            };
            let ratio = contrast(rgb, other);
            if ratio + 1e-9 >= check.needed {
                continue;
            }
            let mut warning = Diagnostic::warning(format!(
                "the {key} colour {colour} against {} ({}) has a contrast of {ratio:.1}:1, below the {}:1 that WCAG AA asks",
                check.other, check.role, check.needed
            ))
            .hint(match nearest_passing(rgb, other, check.needed) {
                Some(better) => format!(
                    "some readers will not see it; {better} is the nearest shade of {colour} that passes ({:.1}:1)",
                    contrast(parse_hex(&better).expect("a colour we wrote"), other)
                ),
                None => "some readers will not see it; choose a colour further from it".to_string(),
            });
            warning = match locate(edition, &[Key("branding"), Key("colors"), Key(key)]) {
                Some((source, span)) => warning.at(&source, span),
                None => warning.in_file(edition.root.join(EDITION_FILE)),
            };
            warnings.push(warning);
        }
    };
    let mut primary = vec![
        Check::new(
            "the header's and buttons' text on it",
            &light.on_brand,
            TEXT,
        ),
        Check::new("the page under its links", &light.bg, TEXT),
    ];
    if dark.on_brand != light.on_brand {
        primary.push(Check::new(
            "the header's text on it, dark scheme",
            &dark.on_brand,
            TEXT,
        ));
    }
    check("primary", &colours.primary, &primary);
    check(
        "accent",
        &colours.accent,
        &[
            Check::new("the page under it as text", &light.bg, TEXT),
            Check::new(
                "the dark scheme's page under it as a marker",
                &dark.bg,
                GRAPHICS,
            ),
        ],
    );
    warnings
}

/// One pair to check: what the colour meets, where, and the ratio it needs.
struct Check {
    role: String,
    other: String,
    needed: f64,
}

impl Check {
    fn new(role: &str, other: &str, needed: f64) -> Check {
        Check {
            role: role.to_string(),
            other: other.to_string(),
            needed,
        }
    }
}

/// The page's background and the text on the brand colour, in one scheme.
#[derive(PartialEq)]
struct Tokens {
    bg: String,
    on_brand: String,
}

impl Tokens {
    /// The values the first block opening with `opening` gives; the light scheme's
    /// (or the defaults) for what it leaves out.
    fn of(css: &str, opening: &str, default_bg: &str) -> Tokens {
        let block = css
            .find(opening)
            .map(|at| &css[at + opening.len()..])
            .map(|rest| &rest[..rest.find('}').unwrap_or(rest.len())])
            .unwrap_or("");
        let light = css
            .find(":root {")
            .map(|at| &css[at..])
            .map(|rest| &rest[..rest.find('}').unwrap_or(rest.len())])
            .unwrap_or("");
        let token = |name: &str, default: &str| {
            [block, light]
                .iter()
                .find_map(|b| property(b, name))
                .filter(|v| parse_hex(v).is_some())
                .unwrap_or(default)
                .to_string()
        };
        Tokens {
            bg: property(block, "--bg")
                .filter(|v| parse_hex(v).is_some())
                .unwrap_or(default_bg)
                .to_string(),
            on_brand: token("--on-brand", ON_BRAND),
        }
    }
}

/// The value of the custom property `name` in a block of declarations.
fn property<'a>(block: &'a str, name: &str) -> Option<&'a str> {
    block.split(';').find_map(|declaration| {
        let (key, value) = declaration.split_once(':')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// `#rgb` or `#rrggbb` as three bytes.
fn parse_hex(text: &str) -> Option<[u8; 3]> {
    let digits = text.trim().strip_prefix('#')?;
    let byte = |s: &str| u8::from_str_radix(s, 16).ok();
    match digits.len() {
        3 => {
            let mut rgb = [0; 3];
            for (i, c) in digits.chars().enumerate() {
                rgb[i] = byte(&c.to_string())? * 17;
            }
            Some(rgb)
        }
        6 => Some([
            byte(&digits[0..2])?,
            byte(&digits[2..4])?,
            byte(&digits[4..6])?,
        ]),
        _ => None,
    }
}

/// WCAG's relative luminance.
fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// WCAG's contrast ratio, 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The colour nearest `colour`, mixed towards black or white (away from `other`),
/// that reaches `needed` against `other`.
fn nearest_passing(colour: [u8; 3], other: [u8; 3], needed: f64) -> Option<String> {
    let towards = if luminance(other) > 0.18 { 0.0 } else { 255.0 };
    (1..=100).find_map(|step| {
        let t = step as f64 / 100.0;
        let mixed = colour.map(|c| (c as f64 + (towards - c as f64) * t).round() as u8);
        (contrast(mixed, other) >= needed)
            .then(|| format!("#{:02x}{:02x}{:02x}", mixed[0], mixed[1], mixed[2]))
    })
}

/// Where the nearest layer whose handbook.yaml sets the setting at `keys` sets it.
fn locate(edition: &Edition, keys: &[Step]) -> Option<(Arc<SourceFile>, std::ops::Range<usize>)> {
    edition.layers.iter().rev().find_map(|layer| {
        let path = layer.root.join(EDITION_FILE);
        let text = std::fs::read_to_string(&path).ok()?;
        let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).ok()?;
        keys.iter().try_fold(&value, |value, step| match step {
            Key(key) => value.get(key),
            Index(i) => value.get(i),
        })?;
        let span = YamlSpans::new(&text, 0).value_or_key(keys);
        Some((Arc::new(SourceFile::new(path, text)), span))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_is_wcags() {
        let (black, white) = ([0, 0, 0], [255, 255, 255]);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #767676 on white is the lightest grey that passes AA, at 4.54:1.
        let grey = parse_hex("#767676").unwrap();
        assert!((contrast(grey, white) - 4.54).abs() < 0.01);
        assert_eq!(parse_hex("#fff"), Some(white));
        assert_eq!(parse_hex("#12g"), None);
    }

    #[test]
    fn the_suggestion_passes_and_stays_near() {
        let (yellow, white) = (parse_hex("#ffd400").unwrap(), [255, 255, 255]);
        let better = nearest_passing(yellow, white, TEXT).unwrap();
        let rgb = parse_hex(&better).unwrap();
        assert!(contrast(rgb, white) >= TEXT);
        // One step less dark would not pass.
        assert!(
            contrast(
                [rgb[0].saturating_add(3), rgb[1].saturating_add(3), rgb[2]],
                white
            ) < TEXT + 0.2
        );
    }

    #[test]
    fn the_theme_tokens_are_read_from_its_root_blocks() {
        let css = ":root {\n  --bg: #fafafa;\n  --on-brand: #000;\n}\n:root[data-theme=\"dark\"] {\n  --bg: #000000; --text: #fff;\n}\n";
        let light = Tokens::of(css, ":root {", LIGHT_BG);
        let dark = Tokens::of(css, ":root[data-theme=\"dark\"] {", DARK_BG);
        assert_eq!(
            (light.bg.as_str(), light.on_brand.as_str()),
            ("#fafafa", "#000")
        );
        assert_eq!(
            (dark.bg.as_str(), dark.on_brand.as_str()),
            ("#000000", "#000")
        );
        let none = Tokens::of("", ":root {", LIGHT_BG);
        assert_eq!(
            (none.bg.as_str(), none.on_brand.as_str()),
            (LIGHT_BG, ON_BRAND)
        );
    }
}
