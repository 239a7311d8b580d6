//! Talking to AWS: the SDK configuration from the standard chain, the quick
//! credentials check, and the collector that builds a `Snapshot`.

pub mod access;
mod collect;
pub mod costs;
pub mod fix;
mod mfa;
mod net;
pub mod operations;
pub mod pricing;
mod profile;
pub mod regions;

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig, timeout::TimeoutConfig};
use aws_sdk_sts::config::ProvideCredentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

pub use collect::{collect, collect_running};

use crate::snapshot::{CallError, ErrorKind};

/// A connection to the account: the SDK configuration, with credentials
/// checked, and the runtime its calls run on.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    pub config: SdkConfig,
}

/// Loads the configuration and checks that there are credentials (exit 2,
/// with the steps to set them up, when there are none).
pub fn connect(args: &AwsArgs, lang: crate::i18n::Lang) -> crate::error::Result<Session> {
    let http = network(args, lang)?;
    let runtime = runtime(lang)?;
    let mfa_role = mfa::selected(args);
    let config = runtime.block_on(async {
        let retry = RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS);
        let mut loader = loader(args, retry, http.clone());
        if let Some(role) = &mfa_role {
            loader = loader.credentials_provider(mfa::credentials(args, role, http, lang).await?);
        }
        let config = loader.load().await;
        match check_credentials(&config).await {
            Ok(()) => Ok(config),
            Err(reason) if needs_sso_login(&reason) => Err(crate::error::Error::Credentials(crate::i18n::trf(
                lang,
                "aws.sso_login",
                &[
                    ("profile", &profile::name(args.profile.as_deref())),
                    ("reason", &sso_reason(&reason)),
                ],
            ))),
            Err(reason) => Err(crate::error::Error::Credentials(crate::i18n::trf(
                lang,
                "aws.no_credentials",
                &[("reason", &reason)],
            ))),
        }
    })?;
    Ok(Session { runtime, config })
}

/// The single-threaded runtime the calls run on (one thread is enough for I/O).
pub fn runtime(lang: crate::i18n::Lang) -> crate::error::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| crate::error::Error::Io {
            action: crate::i18n::tr(lang, "io.runtime").to_string(),
            path: "-".into(),
            source,
        })
}

