//! How credentials reach an account: the learner's own chain, a named
//! profile, or an audit role assumed from the instructor's credentials.

use aws_config::{Region, SdkConfig, provider_config::ProviderConfig, retry::RetryConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};

use std::time::Duration;

use super::AwsArgs;
use crate::snapshot::Snapshot;

/// How the instructor's credentials reach a student's account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// A named profile of the instructor's AWS configuration.
    Profile(String),
    /// STS AssumeRole into the student's audit role.
    Role { arn: String, external_id: Option<String> },
}

/// Standard retries with two more attempts than a learner's: a throttled
/// call waits (exponential backoff with jitter) and tries again. Not
/// adaptive: the SDK keeps one client-side rate limiter per service and
/// region for the whole process, so one student's throttled calls slowed the
/// whole class down (measured: with 5% of calls throttled, 168 of 300
/// students timed out), where AWS throttles each account on its own.
fn class_retry() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(super::MAX_ATTEMPTS + 2)
}

/// A student's credentials, kept once had: the access check gets them
/// first, and the clients' own cache would otherwise assume the role again,
/// two AssumeRole calls per student against the instructor's account's STS
/// quota. Had again five minutes before they expire.
#[derive(Debug)]
struct Kept {
    provider: SharedCredentialsProvider,
    credentials: std::sync::Mutex<Option<Credentials>>,
}

impl Kept {
    fn shared(provider: impl ProvideCredentials + 'static) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(Kept {
            provider: SharedCredentialsProvider::new(provider),
            credentials: std::sync::Mutex::new(None),
        })
    }

    fn current(&self) -> Option<Credentials> {
        let soon = std::time::SystemTime::now() + Duration::from_secs(300);
        let kept = self.credentials.lock().ok()?.clone()?;
        kept.expiry().is_none_or(|at| at > soon).then_some(kept)
    }
}

impl ProvideCredentials for Kept {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            if let Some(credentials) = self.current() {
                return Ok(credentials);
            }
            let credentials = self.provider.provide_credentials().await?;
            if let Ok(mut kept) = self.credentials.lock() {
                *kept = Some(credentials.clone());
            }
            Ok(credentials)
        })
    }
}

/// The configuration for one student of a class: a named profile, or the
/// instructor's credentials (`base`) assuming the student's audit role; that
/// provider refreshes the session when it expires. Role students share the
/// instructor's loaded configuration, so a class of a hundred reads the
/// config files once.
async fn student_config(base: &SdkConfig, access: &Access, region: Option<&str>) -> SdkConfig {
    match access {
        Access::Profile(profile) => {
            // Only that profile's credentials: never fall back to whatever
            // else the chain finds (the instructor's own environment), or a
            // missing profile would silently check the wrong account.
            let http = base.http_client().unwrap_or_else(|| super::net::http_client(None));
            let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
                .configure(&ProviderConfig::default().with_http_client(http.clone()))
                .profile_name(profile)
                .build();
            let args = AwsArgs {
                profile: Some(profile.clone()),
                region: region.map(str::to_string),
                ..AwsArgs::default()
            };
            super::loader(&args, class_retry(), http)
                .credentials_provider(Kept::shared(credentials))
                .load()
                .await
        }
        Access::Role { arn, external_id } => {
            let region = region
                .map(|r| Region::new(r.to_string()))
                .or_else(|| base.region().cloned());
            let mut role = aws_config::sts::AssumeRoleProvider::builder(arn)
                .session_name("sm-course-instructor")
                .configure(base);
            if let Some(region) = &region {
                role = role.region(region.clone());
            }
            if let Some(id) = external_id {
                role = role.external_id(id);
            }
            let provider = role.build().await;
            let mut config = base.to_builder().credentials_provider(Kept::shared(provider));
            config.set_region(region);
            config.build()
        }
    }
}

/// The instructor's own configuration, loaded once for a whole class.
pub(crate) struct Class {
    base: SdkConfig,
}

/// One student's account, read: the region used, and the snapshot, or why
/// the student's credentials could not be had (within `limit`).
pub(crate) struct StudentRead {
    pub region: Option<String>,
    pub snapshot: Result<Snapshot, String>,
    /// The student's account, for further reads.
    pub account: StudentAccount,
}

/// A student's account as the instructor reaches it.
pub(crate) struct StudentAccount {
    config: SdkConfig,
}

impl StudentAccount {
    /// Cost Explorer's answer to `query` on the student's account (a billed
    /// request, on that account: `instructor verify --spend`).
    pub(crate) async fn costs(
        &self,
        query: &super::costs::CostQuery,
    ) -> Result<super::costs::Costs, crate::snapshot::CallError> {
        super::costs::fetch(&self.config, query).await
    }
}

impl Class {
    /// The instructor's own configuration, loaded once for a whole class,
    /// with adaptive retries so a throttled class slows down instead of
    /// failing; the network of the instructor's profile (CA bundle,
    /// proxies), and its MFA role when it has one. A CA bundle that cannot be
    /// used, or an MFA code that is missing, stops the whole class (exit 2).
    pub(crate) async fn load(instructor: &AwsArgs, lang: crate::i18n::Lang) -> crate::error::Result<Class> {
        let http = super::network(instructor, lang)?;
        let mut loader = super::loader(instructor, class_retry(), http.clone());
        if let Some(role) = super::mfa::selected(instructor) {
            loader = loader.credentials_provider(super::mfa::credentials(instructor, &role, http, lang).await?);
        }
        Ok(Class {
            base: loader.load().await,
        })
    }

    /// Every account under an organisational unit (the instructor's own
    /// Organizations calls), or the call that failed.
    pub(crate) async fn accounts_under(
        &self,
        unit: &str,
    ) -> Result<Vec<super::org::OrgAccount>, crate::snapshot::CallError> {
        super::org::accounts_under(&self.base, unit).await
    }

    pub(crate) async fn read(&self, access: &Access, region: Option<&str>, limit: Duration) -> StudentRead {
        let config = student_config(&self.base, access, region).await;
        let snapshot = match super::check_credentials_within(&config, limit).await {
            // A student's account: the instructor's machine (a Studio app,
            // its auto-shutdown setup) says nothing about it.
            Ok(()) => Ok(super::collect::collect_other(&config).await),
            Err(reason) => Err(reason),
        };
        StudentRead {
            region: config.region().map(|r| r.to_string()),
            snapshot,
            account: StudentAccount { config },
        }
    }
}
