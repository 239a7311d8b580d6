//! User-facing messages in both languages. The text lives in `messages.toml`
//! (pt-BR and English side by side); a test keeps the two in step.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Pt,
    En,
}

impl Lang {
    /// The default language, from the locale variables in gettext's order:
    /// `LANGUAGE` (its first entry: it is a list such as `pt_BR:en`), then
    /// `LC_ALL`, `LC_MESSAGES`, `LANG`; the first one set and not empty
    /// decides: `pt*` gives Portuguese, anything else English.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| var(name))
            .map(|value| value.split(':').next().unwrap_or("").trim().to_string())
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("pt") {
            Lang::Pt
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Pt => "pt",
            Lang::En => "en",
        }
    }
}

/// Text in both languages, as course data writes it (`{ pt = …, en = … }`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub pt: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Pt => &self.pt,
            Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Entry {
    pub(crate) pt: String,
    pub(crate) en: String,
}

pub(crate) const SOURCE: &str = include_str!("messages.toml");

pub(crate) static MESSAGES: LazyLock<HashMap<String, Entry>> =
    LazyLock::new(|| toml::from_str(SOURCE).expect("src/messages.toml is checked by tests"));

/// The message `key` in `lang`. An unknown key is a programming error caught
/// by the test that scans the sources; at run time it shows the key itself
/// rather than crashing a learner's session.
pub fn tr(lang: Lang, key: &str) -> &'static str {
    match MESSAGES.get(key) {
        Some(entry) => match lang {
            Lang::Pt => entry.pt.as_str(),
            Lang::En => entry.en.as_str(),
        },
        None => {
            debug_assert!(false, "unknown message key {key}");
            Box::leak(key.to_string().into_boxed_str())
        }
    }
}

/// The message `key` in `lang`, when there is one (for keys built at run
/// time, such as the command line's `help.*`).
pub(crate) fn get(lang: Lang, key: &str) -> Option<&'static str> {
    MESSAGES.get(key).map(|entry| match lang {
        Lang::Pt => entry.pt.as_str(),
        Lang::En => entry.en.as_str(),
    })
}

/// `tr` with `{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut text = tr(lang, key).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// A number written the program's way (`1234.5`, `-0.25`) in the learner's
/// notation: Portuguese puts a decimal comma and groups thousands with a
/// point (`1.234,5`); English is left as written.
pub(crate) fn number(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    if !whole.chars().all(|c| c.is_ascii_digit()) {
        return text.replace('.', ",");
    }
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `value` with `decimals` decimals, in the learner's notation.
pub(crate) fn fixed(value: f64, decimals: usize, lang: Lang) -> String {
    number(&format!("{value:.decimals$}"), lang)
}

/// `value` as Rust prints it (no trailing zeros: `12.5`, `2`), in the
/// learner's notation.
pub(crate) fn num(value: f64, lang: Lang) -> String {
    number(&value.to_string(), lang)
}

/// The `{name}` placeholders of a text, sorted, for the in-step checks.
pub(crate) fn placeholders(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portuguese_numbers_have_a_decimal_comma_and_a_thousands_point() {
        assert_eq!(number("23.09", Lang::Pt), "23,09");
        assert_eq!(number("1234.5", Lang::Pt), "1.234,5");
        assert_eq!(number("20440", Lang::Pt), "20.440");
        assert_eq!(number("-1234567.891", Lang::Pt), "-1.234.567,891");
        assert_eq!(number("999", Lang::Pt), "999");
        assert_eq!(number("1234.5", Lang::En), "1234.5");
        assert_eq!(fixed(23.0912, 2, Lang::Pt), "23,09");
        assert_eq!(num(12.5, Lang::Pt), "12,5");
        assert_eq!(num(2.0, Lang::Pt), "2");
    }

    fn lang(vars: &[(&str, &str)]) -> Lang {
        Lang::from_env(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn language_comes_from_language_lc_all_lc_messages_then_lang() {
        assert_eq!(lang(&[("LC_ALL", "pt_BR.UTF-8"), ("LANG", "en_US")]), Lang::Pt);
        assert_eq!(lang(&[("LC_ALL", "en_GB.UTF-8"), ("LANG", "pt_BR")]), Lang::En);
        assert_eq!(lang(&[("LC_ALL", ""), ("LANG", "pt_PT.UTF-8")]), Lang::Pt);
        assert_eq!(lang(&[("LANG", "C.UTF-8")]), Lang::En);
        assert_eq!(lang(&[]), Lang::En);
        // LANGUAGE first, its first entry; LC_MESSAGES before LANG.
        assert_eq!(lang(&[("LANGUAGE", "pt_BR:en"), ("LC_ALL", "en_US.UTF-8")]), Lang::Pt);
        assert_eq!(lang(&[("LANGUAGE", "en:pt"), ("LANG", "pt_BR")]), Lang::En);
        assert_eq!(
            lang(&[("LANGUAGE", ""), ("LC_MESSAGES", "pt_BR"), ("LANG", "en_US")]),
            Lang::Pt
        );
        assert_eq!(lang(&[("LC_MESSAGES", "en_US"), ("LANG", "pt_BR")]), Lang::En);
    }

    #[test]
    fn every_message_exists_in_both_languages_with_the_same_placeholders() {
        assert!(!MESSAGES.is_empty());
        for (key, entry) in MESSAGES.iter() {
            assert!(!entry.pt.trim().is_empty(), "{key}: empty pt text");
            assert!(!entry.en.trim().is_empty(), "{key}: empty en text");
            assert_eq!(
                placeholders(&entry.pt),
                placeholders(&entry.en),
                "{key}: placeholders differ between pt and en"
            );
        }
    }

    /// Every `tr(…, "key")`/`trf(…, "key", …)` in the sources names a key that
    /// exists, and every key in the file appears in the sources as a literal
    /// (some are chosen by a `match` before the call).
    #[test]
    fn every_key_used_in_the_code_exists_and_none_is_unused() {
        let mut used = std::collections::BTreeSet::new();
        let mut sources = String::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    used.extend(message_keys_in(&text));
                    sources.push_str(&text);
                }
            }
        }
        for key in &used {
            assert!(
                MESSAGES.contains_key(key),
                "key {key:?} used in src/ but missing from messages.toml"
            );
        }
        // `help.*` keys are looked up by the command line's own paths; the
        // test in cli.rs checks each names a real command or argument.
        for key in MESSAGES.keys().filter(|k| !k.starts_with("help.")) {
            assert!(
                sources.contains(&format!("\"{key}\"")),
                "key {key:?} in messages.toml is never used"
            );
        }
    }

    /// Keys are written as string literals whose text looks like `area.name`
    /// right after `tr(` / `trf(` and a language argument.
    fn message_keys_in(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for call in ["tr(", "trf("] {
            for (at, _) in text.match_indices(call) {
                // Whole words only: `from_str(` is not a call of `tr(`.
                if text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    continue;
                }
                let rest = &text[at + call.len()..];
                let Some(quote) = rest.find('"') else { continue };
                // The key is the first literal after the language argument, on the same call.
                if rest[..quote].contains(')') || rest[..quote].contains(';') {
                    continue;
                }
                let lit = &rest[quote + 1..];
                if let Some(end) = lit.find('"') {
                    let key = &lit[..end];
                    if key.contains('.') && !key.contains(' ') && !key.contains('{') {
                        keys.push(key.to_string());
                    }
                }
            }
        }
        keys
    }
}
