//! The class roster (TOML): who the students are and how to reach each
//! account. Every problem names the file, the line and the field.

use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::aws::access::Access;
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};

/// The fields of `[defaults]` and of a `[[student]]`.
const DEFAULTS: [&str; 3] = ["region", "role_name", "external_id"];
const FIELDS: [&str; 9] = [
    "name",
    "profile",
    "role_arn",
    "role_name",
    "account_id",
    "external_id",
    "region",
    "domain_id",
    "user_profile",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Student {
    pub name: String,
    pub access: Access,
    pub region: Option<String>,
    /// The account the roster says this is (from `account_id` or the role ARN).
    pub account: Option<String>,
    /// Narrow the Studio checks to one domain or user profile.
    pub domain_id: Option<String>,
    pub user_profile: Option<String>,
    /// Line of the `[[student]]` entry, for messages.
    pub line: usize,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn account_of_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())).then(|| account.to_string())
}

/// Every problem of a roster, each with its line, found in one reading.
struct Problems<'a> {
    text: &'a str,
    file: String,
    lang: Lang,
    found: Vec<(usize, String)>,
}

impl Problems<'_> {
    /// A problem with a field: `class.toml:6: field `acount_id`: …`.
    fn field(&mut self, line: usize, field: &str, problem: String) {
        let message = trf(
            self.lang,
            "roster.invalid",
            &[
                ("file", &self.file),
                ("line", &line),
                ("field", &field),
                ("problem", &problem),
            ],
        );
        self.found.push((line, message));
    }

    fn at(&self, span: std::ops::Range<usize>) -> usize {
        line_of(self.text, span.start)
    }

    /// The table's string fields; anything else named, or not a string, is a
    /// problem (an unknown field with the closest known one).
    fn strings(&mut self, table: &DeTable<'_>, known: &[&str]) -> Vec<(String, String, usize)> {
        let mut fields = Vec::new();
        for (key, value) in table.iter() {
            let line = self.at(key.span());
            let name: &str = key.get_ref();
            if !known.contains(&name) {
                let near = known
                    .iter()
                    .map(|k| (crate::catalog::edit_distance(name, k), *k))
                    .min()
                    .filter(|(d, _)| *d <= 2)
                    .map(|(_, k)| trf(self.lang, "roster.did_you_mean", &[("field", &k)]))
                    .unwrap_or_default();
                let problem = trf(
                    self.lang,
                    "roster.unknown_field",
                    &[("known", &known.join(", ")), ("near", &near)],
                );
                self.field(line, name, problem);
                continue;
            }
            match value.get_ref() {
                DeValue::String(text) => fields.push((name.to_string(), text.to_string(), line)),
                _ => self.field(line, name, tr(self.lang, "roster.not_text").to_string()),
            }
        }
        fields
    }
}

fn get(fields: &[(String, String, usize)], name: &str) -> Option<String> {
    fields.iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v.clone())
}

