//! The class roster (TOML): who the students are and how to reach each
//! account. Every problem names the file, the line and the field.

use std::path::Path;

use serde::Deserialize;

use crate::aws::access::Access;
use crate::error::{Error, Result};
use crate::i18n::{Lang, trf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    region: Option<String>,
    role_name: Option<String>,
    external_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    profile: Option<String>,
    role_arn: Option<String>,
    role_name: Option<String>,
    account_id: Option<String>,
    external_id: Option<String>,
    region: Option<String>,
    domain_id: Option<String>,
    user_profile: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterFile {
    #[serde(default)]
    defaults: Defaults,
    #[serde(default)]
    student: Vec<toml::Spanned<Entry>>,
}

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

/// Parses a roster; `origin` names it in messages.
pub fn parse(text: &str, origin: &Path, lang: Lang) -> Result<Vec<Student>> {
    let file = origin.display().to_string();
    let invalid = |line: usize, field: &str, problem: String| {
        Error::Usage(trf(
            lang,
            "roster.invalid",
            &[
                ("file", &file),
                ("line", &line),
                ("field", &field),
                ("problem", &problem),
            ],
        ))
    };
    let roster: RosterFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        // The parser's first line says what is wrong; the rest repeats the source.
        let problem = e.message().lines().next().unwrap_or("").to_string();
        invalid(line, "-", problem)
    })?;
    if roster.student.is_empty() {
        return Err(invalid(1, "student", trf(lang, "roster.no_students", &[])));
    }
    let mut students: Vec<Student> = Vec::new();
    for spanned in &roster.student {
        let line = line_of(text, spanned.span().start);
        let entry = spanned.get_ref();
        let name = entry.name.trim().to_string();
        if name.is_empty() {
            return Err(invalid(line, "name", trf(lang, "roster.empty_name", &[])));
        }
        if students.iter().any(|s| s.name == name) {
            return Err(invalid(line, "name", trf(lang, "roster.duplicate", &[("name", &name)])));
        }
        let role_name = entry.role_name.as_ref().or(roster.defaults.role_name.as_ref());
        let external_id = entry
            .external_id
            .clone()
            .or_else(|| roster.defaults.external_id.clone());
        let access = match (&entry.profile, &entry.role_arn, &entry.account_id) {
            (Some(_), Some(_), _) => {
                return Err(invalid(line, "profile", trf(lang, "roster.both", &[("name", &name)])));
            }
            (Some(profile), None, _) => Access::Profile(profile.clone()),
            (None, Some(arn), _) => {
                if account_of_arn(arn).is_none() || !arn.starts_with("arn:") || !arn.contains(":role/") {
                    return Err(invalid(line, "role_arn", trf(lang, "roster.bad_arn", &[("arn", arn)])));
                }
                Access::Role {
                    arn: arn.clone(),
                    external_id,
                }
            }
            (None, None, Some(account)) => {
                if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
                    return Err(invalid(
                        line,
                        "account_id",
                        trf(lang, "roster.bad_account", &[("account", account)]),
                    ));
                }
                let Some(role_name) = role_name else {
                    return Err(invalid(
                        line,
                        "role_name",
                        trf(lang, "roster.no_role_name", &[("name", &name)]),
                    ));
                };
                Access::Role {
                    arn: format!("arn:aws:iam::{account}:role/{role_name}"),
                    external_id,
                }
            }
            (None, None, None) => {
                return Err(invalid(
                    line,
                    "profile",
                    trf(lang, "roster.no_access", &[("name", &name)]),
                ));
            }
        };
        let account = match &access {
            Access::Role { arn, .. } => account_of_arn(arn),
            Access::Profile(_) => entry.account_id.clone(),
        };
        students.push(Student {
            name,
            access,
            region: entry.region.clone().or_else(|| roster.defaults.region.clone()),
            account,
            domain_id: entry.domain_id.clone(),
            user_profile: entry.user_profile.clone(),
            line,
        });
    }
    Ok(students)
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
        assert!(dup.starts_with("class.toml:4:") && dup.contains("twice"), "{dup}");
        assert!(problem("[defaults]\nregion = \"eu-central-1\"\n").contains("no [[student]]"));
        assert!(
            problem("[[student]]\nname = \"A\"\nprofile = \"a\"\nrole_arn = \"arn:aws:iam::111122223333:role/x\"\n")
                .contains("both")
        );
    }
}
