//! A profile that assumes a role with MFA (`role_arn`, `source_profile` or
//! `credential_source`, `mfa_serial`): aws-config's AssumeRoleProvider has no way to pass a token
//! code (`aws_config::sts::AssumeRoleProviderBuilder` takes no SerialNumber
//! or TokenCode), so the AssumeRole is made here, with the code from
//! `--mfa-code` or asked on a terminal. The session is cached under the data
//! directory (`cache/`, mode 0600) and reused until it expires, as the aws
//! CLI caches it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::provider_config::ProviderConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use serde::{Deserialize, Serialize};

use super::AwsArgs;
use super::operations as op;
use crate::error::{Error, Result};
use crate::i18n::{Lang, trf};

/// A cached session is not used in its last minutes.
const MARGIN: Duration = Duration::from_secs(5 * 60);

/// The role the profile assumes with MFA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct MfaRole {
    pub profile: String,
    pub role_arn: String,
    pub source: Source,
    pub mfa_serial: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration_seconds: Option<i32>,
}

/// Where the credentials that assume the role come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Source {
    /// `source_profile`.
    Profile(String),
    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    Credential(String),
}

/// The MFA role of the profile in use, if it has one. As in the aws CLI and
/// aws-config's chain, access keys in the environment win over AWS_PROFILE
/// (not over `--profile`).
pub(super) fn selected(args: &AwsArgs) -> Option<MfaRole> {
    let env_keys = std::env::var("AWS_ACCESS_KEY_ID").is_ok_and(|v| !v.is_empty());
    if args.profile.is_none() && env_keys {
        return None;
    }
    role(&super::profile::name(args.profile.as_deref()))
}

/// The profile's MFA role, when it has `role_arn`, `mfa_serial` and
/// `source_profile` (or `credential_source`).
pub(super) fn role(profile: &str) -> Option<MfaRole> {
    let mut settings = super::profile::settings(profile);
    let mfa_serial = settings.remove("mfa_serial")?;
    let source = match settings.remove("source_profile") {
        Some(source) => Source::Profile(source),
        None => Source::Credential(settings.remove("credential_source")?),
    };
    Some(MfaRole {
        profile: profile.to_string(),
        role_arn: settings.remove("role_arn")?,
        source,
        mfa_serial,
        external_id: settings.remove("external_id"),
        session_name: settings.remove("role_session_name"),
        duration_seconds: settings.remove("duration_seconds").and_then(|d| d.parse().ok()),
    })
}

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    role_arn: String,
    mfa_serial: String,
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    /// Seconds since the Unix epoch.
    expiration: u64,
}

fn cache_path(dir: &Path, profile: &str) -> PathBuf {
    let name: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("mfa-{name}.json"))
}

fn load_cached(dir: &Path, role: &MfaRole) -> Option<Credentials> {
    let text = std::fs::read_to_string(cache_path(dir, &role.profile)).ok()?;
    let cached: Cached = serde_json::from_str(&text).ok()?;
    let expiration = UNIX_EPOCH + Duration::from_secs(cached.expiration);
    let fresh = expiration
        .duration_since(SystemTime::now())
        .is_ok_and(|left| left > MARGIN);
    (fresh && cached.role_arn == role.role_arn && cached.mfa_serial == role.mfa_serial).then(|| {
        Credentials::new(
            cached.access_key_id,
            cached.secret_access_key,
            Some(cached.session_token),
            Some(expiration),
            "sm-course-mfa-cache",
        )
    })
}