/// Parses a roster; `origin` names it in messages. Every problem is
/// reported at once, each naming the file, the line and the field.
pub fn parse(text: &str, origin: &Path, lang: Lang) -> Result<Vec<Student>> {
    let mut problems = Problems {
        text,
        file: origin.display().to_string(),
        lang,
        found: Vec::new(),
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            let line = e.span().map_or(1, |span| line_of(text, span.start));
            // The parser's first line says what is wrong; the rest repeats the source.
            let problem = e.message().lines().next().unwrap_or("").to_string();
            let message = trf(
                lang,
                "roster.syntax",
                &[("file", &problems.file), ("line", &line), ("problem", &problem)],
            );
            problems.found.push((line, message));
        }
        return Err(problems.into_error(lang));
    }
    let mut defaults = Vec::new();
    let mut entries: Vec<&Spanned<DeValue<'_>>> = Vec::new();
    for (key, value) in root.get_ref().iter() {
        let line = problems.at(key.span());
        match (&**key.get_ref(), value.get_ref()) {
            ("defaults", DeValue::Table(table)) => defaults = problems.strings(table, &DEFAULTS),
            ("student", DeValue::Array(array)) => entries.extend(array.iter()),
            (name @ ("defaults" | "student"), _) => {
                problems.field(line, name, tr(lang, "roster.wrong_shape").to_string());
            }
            (name, _) => problems.field(line, name, tr(lang, "roster.unknown_section").to_string()),
        }
    }
    if entries.is_empty() && problems.found.is_empty() {
        problems.field(1, "student", tr(lang, "roster.no_students").to_string());
    }
    let default = |name: &str| get(&defaults, name);
    let mut students: Vec<Student> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for entry in entries {
        let line = problems.at(entry.span());
        let DeValue::Table(table) = entry.get_ref() else {
            problems.field(line, "student", tr(lang, "roster.wrong_shape").to_string());
            continue;
        };
        let fields = problems.strings(table, &FIELDS);
        let field = |name: &str| get(&fields, name);
        let line_of_field = |name: &str| fields.iter().find(|(n, _, _)| n == name).map_or(line, |(_, _, l)| *l);
        let name = field("name").unwrap_or_default().trim().to_string();
        if name.is_empty() {
            problems.field(line_of_field("name"), "name", tr(lang, "roster.empty_name").to_string());
            continue;
        }
        if seen.contains(&name) {
            problems.field(
                line_of_field("name"),
                "name",
                trf(lang, "roster.duplicate", &[("name", &name)]),
            );
            continue;
        }
        seen.push(name.clone());
        let role_name = field("role_name").or_else(|| default("role_name"));
        let external_id = field("external_id").or_else(|| default("external_id"));
        let access = match (field("profile"), field("role_arn"), field("account_id")) {
            (Some(_), Some(_), _) => {
                problems.field(
                    line_of_field("role_arn"),
                    "profile",
                    trf(lang, "roster.both", &[("name", &name)]),
                );
                continue;
            }
            (Some(profile), None, _) => Access::Profile(profile),
            (None, Some(arn), _) => {
                if account_of_arn(&arn).is_none() || !arn.starts_with("arn:") || !arn.contains(":role/") {
                    problems.field(
                        line_of_field("role_arn"),
                        "role_arn",
                        trf(lang, "roster.bad_arn", &[("arn", &arn)]),
                    );
                    continue;
                }
                Access::Role { arn, external_id }
            }
            (None, None, Some(account)) => {
                if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
                    problems.field(
                        line_of_field("account_id"),
                        "account_id",
                        trf(lang, "roster.bad_account", &[("account", &account)]),
                    );
                    continue;
                }
                let Some(role_name) = role_name else {
                    problems.field(
                        line_of_field("account_id"),
                        "role_name",
                        trf(lang, "roster.no_role_name", &[("name", &name)]),
                    );
                    continue;
                };
                Access::Role {
                    arn: format!("arn:aws:iam::{account}:role/{role_name}"),
                    external_id,
                }
            }
            (None, None, None) => {
                problems.field(line, "profile", trf(lang, "roster.no_access", &[("name", &name)]));
                continue;
            }
        };
        let account = match &access {
            Access::Role { arn, .. } => account_of_arn(arn),
            Access::Profile(_) => field("account_id"),
        };
        students.push(Student {
            name,
            access,
            region: field("region").or_else(|| default("region")),
            account,
            domain_id: field("domain_id"),
            user_profile: field("user_profile"),
            line,
        });
    }
    if problems.found.is_empty() {
        Ok(students)
    } else {
        Err(problems.into_error(lang))
    }
}

impl Problems<'_> {
    /// One problem as it is; several under a line saying how many, by line.
    fn into_error(mut self, lang: Lang) -> Error {
        self.found.sort_by_key(|(line, _)| *line);
        let lines: Vec<String> = self.found.into_iter().map(|(_, m)| m).collect();
        if lines.len() == 1 {
            return Error::Usage(lines.into_iter().next().unwrap_or_default());
        }
        let mut text = trf(
            lang,
            "roster.problems",
            &[("file", &self.file), ("count", &lines.len())],
        );
        for line in lines {
            text.push_str(&format!("\n  {line}"));
        }
        Error::Usage(text)
    }
}

