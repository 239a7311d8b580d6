//! The few settings of the AWS config file that the SDK does not act on by
//! itself (`ca_bundle`, `mfa_serial`, `sso_session`): read here with a small
//! reader of the same INI format, from `AWS_CONFIG_FILE` or `~/.aws/config`.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The profile in use: `--profile`, else `AWS_PROFILE`, else `default`.
pub(super) fn name(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".to_string())
}

/// `~/…` expanded, as the aws CLI does for paths in its settings.
pub(super) fn expand(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => dirs::home_dir().map_or_else(|| PathBuf::from(path), |home| home.join(rest)),
        None => PathBuf::from(path),
    }
}

fn config_path() -> Option<PathBuf> {
    match std::env::var("AWS_CONFIG_FILE") {
        Ok(path) if !path.is_empty() => Some(expand(&path)),
        _ => dirs::home_dir().map(|home| home.join(".aws").join("config")),
    }
}

/// The sections of a config file: `[default]` and `[profile NAME]` under
/// NAME, `[sso-session NAME]` under `sso-session NAME`; keys lower-cased.
/// Indented lines (sub-settings such as `s3 =`) are skipped.
pub(super) fn parse(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut sections: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            let header = header.split_whitespace().collect::<Vec<_>>().join(" ");
            let name = match header.strip_prefix("profile ") {
                Some(name) => name.to_string(),
                None => header,
            };
            current = Some(name.clone());
            sections.entry(name).or_default();
            continue;
        }
        if let (Some(section), Some((key, value))) = (&current, line.split_once('=')) {
            let value = value.split(" #").next().unwrap_or("").trim();
            sections
                .entry(section.clone())
                .or_default()
                .insert(key.trim().to_lowercase(), value.to_string());
        }
    }
    sections
}

/// The settings of `profile` in the config file (empty when there is none).
pub(super) fn settings(profile: &str) -> BTreeMap<String, String> {
    let Some(text) = config_path().and_then(|path| std::fs::read_to_string(path).ok()) else {
        return BTreeMap::new();
    };
    parse(&text).remove(profile).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profiles_and_skips_sub_settings() {
        let text = "[default]\nregion = eu-west-1\nca_bundle = ~/ca.pem\n\n[profile course]\nrole_arn=arn:aws:iam::1:role/R\n\
                    s3 =\n  max_concurrent_requests = 2\nmfa_serial = arn:aws:iam::1:mfa/me # the phone\n\
                    [sso-session corp]\nsso_region = eu-west-1\n";
        let sections = parse(text);
        assert_eq!(sections["default"]["ca_bundle"], "~/ca.pem");
        assert_eq!(sections["course"]["role_arn"], "arn:aws:iam::1:role/R");
        assert_eq!(sections["course"]["mfa_serial"], "arn:aws:iam::1:mfa/me");
        assert!(!sections["course"].contains_key("max_concurrent_requests"));
        assert_eq!(sections["sso-session corp"]["sso_region"], "eu-west-1");
    }
}