/// Whole or not at all, readable by the owner only.
fn save(dir: &Path, role: &MfaRole, cached: &Cached) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = cache_path(dir, &role.profile);
    let tmp = dir.join(format!(".mfa.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = options.open(&tmp)?;
        file.write_all(serde_json::to_string(cached).unwrap_or_default().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    let result = write();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The role's credentials: the cached session while it lasts, else a new
/// one from AssumeRole with the MFA code (`--mfa-code`, else asked on a
/// terminal, else exit 2 at once naming the profile and both ways).
pub(super) async fn credentials(
    args: &AwsArgs,
    role: &MfaRole,
    http: SharedHttpClient,
    lang: Lang,
) -> Result<Credentials> {
    if let Some(dir) = &args.cache_dir
        && let Some(credentials) = load_cached(dir, role)
    {
        return Ok(credentials);
    }
    let code = match &args.mfa_code {
        Some(code) => Some(code.clone()),
        None => args.mfa_prompt.as_ref().and_then(|prompt| (prompt.0)(&role.mfa_serial)),
    };
    let Some(code) = code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()) else {
        return Err(Error::Credentials(trf(
            lang,
            "aws.mfa_needed",
            &[("profile", &role.profile), ("device", &role.mfa_serial)],
        )));
    };
    let provider_config = ProviderConfig::default().with_http_client(http.clone());
    let source = match &role.source {
        Source::Profile(name) => SharedCredentialsProvider::new(
            aws_config::profile::ProfileFileCredentialsProvider::builder()
                .configure(&provider_config)
                .profile_name(name)
                .build(),
        ),
        Source::Credential(kind) if kind.eq_ignore_ascii_case("Ec2InstanceMetadata") => SharedCredentialsProvider::new(
            aws_config::imds::credentials::ImdsCredentialsProvider::builder()
                .configure(&provider_config)
                .build(),
        ),
        Source::Credential(kind) if kind.eq_ignore_ascii_case("EcsContainer") => SharedCredentialsProvider::new(
            aws_config::ecs::EcsCredentialsProvider::builder()
                .configure(&provider_config)
                .build(),
        ),
        Source::Credential(_) => {
            SharedCredentialsProvider::new(aws_config::environment::EnvironmentVariableCredentialsProvider::new())
        }
    };
    let mut config = super::loader(args, aws_config::retry::RetryConfig::standard(), http)
        .credentials_provider(source)
        .load()
        .await;
    if config.region().is_none() {
        config = config.to_builder().region(aws_config::Region::new("us-east-1")).build();
    }
    let session_name = role.session_name.clone().unwrap_or_else(|| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        format!("sm-course-{now}")
    });
    let output = aws_sdk_sts::Client::new(&config)
        .assume_role()
        .role_arn(&role.role_arn)
        .role_session_name(session_name)
        .serial_number(&role.mfa_serial)
        .token_code(&code)
        .set_external_id(role.external_id.clone())
        .set_duration_seconds(role.duration_seconds)
        .send()
        .await
        .map_err(|e| {
            let reason = super::call_error(op::ASSUME_ROLE_WITH_MFA, e).describe(lang);
            Error::Credentials(trf(
                lang,
                "aws.mfa_failed",
                &[("profile", &role.profile), ("reason", &reason)],
            ))
        })?;
    let Some(session) = output.credentials() else {
        return Err(Error::Credentials(trf(
            lang,
            "aws.mfa_failed",
            &[
                ("profile", &role.profile),
                ("reason", &"AssumeRole returned no credentials".to_string()),
            ],
        )));
    };
    let expiration = SystemTime::try_from(*session.expiration()).unwrap_or_else(|_| SystemTime::now() + MARGIN);
    let cached = Cached {
        role_arn: role.role_arn.clone(),
        mfa_serial: role.mfa_serial.clone(),
        access_key_id: session.access_key_id().to_string(),
        secret_access_key: session.secret_access_key().to_string(),
        session_token: session.session_token().to_string(),
        expiration: expiration.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs(),
    };
    if let Some(dir) = &args.cache_dir {
        // A session that cannot be cached still works for this command.
        let _ = save(dir, role, &cached);
    }
    Ok(Credentials::new(
        cached.access_key_id,
        cached.secret_access_key,
        Some(cached.session_token),
        Some(expiration),
        "sm-course-mfa",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role() -> MfaRole {
        MfaRole {
            profile: "course".into(),
            role_arn: "arn:aws:iam::123456789012:role/Course".into(),
            source: Source::Profile("base".into()),
            mfa_serial: "arn:aws:iam::123456789012:mfa/me".into(),
            external_id: None,
            session_name: None,
            duration_seconds: None,
        }
    }

    fn cached(expires_in: i64) -> Cached {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        Cached {
            role_arn: role().role_arn,
            mfa_serial: role().mfa_serial,
            access_key_id: "AKIA".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: (now + expires_in) as u64,
        }
    }

    #[test]
    fn a_cached_session_is_reused_until_it_nearly_expires() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &role(), &cached(3600)).unwrap();
        assert!(load_cached(dir.path(), &role()).is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cache_path(dir.path(), "course"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        save(dir.path(), &role(), &cached(60)).unwrap();
        assert!(load_cached(dir.path(), &role()).is_none(), "within the margin");
        save(dir.path(), &role(), &cached(3600)).unwrap();
        let other = MfaRole {
            role_arn: "arn:aws:iam::123456789012:role/Other".into(),
            ..role()
        };
        assert!(load_cached(dir.path(), &other).is_none(), "another role");
    }
}
