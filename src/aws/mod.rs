//! Talking to AWS: the SDK configuration from the standard chain, the quick
//! credentials check, the collector that builds the inventory (one
//! `Snapshot` per region read), and the calls that change an account. The
//! SDK's configuration never leaves this module: commands ask a `Session`.

pub(crate) mod access;
mod collect;
pub(crate) mod costs;
mod delete;
pub(crate) mod fix;
mod mfa;
mod net;
pub(crate) mod operations;
pub(crate) mod org;
pub(crate) mod pricing;
mod profile;
pub(crate) mod regions;

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig, timeout::TimeoutConfig};
use aws_sdk_sts::config::ProvideCredentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

pub(crate) use collect::collect;

use crate::snapshot::inventory::{Deletion, RegionList, Target};
use crate::snapshot::{CallError, ErrorKind, Snapshot};

/// A connection to the account: the SDK configuration, with credentials
/// checked, and the runtime its calls run on.
pub(crate) struct Session {
    runtime: tokio::runtime::Runtime,
    config: SdkConfig,
}

/// Loads the configuration and checks that there are credentials (exit 2,
/// with the steps to set them up, when there are none).
pub(crate) fn connect(args: &AwsArgs, lang: crate::i18n::Lang) -> crate::error::Result<Session> {
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
            Err(reason) => Err(credentials_error(&config, &reason, lang)),
        }
    })?;
    Ok(Session { runtime, config })
}

/// The single-threaded runtime the calls run on (one thread is enough for I/O).
pub(crate) fn runtime(lang: crate::i18n::Lang) -> crate::error::Result<tokio::runtime::Runtime> {
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
    fn in_region(&self, region: &str) -> SdkConfig {
        if self.config.region().is_some_and(|r| r.as_ref() == region) {
            return self.config.clone();
        }
        self.config.to_builder().region(Region::new(region.to_string())).build()
    }

    fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Runs `future` with a spinner on stderr saying `message` (on a terminal only).
    fn with_spinner<F: std::future::Future>(&self, spinner: bool, message: &str, future: F) -> F::Output {
        let bar = crate::ui::spinner(spinner, message);
        let result = self.runtime.block_on(future);
        bar.finish_and_clear();
        result
    }

    /// The inventory of the regions `wanted` names (see `Inventory`), read
    /// at once behind a spinner; exit 2 when the server's certificate is
    /// not trusted (nothing can be read then).
    pub(crate) fn inventory(
        &self,
        wanted: &regions::Wanted,
        lang: crate::i18n::Lang,
        spinner: bool,
    ) -> crate::error::Result<Inventory> {
        let inventory = self.with_spinner(spinner, crate::i18n::tr(lang, "aws.reading"), async {
            let list = regions::list(&self.config, wanted).await;
            let configured = self.config.region().map(|r| r.to_string());
            let others: Vec<String> = match wanted {
                regions::Wanted::Configured => Vec::new(),
                _ => list
                    .regions
                    .iter()
                    .filter(|r| Some(*r) != configured.as_ref())
                    .cloned()
                    .collect(),
            };
            let (home, others) = tokio::join!(collect(&self.config), regions::collect_in(&self.config, &others));
            Inventory { list, home, others }
        });
        // One cause that stopped every read (the network, the credentials) is
        // said once; a region a sweep skips (not enabled, denied) is no reason.
        let (read, _) = crate::snapshot::inventory::split_refused(&inventory.others, None);
        let reads = inventory
            .home
            .reads()
            .into_iter()
            .chain(read.iter().flat_map(|s| s.inventory_reads()));
        match cannot_run(&self.config, reads, lang) {
            Some(error) => Err(error),
            None => Ok(inventory),
        }
    }

    /// Makes the call that stops (or releases) `target` in `region`.
    pub(crate) fn stop(&self, region: &str, target: &Target) -> Result<(), CallError> {
        self.block_on(fix::stop(&self.in_region(region), target))
    }

    /// The status `target` is in now in `region` (`Deleted` once gone).
    pub(crate) fn status(&self, region: &str, target: &Target) -> Result<String, CallError> {
        self.block_on(fix::status(&self.in_region(region), target))
    }

    /// Makes the call that deletes `deletion` in `region` (done already when
    /// it is gone).
    pub(crate) fn delete(&self, region: &str, deletion: &Deletion) -> Result<(), CallError> {
        self.block_on(delete::delete(&self.in_region(region), deletion))
    }

    /// The status `deletion`'s resource is in now in `region` (`Deleted` once gone).
    pub(crate) fn deletion_status(&self, region: &str, deletion: &Deletion) -> Result<String, CallError> {
        self.block_on(delete::status(&self.in_region(region), deletion))
    }

    /// The account the credentials belong to, and the configured region.
    pub(crate) fn identity(&self) -> Result<(String, String), CallError> {
        self.block_on(fix::identity(&self.config))
    }

    /// The ids of the configured region's Studio domains.
    pub(crate) fn domain_ids(&self) -> Result<Vec<String>, CallError> {
        self.block_on(fix::domain_ids(&self.config))
    }

    pub(crate) fn budget_exists(&self, account: &str, name: &str) -> Result<bool, CallError> {
        self.block_on(fix::budget_exists(&self.config, account, name))
    }

    pub(crate) fn create_budget(&self, account: &str, plan: &fix::BudgetPlan) -> Result<(), CallError> {
        self.block_on(fix::create_budget(&self.config, account, plan))
    }

    pub(crate) fn read_idle(&self, scope: &fix::IdleScope) -> Result<fix::IdleState, CallError> {
        self.block_on(fix::read_idle(&self.config, scope))
    }

    pub(crate) fn set_idle(&self, scope: &fix::IdleScope, minutes: i32) -> Result<(), CallError> {
        self.block_on(fix::set_idle(&self.config, scope, minutes))
    }

    /// Cost Explorer's answer to `query`, behind a spinner (each page a
    /// billed request: `spend::cache` decides when to ask).
    pub(crate) fn costs(
        &self,
        spinner: bool,
        message: &str,
        query: &costs::CostQuery,
    ) -> Result<costs::Costs, CallError> {
        self.with_spinner(spinner, message, costs::fetch(&self.config, query))
    }

    /// The error for a cause that stops every call (the network, the
    /// credentials), said as every command says it; `None` for a failure
    /// the command explains itself.
    pub(crate) fn stopped_by(&self, error: &CallError, lang: crate::i18n::Lang) -> Option<crate::error::Error> {
        error
            .kind
            .stops_everything()
            .then(|| stopped(&self.config, error, lang))
    }

    /// The Price List of each region, parsed by `parse`, a few regions at
    /// a time behind a spinner.
    pub(crate) fn fetch_prices<T>(
        &self,
        spinner: bool,
        message: &str,
        regions: &[String],
        parse: impl Fn(&str, Vec<String>) -> T,
    ) -> Vec<(String, Result<T, CallError>)> {
        self.with_spinner(spinner, message, pricing::fetch_each(&self.config, regions, parse))
    }
}

