//! The site's assets, under `assets/`: the theme's files (the edition's own over
//! the built-in ones), the code colours, and the edition's branding as CSS.

use std::collections::BTreeMap;

use crate::edition::Settings;
use crate::markdown;
use crate::urls;

/// The asset files of a site, by path from its root.
pub fn files(settings: &Settings, theme: BTreeMap<String, Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let (code_light, code_dark) = markdown::highlight_css();
    let mut files: Vec<(String, Vec<u8>)> = theme
        .into_iter()
        .map(|(path, bytes)| (urls::asset(&path), bytes))
        .collect();
    files.push((urls::asset("highlight.css"), code_light.into_bytes()));
    files.push((urls::asset("highlight-dark.css"), code_dark.into_bytes()));
    files.push((
        urls::asset("edition.css"),
        edition_css(settings).into_bytes(),
    ));
    files
}

fn edition_css(settings: &Settings) -> String {
    let colours = &settings.branding.colors;
    let mut css = String::from("/* Generated from the edition's branding. */\n:root {\n");
    if let Some(primary) = &colours.primary {
        css.push_str(&format!("  --brand-primary: {primary};\n"));
    }
    if let Some(accent) = &colours.accent {
        css.push_str(&format!("  --brand-accent: {accent};\n"));
    }
    css.push_str("}\n");
    css
}