pub fn load(path: &Path, lang: Lang) -> Result<Vec<Student>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: crate::i18n::tr(lang, "roster.cannot_read").to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_en(text: &str) -> Result<Vec<Student>> {
        parse(text, Path::new("class.toml"), Lang::En)
    }

    fn problem(text: &str) -> String {
        match parse_en(text) {
            Err(Error::Usage(message)) => message,
            other => panic!("expected a roster error, got {other:?}"),
        }
    }

    #[test]
    fn profiles_roles_and_account_ids_with_a_default_role_name() {
        let students = parse_en(
            r#"
[defaults]
region = "eu-central-1"
role_name = "CourseAudit"
external_id = "class-2026"

[[student]]
name = "Ana Souza"
profile = "ana"

[[student]]
name = "Bruno Lima"
role_arn = "arn:aws:iam::111122223333:role/Audit"
region = "us-east-1"

[[student]]
name = "Carla Dias"
account_id = "444455556666"
domain_id = "d-abc"
"#,
        )
        .unwrap();
        assert_eq!(students.len(), 3);
        assert_eq!(students[0].access, Access::Profile("ana".into()));
        assert_eq!(students[0].region.as_deref(), Some("eu-central-1"));
        assert_eq!(students[0].line, 7);
        assert_eq!(
            students[1].access,
            Access::Role {
                arn: "arn:aws:iam::111122223333:role/Audit".into(),
                external_id: Some("class-2026".into())
            }
        );
        assert_eq!(students[1].region.as_deref(), Some("us-east-1"));
        assert_eq!(students[1].account.as_deref(), Some("111122223333"));
        assert_eq!(
            students[2].access,
            Access::Role {
                arn: "arn:aws:iam::444455556666:role/CourseAudit".into(),
                external_id: Some("class-2026".into())
            }
        );
        assert_eq!(students[2].domain_id.as_deref(), Some("d-abc"));
    }

    #[test]
    fn a_student_with_no_way_in_names_the_file_line_and_field() {
        let message = problem("[[student]]\nname = \"Ana\"\nprofile = \"ana\"\n\n[[student]]\nname = \"Bruno\"\n");
        assert!(message.starts_with("class.toml:5:"), "{message}");
        assert!(message.contains("`profile`") && message.contains("Bruno"), "{message}");
    }

    #[test]
    fn every_problem_is_reported_at_once_in_the_learners_language() {
        let text = "[defaults]\nrole_name = \"CourseAudit\"\n\n[[student]]\nname = \"Ana\"\nacount_id = \"111122223333\"\n\n\
                    [[student]]\nname = \"Bruno\"\naccount_id = \"12\"\nregion = 5\n\n[[student]]\nname = \"Ana\"\nprofile = \"a\"\n";
        let Err(Error::Usage(message)) = parse(text, Path::new("class.toml"), Lang::Pt) else {
            panic!("a roster with problems is refused");
        };
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(lines[0], "o roster class.toml tem 5 problemas:", "{message}");
        assert!(
            lines[1].starts_with("  class.toml:4: campo `profile`: “Ana” precisa de"),
            "{message}"
        );
        assert_eq!(
            lines[2],
            "  class.toml:6: campo `acount_id`: campo desconhecido (você quis dizer `account_id`?); os campos são \
             name, profile, role_arn, role_name, account_id, external_id, region, domain_id, user_profile"
        );
        assert_eq!(
            lines[3],
            "  class.toml:10: campo `account_id`: account_id inválido: 12 (12 dígitos)"
        );
        assert_eq!(
            lines[4],
            "  class.toml:11: campo `region`: o valor precisa ser um texto entre aspas"
        );
        assert!(
            lines[5].starts_with("  class.toml:14: campo `name`: “Ana” aparece duas vezes"),
            "{message}"
        );
        assert!(!message.contains("`-`"), "{message}");
    }

    #[test]
    fn syntax_errors_give_the_line() {
        let message = problem("[[student]]\nname = \"Ana\"\nprofile = ana\n");
        assert!(message.starts_with("class.toml:3:"), "{message}");
    }

    #[test]
    fn unknown_fields_bad_arns_duplicates_and_empty_rosters_are_refused() {
        assert!(problem("[[student]]\nname = \"Ana\"\nprofil = \"ana\"\n").contains("class.toml:3:"));
        assert!(problem("[[student]]\nname = \"Ana\"\nrole_arn = \"arn:aws:iam::12:role/x\"\n").contains("role_arn"));
        assert!(problem("[[student]]\nname = \"Ana\"\naccount_id = \"111122223333\"\n").contains("role_name"));
        let dup =
            problem("[[student]]\nname = \"Ana\"\nprofile = \"a\"\n[[student]]\nname = \"Ana\"\nprofile = \"b\"\n");
        assert!(dup.starts_with("class.toml:5:") && dup.contains("twice"), "{dup}");
        assert!(problem("[defaults]\nregion = \"eu-central-1\"\n").contains("no [[student]]"));
        assert!(
            problem("[[student]]\nname = \"A\"\nprofile = \"a\"\nrole_arn = \"arn:aws:iam::111122223333:role/x\"\n")
                .contains("both")
        );
    }
}