/// Reads the account live into a snapshot of the configured region.
pub(crate) fn snapshot(
    args: &AwsArgs,
    lang: crate::i18n::Lang,
    spinner: bool,
) -> crate::error::Result<crate::snapshot::Snapshot> {
    let inventory = connect(args, lang)?.inventory(&regions::Wanted::Configured, lang, spinner)?;
    Ok(inventory.home)
}

/// What a read of the account holds: the configured region read whole (the
/// snapshot every check judges), and every other region a sweep asks for
/// (`--regions`, `--all-regions`), each read for what bills there.
pub(crate) struct Inventory {
    pub list: RegionList,
    pub home: Snapshot,
    pub others: Vec<Snapshot>,
}

impl Inventory {
    /// The snapshots of the regions asked for, in the list's order: the
    /// configured region's alone without a sweep, else each region of the
    /// list (the configured one only when the list names it).
    pub(crate) fn asked(&self) -> Vec<&Snapshot> {
        if self.list.source == crate::snapshot::inventory::RegionSource::Configured {
            return vec![&self.home];
        }
        self.list
            .regions
            .iter()
            .filter_map(|region| {
                std::iter::once(&self.home)
                    .chain(&self.others)
                    .find(|s| s.region.as_ref() == Some(region))
            })
            .collect()
    }
}

