//! TOML files a person writes (a class roster, an exceptions file): every
//! problem found in one reading, each as `FILE:LINE: field `NAME`: problem`
//! in the learner's language, sorted by line, then reported at once.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::error::Error;
use crate::i18n::{Lang, tr, trf};

/// One file being read, and the problems found so far.
pub(crate) struct Problems<'a> {
    text: &'a str,
    pub file: String,
    pub lang: Lang,
    found: Vec<(usize, String)>,
}

/// A field's value as the readers of these files take it: text, or a TOML
/// date (written as text), or a table.
pub(crate) enum Value<'t, 'a> {
    Text(String),
    Table(&'t DeTable<'a>),
}

/// One known field of a table: its name, value and line.
pub(crate) struct Field<'t, 'a> {
    pub name: String,
    pub value: Value<'t, 'a>,
    pub line: usize,
}

impl Field<'_, '_> {
    pub(crate) fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text(text) => Some(text),
            Value::Table(_) => None,
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl<'a> Problems<'a> {
    /// Parses `text` (named `origin` in messages): the root table, or every
    /// syntax error with its line (then nothing else is read).
    pub(crate) fn parse(text: &'a str, origin: &Path, lang: Lang) -> (Problems<'a>, Option<DeTable<'a>>) {
        let mut problems = Problems {
            text,
            file: origin.display().to_string(),
            lang,
            found: Vec::new(),
        };
        let (root, errors) = DeTable::parse_recoverable(text);
        if errors.is_empty() {
            return (problems, Some(root.into_inner()));
        }
        for e in errors {
            let line = e.span().map_or(1, |span| line_of(text, span.start));
            // The parser's first line says what is wrong; the rest repeats the source.
            let problem = e.message().lines().next().unwrap_or("").to_string();
            let message = trf(
                lang,
                "toml.syntax",
                &[("file", &problems.file), ("line", &line), ("problem", &problem)],
            );
            problems.found.push((line, message));
        }
        (problems, None)
    }

    /// A problem with a field: `class.toml:6: field `acount_id`: …`.
    pub(crate) fn field(&mut self, line: usize, field: &str, problem: String) {
        let message = trf(
            self.lang,
            "toml.invalid",
            &[
                ("file", &self.file),
                ("line", &line),
                ("field", &field),
                ("problem", &problem),
            ],
        );
        self.found.push((line, message));
    }

    /// The line a span starts on.
    pub(crate) fn at(&self, span: std::ops::Range<usize>) -> usize {
        line_of(self.text, span.start)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// How many problems were found so far.
    pub(crate) fn len(&self) -> usize {
        self.found.len()
    }

    /// The table's known fields whose value is text (or a date, or a table
    /// where `tables` names it); anything else named is a problem: an
    /// unknown field (with the closest known one), a value of another kind.
    pub(crate) fn fields<'t>(&mut self, table: &'t DeTable<'a>, known: &[&str], tables: &[&str]) -> Vec<Field<'t, 'a>> {
        let mut fields = Vec::new();
        for (key, value) in table.iter() {
            let line = self.at(key.span());
            let name: &str = key.get_ref();
            if !known.contains(&name) {
                let near = crate::util::closest(name, known.iter().copied())
                    .map(|k| trf(self.lang, "toml.did_you_mean", &[("field", &k)]))
                    .unwrap_or_default();
                let problem = trf(
                    self.lang,
                    "toml.unknown_field",
                    &[("known", &known.join(", ")), ("near", &near)],
                );
                self.field(line, name, problem);
                continue;
            }
            let value = match value.get_ref() {
                DeValue::String(text) => Value::Text(text.to_string()),
                DeValue::Datetime(date) => Value::Text(date.to_string()),
                DeValue::Table(inner) if tables.contains(&name) => Value::Table(inner),
                _ => {
                    self.field(line, name, tr(self.lang, "toml.not_text").to_string());
                    continue;
                }
            };
            fields.push(Field {
                name: name.to_string(),
                value,
                line,
            });
        }
        fields
    }

    /// The table's fields, all text (a roster's).
    pub(crate) fn strings(&mut self, table: &DeTable<'a>, known: &[&str]) -> Vec<(String, String, usize)> {
        self.fields(table, known, &[])
            .into_iter()
            .filter_map(|f| Some((f.name.clone(), f.text()?.to_string(), f.line)))
            .collect()
    }

    /// One problem as it is; several under a line saying how many (`header`
    /// is the message key, with `{file}` and `{count}`), by line.
    pub(crate) fn into_error(mut self, header: &str) -> Error {
        self.found.sort_by_key(|(line, _)| *line);
        let lines: Vec<String> = self.found.into_iter().map(|(_, m)| m).collect();
        if lines.len() == 1 {
            return Error::Usage(lines.into_iter().next().unwrap_or_default());
        }
        let mut text = trf(self.lang, header, &[("file", &self.file), ("count", &lines.len())]);
        for line in lines {
            text.push_str(&format!("\n  {line}"));
        }
        Error::Usage(text)
    }
}