impl Session {
    /// The same account and credentials, in another region.
    pub fn in_region(&self, region: &str) -> SdkConfig {
        if self.config.region().is_some_and(|r| r.as_ref() == region) {
            return self.config.clone();
        }
        self.config.to_builder().region(Region::new(region.to_string())).build()
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Runs `future` with a spinner on stderr saying `message` (on a terminal only).
    pub fn with_spinner<F: std::future::Future>(&self, spinner: bool, message: &str, future: F) -> F::Output {
        let bar = crate::ui::spinner(spinner, message);
        let result = self.runtime.block_on(future);
        bar.finish_and_clear();
        result
    }
}

/// Reads the account live into a snapshot.
pub fn snapshot(
    args: &AwsArgs,
    lang: crate::i18n::Lang,
    spinner: bool,
) -> crate::error::Result<crate::snapshot::Snapshot> {
    let session = connect(args, lang)?;
    let snapshot = session.with_spinner(spinner, crate::i18n::tr(lang, "aws.reading"), collect(&session.config));
    match untrusted(&session.config, &snapshot.identity, lang) {
        Some(error) => Err(error),
        None => Ok(snapshot),
    }
}

/// What runs in each region of a sweep, beside the snapshot.
pub struct Sweep {
    pub list: crate::snapshot::running::RegionList,
    pub runs: Vec<crate::snapshot::running::Running>,
}

/// Reads the account into a snapshot and, for a sweep, what runs in each
/// region asked for: all at once, so the regions cost about one region's time.
pub fn snapshot_and_sweep(
    args: &AwsArgs,
    lang: crate::i18n::Lang,
    spinner: bool,
    wanted: &regions::Wanted,
) -> crate::error::Result<(crate::snapshot::Snapshot, Option<Sweep>)> {
    if *wanted == regions::Wanted::Configured {
        return Ok((snapshot(args, lang, spinner)?, None));
    }
    let session = connect(args, lang)?;
    let (snapshot, sweep) = session.with_spinner(spinner, crate::i18n::tr(lang, "aws.reading"), async {
        let sweep = async {
            let list = regions::list(&session.config, wanted).await;
            let runs = regions::collect_running_in(&session.config, &list.regions).await;
            Sweep { list, runs }
        };
        tokio::join!(collect(&session.config), sweep)
    });
    match untrusted(&session.config, &snapshot.identity, lang) {
        Some(error) => Err(error),
        None => Ok((snapshot, Some(sweep))),
    }
}

/// The HTTP client for `args`: the system's trust roots plus the CA bundle
/// (`AWS_CA_BUNDLE` or the profile's `ca_bundle`), proxies from the
/// environment. A bundle that cannot be used stops the command (exit 2).
pub fn network(args: &AwsArgs, lang: crate::i18n::Lang) -> crate::error::Result<SharedHttpClient> {
    let profile = profile::name(args.profile.as_deref());
    let extra = match net::ca_bundle(&profile) {
        Some(bundle) => Some(net::read_bundle(&bundle.path).map_err(|reason| {
            crate::error::Error::Aws(crate::i18n::trf(
                lang,
                "aws.ca_bundle_invalid",
                &[("path", &bundle.path.display().to_string()), ("reason", &reason)],
            ))
        })?),
        None => None,
    };
    Ok(net::http_client(extra))
}

/// When even the identity could not be read because the server's
/// certificate is not trusted, nothing else can be: the error naming the
/// host and both fixes (exit 2).
pub fn untrusted(
    config: &SdkConfig,
    identity: &crate::snapshot::Fetched<crate::snapshot::Identity>,
    lang: crate::i18n::Lang,
) -> Option<crate::error::Error> {
    let Err(error) = identity else { return None };
    if error.kind != ErrorKind::Untrusted {
        return None;
    }
    let host = config
        .endpoint_url()
        .and_then(|url| url.split("://").nth(1))
        .map(|rest| rest.split(['/', '?']).next().unwrap_or(rest).to_string())
        .unwrap_or_else(|| {
            let region = config.region().map_or("us-east-1".to_string(), |r| r.to_string());
            format!("sts.{region}.amazonaws.com")
        });
    Some(crate::error::Error::Aws(crate::i18n::trf(
        lang,
        "aws.untrusted",
        &[("host", &host), ("reason", &error.message)],
    )))
}

/// How long to wait for credentials before saying there are none: the
/// instance-metadata lookup on a laptop would otherwise hang for seconds.
pub const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(2);

/// Timeouts and retries, documented in the README: a call that does not
/// answer is reported as a timeout, never waited on forever.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);
/// A whole list read, every page included: pagination that never ends is
/// cut off here and reported as a timeout.
pub const READ_TIMEOUT: Duration = Duration::from_secs(90);

/// A timeout, shortened by `SM_COURSE_<NAME>_MS` (for tests and very slow
/// links; documented in the README).
pub fn timeout(name: &str, default: Duration) -> Duration {
    std::env::var(format!("SM_COURSE_{name}_MS"))
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(default, Duration::from_millis)
}
pub const MAX_ATTEMPTS: u32 = 3;

#[derive(Clone, Debug, Default)]
pub struct AwsArgs {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// `--mfa-code`: the code for a profile with `mfa_serial`.
    pub mfa_code: Option<String>,
    /// Asks for the MFA code on a terminal (none without one).
    pub mfa_prompt: Option<MfaPrompt>,
    /// Where MFA sessions are cached (the data directory's `cache/`).
    pub cache_dir: Option<std::path::PathBuf>,
}

/// Asks for the code of the MFA device it is given (its ARN); `None` when
/// the learner gave none. Passed in by the command layer, which owns prompts.
#[derive(Clone)]
pub struct MfaPrompt(pub std::sync::Arc<AskCode>);

pub type AskCode = dyn Fn(&str) -> Option<String> + Send + Sync;

impl std::fmt::Debug for MfaPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaPrompt")
    }
}

/// The SDK configuration from aws-config's standard chain (profile,
/// environment, SSO, container and instance roles, AWS_ENDPOINT_URL), with
/// `--profile` and `--region` taking precedence; every call, credential
/// providers' included, goes through `http`.
pub(crate) fn loader(args: &AwsArgs, retry: RetryConfig, http: SharedHttpClient) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(timeout("CONNECT_TIMEOUT", CONNECT_TIMEOUT))
                .operation_attempt_timeout(timeout("ATTEMPT_TIMEOUT", ATTEMPT_TIMEOUT))
                .operation_timeout(timeout("OPERATION_TIMEOUT", OPERATION_TIMEOUT))
                .build(),
        )
        .retry_config(retry);
    if let Some(profile) = &args.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &args.region {
        loader = loader.region(Region::new(region.clone()));
    } else if args.profile.is_none()
        && let Some(region) = crate::snapshot::studio::read().current.and_then(|c| c.region)
    {
        // Inside Studio or on a notebook instance, the resource's own region
        // when the standard chain (AWS_REGION, the config file, IMDS) sets
        // none. The chain is built here, so it is given the HTTP client too
        // (the SDK crates have no default one: its IMDS call would panic).
        let config = aws_config::provider_config::ProviderConfig::default().with_http_client(http);
        let chain = aws_config::meta::region::RegionProviderChain::first_try(
            aws_config::environment::EnvironmentVariableRegionProvider::new(),
        )
        .or_else(
            aws_config::profile::ProfileFileRegionProvider::builder()
                .configure(&config)
                .build(),
        )
        .or_else(
            aws_config::imds::region::ImdsRegionProvider::builder()
                .configure(&config)
                .build(),
        )
        .or_else(Region::new(region));
        loader = loader.region(chain);
    }
    loader
}