/// The HTTP client for `args`: the system's trust roots plus the CA bundle
/// (`AWS_CA_BUNDLE` or the profile's `ca_bundle`), proxies from the
/// environment. A bundle that cannot be used stops the command (exit 2).
pub(crate) fn network(args: &AwsArgs, lang: crate::i18n::Lang) -> crate::error::Result<SharedHttpClient> {
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

/// When the command cannot run: the identity failed because the server's
/// certificate is not trusted (nothing else can be read then), or every read
/// failed for one cause no call escapes (the network, the credentials). The
/// error says it once, naming the endpoint, with what to do (exit 2).
/// `reads` holds each read's error, identity first (`None` for a read that
/// worked).
pub(crate) fn cannot_run<'a>(
    config: &SdkConfig,
    reads: impl IntoIterator<Item = Option<&'a CallError>>,
    lang: crate::i18n::Lang,
) -> Option<crate::error::Error> {
    let reads: Vec<Option<&CallError>> = reads.into_iter().collect();
    let error = match reads.first() {
        Some(Some(identity)) if identity.kind == ErrorKind::Untrusted => *identity,
        _ => crate::snapshot::one_cause(reads.iter().copied())?,
    };
    Some(stopped(config, error, lang))
}

/// The error for a cause that stopped every call.
pub(crate) fn stopped(config: &SdkConfig, error: &CallError, lang: crate::i18n::Lang) -> crate::error::Error {
    use crate::i18n::trf;
    let text = match error.kind {
        ErrorKind::Untrusted => trf(
            lang,
            "aws.untrusted",
            &[("host", &host(config)), ("reason", &error.message)],
        ),
        ErrorKind::Unreachable | ErrorKind::Timeout => trf(
            lang,
            if error.kind == ErrorKind::Timeout {
                "aws.no_answer"
            } else {
                "aws.unreachable"
            },
            &[("endpoint", &endpoint(config)), ("reason", &error.reason(lang))],
        ),
        _ => trf(
            lang,
            "aws.every_call",
            &[("cause", &error.cause(lang)), ("step", &error.step_for(lang, ""))],
        ),
    };
    crate::error::Error::Aws(text)
}

/// Where the calls go: AWS_ENDPOINT_URL (or the profile's `endpoint_url`),
/// else the regional STS endpoint the first call (the identity) goes to.
fn endpoint(config: &SdkConfig) -> String {
    config.endpoint_url().map_or_else(
        || {
            let region = config.region().map_or("us-east-1".to_string(), |r| r.to_string());
            format!("https://sts.{region}.amazonaws.com")
        },
        str::to_string,
    )
}

