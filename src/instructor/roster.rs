//! The class roster (TOML): who the students are and how to reach each
//! account, and the class's exceptions. Every problem names the file, the
//! line and the field.

use std::path::Path;

use toml::Spanned;
use toml::de::DeValue;

use crate::aws::access::Access;
use crate::checks::exceptions::{self, Exception};
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::util::toml_input::Problems;

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
pub(crate) struct Student {
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

fn account_of_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())).then(|| account.to_string())
}

fn get(fields: &[(String, String, usize)], name: &str) -> Option<String> {
    fields.iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v.clone())
}

/// A roster as read: its students, its `[defaults]` (an organisational
/// unit's accounts take them too) and its `[[exception]]` tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Roster {
    pub students: Vec<Student>,
    pub defaults: Defaults,
    pub exceptions: Vec<Exception>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Defaults {
    pub region: Option<String>,
    pub role_name: Option<String>,
    pub external_id: Option<String>,
}

/// Parses a roster of students; `origin` names it in messages. Every
/// problem is reported at once, each naming the file, the line and the field.
pub(crate) fn parse(text: &str, origin: &Path, lang: Lang) -> Result<Vec<Student>> {
    parse_roster(text, origin, lang, true).map(|r| r.students)
}

/// Parses a roster; without `students_required` (the students come from an
/// organisational unit) one with no `[[student]]` is fine.
pub(crate) fn parse_roster(text: &str, origin: &Path, lang: Lang, students_required: bool) -> Result<Roster> {
    let (mut problems, root) = Problems::parse(text, origin, lang);
    let Some(root) = root else {
        return Err(problems.into_error("roster.problems"));
    };
    let mut defaults = Vec::new();
    let mut entries: Vec<&Spanned<DeValue<'_>>> = Vec::new();
    let mut exception_entries: Vec<&Spanned<DeValue<'_>>> = Vec::new();
    for (key, value) in root.iter() {
        let line = problems.at(key.span());
        match (&**key.get_ref(), value.get_ref()) {
            ("defaults", DeValue::Table(table)) => defaults = problems.strings(table, &DEFAULTS),
            ("student", DeValue::Array(array)) => entries.extend(array.iter()),
            ("exception", DeValue::Array(array)) => exception_entries.extend(array.iter()),
            (name @ ("defaults" | "student" | "exception"), _) => {
                problems.field(line, name, tr(lang, "roster.wrong_shape").to_string());
            }
            (name, _) => problems.field(line, name, tr(lang, "roster.unknown_section").to_string()),
        }
    }
    if students_required && entries.is_empty() && problems.is_empty() {
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
    let mut class_exceptions = Vec::new();
    for entry in exception_entries {
        let line = problems.at(entry.span());
        let DeValue::Table(table) = entry.get_ref() else {
            problems.field(line, "exception", tr(lang, "roster.wrong_shape").to_string());
            continue;
        };
        let Some(exception) = exceptions::entry_of(&mut problems, table, line, true) else {
            continue;
        };
        if let Some(name) = &exception.student
            && !students.iter().any(|s| &s.name == name)
        {
            problems.field(line, "student", trf(lang, "roster.unknown_student", &[("name", name)]));
            continue;
        }
        class_exceptions.push(exception);
    }
    if !problems.is_empty() {
        return Err(problems.into_error("roster.problems"));
    }
    Ok(Roster {
        students,
        defaults: Defaults {
            region: default("region"),
            role_name: default("role_name"),
            external_id: default("external_id"),
        },
        exceptions: class_exceptions,
    })
}

/// Reads a roster of students.
pub(crate) fn load(path: &Path, lang: Lang) -> Result<Vec<Student>> {
    load_roster(path, lang, true).map(|r| r.students)
}

/// Reads a roster with its defaults and exceptions.
pub(crate) fn load_roster(path: &Path, lang: Lang, students_required: bool) -> Result<Roster> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: crate::i18n::tr(lang, "roster.cannot_read").to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    parse_roster(&text, path, lang, students_required)
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

    #[test]
    fn a_rosters_exceptions_are_read_with_its_students_and_checked_against_them() {
        let text = "[[student]]\nname = \"Ana\"\nprofile = \"ana\"\n\n\
                    [[exception]]\ncheck = \"endpoints\"\nstudent = \"Ana\"\nreason = \"her capstone endpoint\"\nexpires = 2026-12-20\n\n\
                    [[exception]]\ncheck = \"budget\"\nreason = \"the class budget\"\nexpires = 2026-12-20\n";
        let roster = parse_roster(text, Path::new("class.toml"), Lang::En, true).unwrap();
        assert_eq!(roster.students.len(), 1);
        assert_eq!(roster.exceptions.len(), 2);
        assert_eq!(roster.exceptions[0].student.as_deref(), Some("Ana"));
        assert_eq!(roster.exceptions[0].from, "class.toml:5");
        let message = problem(
            "[[student]]\nname = \"Ana\"\nprofile = \"ana\"\n\n[[exception]]\ncheck = \"endpoints\"\nstudent = \"Bia\"\n\
             reason = \"x\"\nexpires = 2026-12-20\n\n[[exception]]\ncheck = \"budget\"\n",
        );
        assert!(
            message.starts_with("the roster class.toml has 3 problems:"),
            "{message}"
        );
        assert!(
            message.contains("class.toml:5: field `student`: “Bia” is not a student of this roster"),
            "{message}"
        );
        assert!(message.contains("class.toml:11: field `reason`"), "{message}");
        assert!(message.contains("class.toml:11: field `expires`"), "{message}");
        // With an organisational unit, a roster of defaults and exceptions is enough.
        let only = parse_roster(
            "[defaults]\nregion = \"eu-central-1\"\n",
            Path::new("class.toml"),
            Lang::En,
            false,
        )
        .unwrap();
        assert!(only.students.is_empty());
        assert_eq!(only.defaults.region.as_deref(), Some("eu-central-1"));
    }
}