/// Resolves credentials once, within `CREDENTIALS_TIMEOUT`; the error text
/// says what the chain reported.
pub async fn check_credentials(config: &SdkConfig) -> Result<(), String> {
    check_credentials_within(config, CREDENTIALS_TIMEOUT).await
}

pub async fn check_credentials_within(config: &SdkConfig, limit: Duration) -> Result<(), String> {
    let Some(provider) = config.credentials_provider() else {
        return Err("no credentials provider is configured".to_string());
    };
    match tokio::time::timeout(limit, provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(short(
            &aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
        )),
        Err(_) => Err(format!("no credentials found within {} s", limit.as_secs())),
    }
}

/// The SSO token is missing or expired: what aws-config's SSO providers say
/// (aws-config 1.13 `sso/token.rs`: "failed to load the cached SSO token",
/// "the SSO token has expired and cannot be refreshed"; `sso/cache.rs`: the
/// cache file under `.aws/sso/cache` that cannot be read), or the SSO portal
/// refusing an expired token of a legacy SSO profile (UnauthorizedException).
pub fn needs_sso_login(reason: &str) -> bool {
    let reason = reason.to_lowercase();
    reason.contains("sso token")
        || reason.contains("sso/cache")
        || reason.contains("sso\\cache")
        || (reason.contains("sso") && reason.contains("unauthorized"))
}

/// The gist of an SSO token error, without the chain of providers around it.
fn sso_reason(reason: &str) -> String {
    const GISTS: [&str; 2] = [
        "the SSO token has expired and cannot be refreshed",
        "failed to load the cached SSO token",
    ];
    GISTS
        .iter()
        .find(|gist| reason.contains(*gist))
        .map_or_else(|| reason.to_string(), |gist| gist.to_string())
}

/// Sorts an SDK error into what a learner can act on.
pub fn call_error<E, R>(operation: &str, err: SdkError<E, R>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let (kind, message) = match &err {
        SdkError::TimeoutError(_) => (ErrorKind::Timeout, "the operation timed out".to_string()),
        SdkError::DispatchFailure(failure) => {
            let text = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
            let kind = if net::is_untrusted(&text) {
                ErrorKind::Untrusted
            } else if failure.is_timeout() {
                ErrorKind::Timeout
            } else if failure.is_io() {
                ErrorKind::Unreachable
            } else {
                ErrorKind::Other
            };
            let message = if kind == ErrorKind::Untrusted {
                net::tls_reason(&text)
            } else {
                short(&text)
            };
            (kind, message)
        }
        SdkError::ServiceError(context) => {
            let e = context.err();
            let code = e.code().unwrap_or("Unknown");
            let kind = match code {
                "AccessDenied"
                | "AccessDeniedException"
                | "UnauthorizedOperation"
                | "UnrecognizedClientException"
                | "InvalidClientTokenId"
                | "ExpiredToken"
                | "ExpiredTokenException" => ErrorKind::AccessDenied,
                // Cost Explorer throttles with LimitExceededException ("You
                // made too many calls in a short period of time"), which the
                // SDK's retry classifier also counts as throttling.
                "Throttling"
                | "ThrottlingException"
                | "TooManyRequestsException"
                | "RequestLimitExceeded"
                | "LimitExceededException" => ErrorKind::Throttling,
                _ => ErrorKind::Other,
            };
            (kind, short(&format!("{code}: {}", e.message().unwrap_or(""))))
        }
        SdkError::ConstructionFailure(_) => {
            let text = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
            let kind = if text.to_lowercase().contains("region") {
                ErrorKind::NoRegion
            } else {
                ErrorKind::Other
            };
            (kind, short(&text))
        }
        _ => (
            ErrorKind::Other,
            short(&aws_smithy_types::error::display::DisplayErrorContext(&err).to_string()),
        ),
    };
    CallError {
        operation: operation.to_string(),
        kind,
        message,
    }
}

/// Error texts from the SDK can be long; a report line needs the gist.
fn short(text: &str) -> String {
    const MAX: usize = 240;
    // One line: an error text is shown inside a report line.
    let text = &text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sso_token_errors_ask_for_aws_sso_login() {
        // The texts aws-config's SSO providers give (DisplayErrorContext chains).
        assert!(needs_sso_login(
            "the SSO token has expired and cannot be refreshed (ExpiredToken)"
        ));
        assert!(needs_sso_login(
            "failed to load the cached SSO token: failed to read `/home/me/.aws/sso/cache/ee0b.json`: \
             No such file or directory (os error 2)"
        ));
        assert!(needs_sso_login(
            "failed to read `/home/me/.aws/sso/cache/0123.json`: No such file or directory"
        ));
        assert_eq!(
            sso_reason(
                "an error occurred while loading an access token: failed to load the cached SSO token (ProviderError(…"
            ),
            "failed to load the cached SSO token"
        );
        assert!(!needs_sso_login("no credentials found within 2 s"));
        assert!(!needs_sso_login(
            "the credential provider was not enabled: no providers in chain provided credentials"
        ));
    }
}