/// The host of `endpoint`, for a certificate's name.
fn host(config: &SdkConfig) -> String {
    let url = endpoint(config);
    let rest = url.split("://").nth(1).unwrap_or(&url);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

/// How long to wait for credentials before saying there are none: the
/// instance-metadata lookup on a laptop would otherwise hang for seconds.
pub(crate) const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(2);

/// Timeouts and retries, documented in the README: a call that does not
/// answer is reported as a timeout, never waited on forever.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);
/// A whole list read, every page included: pagination that never ends is
/// cut off here and reported as a timeout.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(90);

/// A timeout, shortened by `SM_COURSE_<NAME>_MS` (for tests and very slow
/// links; documented in the README).
pub(crate) fn timeout(name: &str, default: Duration) -> Duration {
    std::env::var(format!("SM_COURSE_{name}_MS"))
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(default, Duration::from_millis)
}
pub(crate) const MAX_ATTEMPTS: u32 = 3;

#[derive(Clone, Debug, Default)]
pub(crate) struct AwsArgs {
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
pub(crate) struct MfaPrompt(pub std::sync::Arc<AskCode>);

pub(crate) type AskCode = dyn Fn(&str) -> Option<String> + Send + Sync;

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
pub(crate) async fn check_credentials(config: &SdkConfig) -> Result<(), String> {
    check_credentials_within(config, CREDENTIALS_TIMEOUT).await
}

pub(crate) async fn check_credentials_within(config: &SdkConfig, limit: Duration) -> Result<(), String> {
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

/// Why the credentials could not be had, said once in the learner's
/// language: none found (with the steps to set them up), rejected or
/// expired, or AWS not reached. The chain's own text is shown under `-v`.
fn credentials_error(config: &SdkConfig, reason: &str, lang: crate::i18n::Lang) -> crate::error::Error {
    let error = credentials_problem(reason);
    if error.kind == ErrorKind::NoCredentials {
        let mut text = crate::i18n::tr(lang, "aws.no_credentials").to_string();
        if let Some(profile) = missing_profile(reason) {
            text = format!(
                "{}; {text}",
                crate::i18n::trf(lang, "aws.no_profile", &[("profile", &profile)])
            );
        }
        return crate::error::Error::Credentials(text);
    }
    stopped(config, &error, lang)
}

/// Why credentials could not be had (the text `check_credentials` gave), in
/// one phrase of the learner's language: for a student's row.
pub(crate) fn credentials_reason(text: &str, lang: crate::i18n::Lang) -> String {
    let error = credentials_problem(text);
    match missing_profile(text) {
        Some(profile) if error.kind == ErrorKind::NoCredentials => {
            crate::i18n::trf(lang, "aws.no_profile", &[("profile", &profile)])
        }
        _ => error.describe(lang),
    }
}

/// Sorts the text of a credentials failure (the provider chain's, or an
/// AssumeRole's) into a `CallError` of operation `sts:AssumeRole` or
/// `credentials`.
pub(crate) fn credentials_problem(text: &str) -> CallError {
    tracing::info!(target: "sm_course::aws", operation = "credentials", "{text}");
    let lower = text.to_lowercase();
    let (kind, message) = if let Some(code) = known_code(text) {
        (kind_of_code(code), code.to_string())
    } else if net::is_untrusted(text) {
        (ErrorKind::Untrusted, net::tls_reason(text))
    } else if let Some(gist) = network_gist(&lower) {
        (ErrorKind::Unreachable, gist.to_string())
    } else {
        (
            ErrorKind::NoCredentials,
            crate::snapshot::gist::NO_CREDENTIALS.to_string(),
        )
    };
    let operation = if lower.contains("assume") {
        "sts:AssumeRole"
    } else {
        "credentials"
    };
    CallError {
        operation: operation.to_string(),
        kind,
        message,
    }
}

/// The profile asked for, when the chain says it is not in the AWS files.
fn missing_profile(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if !(lower.contains("not defined") || lower.contains("could not find") || lower.contains("not found")) {
        return None;
    }
    let start = text.find("profile `")? + "profile `".len();
    let end = text[start..].find('`')?;
    Some(text[start..start + end].to_string())
}

/// The SSO token is missing or expired: what aws-config's SSO providers say
/// (aws-config 1.13 `sso/token.rs`: "failed to load the cached SSO token",
/// "the SSO token has expired and cannot be refreshed"; `sso/cache.rs`: the
/// cache file under `.aws/sso/cache` that cannot be read), or the SSO portal
/// refusing an expired token of a legacy SSO profile (UnauthorizedException).
pub(crate) fn needs_sso_login(reason: &str) -> bool {
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

/// Sorts an SDK error into what a learner can act on: the one place a
/// failure is classified. AWS's answers are sorted by their error code; a
/// call that never got one by what the connection said. The SDK's whole
/// text is shown under `-v` only.
pub(crate) fn call_error<E, R>(operation: &str, err: SdkError<E, R>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    use crate::snapshot::gist;
    let text = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
    tracing::info!(target: "sm_course::aws", operation, "{text}");
    let (kind, message) = match &err {
        SdkError::TimeoutError(_) => (ErrorKind::Timeout, gist::TIMED_OUT.to_string()),
        SdkError::DispatchFailure(failure) => {
            let lower = text.to_lowercase();
            if net::is_untrusted(&text) {
                (ErrorKind::Untrusted, net::tls_reason(&text))
            } else if failure.is_timeout() {
                (ErrorKind::Timeout, gist::TIMED_OUT.to_string())
            } else if failure.is_io() {
                (
                    ErrorKind::Unreachable,
                    network_gist(&lower).unwrap_or(gist::CONNECT).to_string(),
                )
            } else if lower.contains("credentials") {
                // Signing found no credentials (they vanished mid-run).
                (ErrorKind::NoCredentials, gist::NO_CREDENTIALS.to_string())
            } else {
                (ErrorKind::Other, gist::CONNECT.to_string())
            }
        }
        SdkError::ServiceError(context) => {
            let e = context.err();
            let code = e.code().unwrap_or("Unknown");
            (
                kind_of_code(code),
                short(&format!("{code}: {}", e.message().unwrap_or(""))),
            )
        }
        SdkError::ConstructionFailure(_) => {
            if text.to_lowercase().contains("region") {
                (ErrorKind::NoRegion, gist::REQUEST.to_string())
            } else {
                (ErrorKind::Other, gist::REQUEST.to_string())
            }
        }
        _ => (ErrorKind::Other, gist::RESPONSE.to_string()),
    };
    CallError {
        operation: operation.to_string(),
        kind,
        message,
    }
}

/// AWS error codes by what they mean to a learner (the IAM, STS and
/// signature errors of the AWS APIs' common errors).
const REJECTED: [&str; 9] = [
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidAccessKeyId",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "AuthFailure",
];
const EXPIRED: [&str; 4] = [
    "ExpiredToken",
    "ExpiredTokenException",
    "TokenRefreshRequired",
    "RequestExpired",
];
const DENIED: [&str; 5] = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "NotAuthorized",
];
/// Cost Explorer throttles with LimitExceededException ("You made too many
/// calls in a short period of time"), which the SDK's retry classifier also
/// counts as throttling.
const THROTTLED: [&str; 7] = [
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "LimitExceededException",
];

fn kind_of_code(code: &str) -> ErrorKind {
    if REJECTED.contains(&code) {
        ErrorKind::CredentialsRejected
    } else if EXPIRED.contains(&code) {
        ErrorKind::CredentialsExpired
    } else if DENIED.contains(&code) {
        ErrorKind::AccessDenied
    } else if THROTTLED.contains(&code) {
        ErrorKind::Throttling
    } else {
        ErrorKind::Other
    }
}

/// The first AWS error code of the lists above named in `text` (as a
/// whole word), for failures that reach us as text only.
fn known_code(text: &str) -> Option<&'static str> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    REJECTED
        .iter()
        .chain(&EXPIRED)
        .chain(&DENIED)
        .chain(&THROTTLED)
        .find(|code| words.contains(code))
        .copied()
}

/// What a failed connection said, in one of the `gist`s (`lower` is the
/// SDK's text, lower-cased).
fn network_gist(lower: &str) -> Option<&'static str> {
    use crate::snapshot::gist;
    const SAYS: [(&str, &str); 9] = [
        ("connection refused", gist::REFUSED),
        ("dns error", gist::DNS),
        ("failed to lookup address", gist::DNS),
        ("name or service not known", gist::DNS),
        ("no such host", gist::DNS),
        ("connection reset", gist::RESET),
        ("network is unreachable", gist::NETWORK),
        ("no route to host", gist::NETWORK),
        ("timed out", gist::TIMED_OUT),
    ];
    SAYS.iter()
        .find(|(says, _)| lower.contains(says))
        .map(|(_, gist)| *gist)
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
    fn aws_error_codes_are_sorted_by_what_the_learner_can_do() {
        for code in [
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
        ] {
            assert_eq!(kind_of_code(code), ErrorKind::CredentialsRejected, "{code}");
        }
        for code in ["ExpiredToken", "ExpiredTokenException"] {
            assert_eq!(kind_of_code(code), ErrorKind::CredentialsExpired, "{code}");
        }
        for code in ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"] {
            assert_eq!(kind_of_code(code), ErrorKind::AccessDenied, "{code}");
        }
        assert_eq!(kind_of_code("ThrottlingException"), ErrorKind::Throttling);
        assert_eq!(kind_of_code("InternalFailure"), ErrorKind::Other);
    }

    #[test]
    fn credential_failures_read_as_text_are_sorted_too() {
        // The texts the provider chain and an AssumeRole give (DisplayErrorContext).
        let denied = credentials_problem(
            "an error occurred while loading credentials: service error: unhandled error (AccessDenied): \
             Error { code: \"AccessDenied\", message: \"User is not authorized to perform: sts:AssumeRole\" }",
        );
        assert_eq!(
            (denied.kind, denied.operation.as_str()),
            (ErrorKind::AccessDenied, "sts:AssumeRole")
        );
        assert_eq!(denied.message, "AccessDenied");
        let none = credentials_problem(
            "the credential provider was not enabled: no credentials found in chain. Attempted: Environment: …",
        );
        assert_eq!(none.kind, ErrorKind::NoCredentials);
        let refused = credentials_problem(
            "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)",
        );
        assert_eq!(
            (refused.kind, refused.message.as_str()),
            (ErrorKind::Unreachable, "connection refused")
        );
        assert_eq!(
            missing_profile(
                "the credential provider was not enabled: profile `no-such-profile` was not defined: could not find source profile"
            )
            .as_deref(),
            Some("no-such-profile")
        );
        assert_eq!(missing_profile("no credentials found in chain"), None);
        assert_eq!(
            network_gist("dispatch failure: io error: dns error: failed to lookup address information"),
            Some(crate::snapshot::gist::DNS)
        );
        assert_eq!(known_code("AccessDeniedExceptionX"), None, "a whole word only");
    }

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
