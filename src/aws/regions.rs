//! Sweeping regions: which ones (`--regions`, or the account's enabled
//! regions where SageMaker runs), and reading what bills in each of them at
//! once.

use aws_config::{Region, SdkConfig};
use futures_util::StreamExt;

use super::collect::collect_region;
use super::{call_error, operations as op};
use crate::snapshot::Snapshot;
use crate::snapshot::inventory::{RegionList, RegionSource, Skip, SkippedRegion};

/// The regions of the `aws` partition where SageMaker AI has an API endpoint
/// (`api.sagemaker`), from botocore 1.44.8's data/endpoints.json (2026-11);
/// the same list as AWS's "Amazon SageMaker AI endpoints and quotas" page.
/// Used when account:ListRegions cannot be read, and to leave out enabled
/// regions with no SageMaker.
pub(crate) const SAGEMAKER_REGIONS: [&str; 34] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Regions read at once: all of them. SageMaker, STS and EFS throttle each
/// account per Region, so regions read together share no request rate; what
/// they share is this process (sockets and memory: 34 regions at once
/// measured under 60 MB, README "Speed") and account:ListRegions, read once
/// before (5 requests per second per account). Within a region the lists
/// go out at once and each list's describes `collect::FAN_OUT` at a time.
/// 12 at a time made a 34-region sweep three rounds: 3 × one region's time.
const AT_ONCE: usize = SAGEMAKER_REGIONS.len();

/// What the command asked for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Wanted {
    /// The configured region alone.
    Configured,
    /// Every enabled region where SageMaker runs.
    All,
    /// These, in this order.
    These(Vec<String>),
}

/// The regions to read. `All` asks account:ListRegions for the enabled ones
/// and keeps those where SageMaker runs; when that call is refused, every
/// SageMaker region is read and the ones not enabled are skipped later (they
/// refuse the credentials).
pub(crate) async fn list(config: &SdkConfig, wanted: &Wanted) -> RegionList {
    let configured = config.region().map(|r| r.to_string());
    match wanted {
        Wanted::Configured => RegionList {
            configured: configured.clone(),
            regions: configured.into_iter().collect(),
            source: RegionSource::Configured,
            skipped: Vec::new(),
        },
        Wanted::These(regions) => {
            let mut unique: Vec<String> = Vec::new();
            for region in regions {
                if !unique.contains(region) {
                    unique.push(region.clone());
                }
            }
            RegionList {
                configured,
                regions: unique,
                source: RegionSource::Asked,
                skipped: Vec::new(),
            }
        }
        Wanted::All => match enabled(config).await {
            Ok(enabled) => {
                let (regions, other): (Vec<String>, Vec<String>) = enabled
                    .into_iter()
                    .partition(|r| SAGEMAKER_REGIONS.contains(&r.as_str()));
                RegionList {
                    configured,
                    regions,
                    source: RegionSource::Enabled,
                    skipped: other
                        .into_iter()
                        .map(|region| SkippedRegion {
                            region,
                            why: Skip::NoSagemaker,
                        })
                        .collect(),
                }
            }
            Err(_) => RegionList {
                configured,
                regions: SAGEMAKER_REGIONS.iter().map(|r| r.to_string()).collect(),
                source: RegionSource::BuiltIn,
                skipped: Vec::new(),
            },
        },
    }
}

/// account:ListRegions, every page: the regions enabled for the account.
async fn enabled(config: &SdkConfig) -> Result<Vec<String>, crate::snapshot::CallError> {
    use aws_sdk_account::types::RegionOptStatus;
    // A global API, answered in us-east-1 (its only endpoint in this partition).
    let config = config.to_builder().region(Region::new("us-east-1")).build();
    let client = aws_sdk_account::Client::new(&config);
    let mut regions = Vec::new();
    let mut token: Option<String> = None;
    // Bounded, like every list: about 40 regions exist, 50 per page.
    for _ in 0..20 {
        let page = client
            .list_regions()
            .region_opt_status_contains(RegionOptStatus::Enabled)
            .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| call_error(op::LIST_REGIONS, e))?;
        regions.extend(
            page.regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string).filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    Ok(regions)
}

/// What bills in each of `regions` (not the configured one: that is read
/// whole), read concurrently, in the list's order.
pub(crate) async fn collect_in(config: &SdkConfig, regions: &[String]) -> Vec<Snapshot> {
    futures_util::stream::iter(regions.iter().cloned())
        .map(|region| {
            let config = config.to_builder().region(Region::new(region)).build();
            async move { collect_region(&config).await }
        })
        .buffered(AT_ONCE)
        .collect()
        .await
}
