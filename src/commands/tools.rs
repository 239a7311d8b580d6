//! The learner's calculators: the instance catalog, the advisor, the cost
//! calculator, and live prices from the AWS Price List API.

use crate::aws::{AwsArgs, pricing};
use crate::catalog::advisor::{self, Answers, Budget, DeepLearning, Question, Workload};
use crate::catalog::prices::{self, PriceCache};
use crate::catalog::{self, Filter, Instance, Instances, usd, usd_cents};
use crate::checks::duration;
use crate::cli::{AdviseArgs, CostArgs, Format, InstancesArgs, LivePriceArgs, RefreshArgs};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{Lang, num, tr, trf};
use crate::ui::text::{table, wrap_plain};
use crate::ui::{Output, Prompter};
use crate::util::{json_pretty, now, write_atomic};

super::runs!(
    InstancesArgs => instances,
    AdviseArgs => advise,
    CostArgs => cost,
    RefreshArgs => prices_refresh,
);

/// `instances`' settings, from its arguments.
#[derive(Debug)]
pub(super) struct InstancesSettings {
    pub filter: Filter,
    pub live: LivePriceArgs,
    pub format: Format,
}

impl From<&InstancesArgs> for InstancesSettings {
    fn from(args: &InstancesArgs) -> Self {
        InstancesSettings {
            filter: Filter::from(args),
            live: args.live.clone(),
            format: args.format,
        }
    }
}

/// `instances`: the instance data, filtered.
pub(super) fn instances(args: &InstancesArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    instances_with(&InstancesSettings::from(args), ctx, out)
}

pub(super) fn instances_with(args: &InstancesSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let (lang, width) = (ctx.lang, ctx.width);
    let instances = priced_instances(&args.live, ctx)?;
    let list = catalog::filter(&instances, &args.filter);
    let text = if args.format == Format::Json {
        // Every row says where its figures come from.
        let rows: Vec<Instance> = list
            .iter()
            .map(|i| {
                let mut row = (*i).clone();
                row.source.get_or_insert_with(|| catalog::COURSE_SOURCE.to_string());
                row
            })
            .collect();
        json_pretty(&rows)
    } else if list.is_empty() {
        format!("{}\n", tr(lang, "tools.no_instances"))
    } else {
        let headers: Vec<String> = [
            tr(lang, "table.instance"),
            tr(lang, "tools.category"),
            "vCPU",
            "RAM",
            "GPUs",
            tr(lang, "table.gpu_memory"),
            &trf(lang, "table.price_per_hour", &[("region", &instances.region)]),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|i| {
                let category = instances
                    .categories
                    .get(&i.category)
                    .map_or(i.category.as_str(), |t| t.get(lang));
                vec![
                    i.name.clone(),
                    category.to_string(),
                    i.vcpu.to_string(),
                    format!("{} GiB", i.memory_gib),
                    i.gpus.to_string(),
                    if i.gpus > 0 {
                        format!("{} GiB", i.gpu_memory_gib)
                    } else {
                        "—".into()
                    },
                    i.price_per_hour_usd
                        .map_or_else(|| "—".into(), |p| format!("~{}", usd(p, lang))),
                ]
            })
            .collect();
        let mut text = table(&headers, &rows, width);
        text.push_str(&wrap_plain(tr(lang, "tools.prices_note"), width, "", ""));
        text
    };
    out.emit(&text)?;
    Ok(ExitStatus::Success)
}

pub(super) fn ask_choice(prompter: &mut dyn Prompter, lang: Lang, question: &str, options: &[&str]) -> Result<usize> {
    let labels: Vec<String> = options.iter().map(|k| tr(lang, k).to_string()).collect();
    prompter
        .select(tr(lang, question), &labels, tr(lang, "wizard.help"))
        .map_err(|_| Error::Usage(tr(lang, "tools.cancelled").to_string()))
}

/// `advise`'s settings: the answers given on the command line (the wizard
/// gives none: every question is asked).
#[derive(Debug, Default)]
pub(super) struct AdviseSettings {
    pub answers: Answers,
    pub format: Format,
}

impl AdviseSettings {
    /// Settled from the command line: a dataset size that is no number of
    /// GB is a usage error (exit 2).
    pub(super) fn resolve(args: &AdviseArgs, lang: Lang) -> Result<Self> {
        if args.dataset_gb.is_some_and(|gb| !gb.is_finite() || gb < 0.0) {
            return Err(Error::Usage(tr(lang, "tools.bad_number").to_string()));
        }
        Ok(AdviseSettings {
            answers: Answers::from(args),
            format: args.format,
        })
    }
}

/// `advise`: the module's decision matrix, asking on a terminal.
pub(super) fn advise(args: &AdviseArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    advise_with(&AdviseSettings::resolve(args, ctx.lang)?, ctx, &mut ctx.prompter(), out)
}

/// Asks the matrix's next question until it has an answer.
pub(super) fn advise_with(
    args: &AdviseSettings,
    ctx: &Context,
    prompter: &mut dyn Prompter,
    out: &mut Output,
) -> Result<ExitStatus> {
    let (lang, width, interactive) = (ctx.lang, ctx.width, ctx.interactive);
    let course = ctx.course()?;
    let mut answers = args.answers.clone();
    let advice = loop {
        match advisor::advise(&course.instances, &answers, lang) {
            Ok(advice) => break advice,
            Err(question) if !interactive => {
                return Err(Error::NeedsTerminal(trf(
                    lang,
                    "tools.advise_needs",
                    &[("flag", &question.flag())],
                )));
            }
            Err(Question::DeepLearning) => {
                let choice = ask_choice(
                    prompter,
                    lang,
                    "tools.q_dl",
                    &["tools.a_training", "tools.a_inference", "tools.a_no"],
                )?;
                answers.deep_learning =
                    Some([DeepLearning::Training, DeepLearning::Inference, DeepLearning::No][choice]);
            }
            Err(Question::DatasetGb) => {
                let text = prompter
                    .text(tr(lang, "tools.q_data"), tr(lang, "tools.q_data_help"))
                    .map_err(|_| Error::Usage(tr(lang, "tools.cancelled").to_string()))?;
                match text.trim().replace(',', ".").parse::<f64>() {
                    Ok(gb) if gb.is_finite() && gb >= 0.0 => answers.dataset_gb = Some(gb),
                    _ => out.line(tr(lang, "tools.bad_number"))?,
                }
            }
            Err(Question::Budget) => {
                let choice = ask_choice(
                    prompter,
                    lang,
                    "tools.q_budget",
                    &["tools.a_restricted", "tools.a_flexible"],
                )?;
                answers.budget = Some([Budget::Restricted, Budget::Flexible][choice]);
            }
            Err(Question::Workload) => {
                let choice = ask_choice(prompter, lang, "tools.q_workload", &["tools.a_cpu", "tools.a_light"])?;
                answers.workload = Some([Workload::Cpu, Workload::Light][choice]);
            }
        }
    };
    let text = if args.format == Format::Json {
        json_pretty(&advice)
    } else {
        let mut text = String::new();
        for (n, step) in advice.path.iter().enumerate() {
            text.push_str(&wrap_plain(step, width, &format!("{}. ", n + 1), "   "));
        }
        text.push('\n');
        text.push_str(&wrap_plain(
            &trf(lang, "tools.advice", &[("instance", &advice.instance)]),
            width,
            "",
            "",
        ));
        text.push_str(&wrap_plain(&advice.reason, width, "", ""));
        text
    };
    out.emit(&text)?;
    Ok(ExitStatus::Success)
}

/// `cost`'s settings, from its arguments or the wizard.
#[derive(Debug)]
pub(super) struct CostSettings {
    pub instance: Option<String>,
    pub hours: Option<f64>,
    /// e.g. 2h30m
    pub duration: Option<String>,
    pub spot: bool,
    pub monthly: bool,
    pub hours_per_day: f64,
    pub days: f64,
    pub live: LivePriceArgs,
    pub format: Format,
}

impl CostSettings {
    /// What `instance` costs for `duration` (e.g. 2h30m), as text at the
    /// course's prices.
    pub(super) fn for_duration(instance: String, duration: String) -> Self {
        CostSettings {
            instance: Some(instance),
            hours: None,
            duration: Some(duration),
            spot: false,
            monthly: false,
            hours_per_day: crate::cli::HOURS_PER_DAY,
            days: crate::cli::DAYS_PER_MONTH,
            live: LivePriceArgs::default(),
            format: Format::Text,
        }
    }
}

impl From<&CostArgs> for CostSettings {
    fn from(args: &CostArgs) -> Self {
        CostSettings {
            instance: args.instance.clone(),
            hours: args.hours,
            duration: args.duration.clone(),
            spot: args.spot,
            monthly: args.monthly,
            hours_per_day: args.hours_per_day,
            days: args.days,
            live: args.live.clone(),
            format: args.format,
        }
    }
}

/// `cost`: what running an instance costs, or the monthly comparison.
pub(super) fn cost(args: &CostArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    cost_with(&CostSettings::from(args), ctx, out)
}

pub(super) fn cost_with(args: &CostSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let (lang, width) = (ctx.lang, ctx.width);
    let as_json = args.format == Format::Json;
    let instances = priced_instances(&args.live, ctx)?;
    if args.monthly {
        if !(args.hours_per_day > 0.0 && args.hours_per_day <= 24.0 && args.days > 0.0 && args.days <= 31.0) {
            return Err(Error::Usage(tr(lang, "tools.bad_month").to_string()));
        }
        let rows = catalog::monthly(&instances, args.hours_per_day, args.days);
        let text = if as_json {
            json_pretty(&serde_json::json!({ "rows": rows }))
        } else {
            let headers = vec![
                tr(lang, "table.instance").to_string(),
                tr(lang, "table.per_hour").to_string(),
                trf(lang, "table.per_day", &[("hours", &num(args.hours_per_day, lang))]),
                trf(
                    lang,
                    "table.per_month",
                    &[("hours", &num(args.hours_per_day * args.days, lang))],
                ),
            ];
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.instance.clone(),
                        usd_cents(r.per_hour_usd, lang),
                        usd_cents(r.per_day_usd, lang),
                        usd_cents(r.per_month_usd, lang),
                    ]
                })
                .collect();
            let mut text = table(&headers, &body, width);
            text.push_str(&wrap_plain(tr(lang, "tools.prices_note"), width, "", ""));
            text
        };
        out.emit(&text)?;
        return Ok(ExitStatus::Success);
    }
    let Some(name) = &args.instance else {
        return Err(Error::Usage(tr(lang, "tools.cost_needs_instance").to_string()));
    };
    let Some(instance) = instances.get(&catalog::normalise(name)) else {
        let near = catalog::closest(&instances, name).join(", ");
        return Err(Error::Usage(trf(
            lang,
            "tools.unknown_instance",
            &[("name", name), ("near", &near)],
        )));
    };
    let seconds = match (&args.hours, &args.duration) {
        (Some(h), None) if h.is_finite() && *h >= 0.0 => (h * 3600.0).round() as u64,
        (None, Some(d)) => {
            catalog::parse_duration(d).ok_or_else(|| Error::Usage(trf(lang, "tools.bad_duration", &[("value", d)])))?
        }
        (Some(_), Some(_)) | (None, None) => return Err(Error::Usage(tr(lang, "tools.hours_or_duration").to_string())),
        (Some(h), None) => return Err(Error::Usage(trf(lang, "tools.bad_duration", &[("value", h)]))),
    };
    let Some(estimate) = catalog::estimate(instance, seconds, args.spot) else {
        return Err(Error::Usage(trf(lang, "tools.no_price", &[("name", &instance.name)])));
    };
    let text = if as_json {
        json_pretty(&estimate)
    } else {
        let line = trf(
            lang,
            "tools.cost_line",
            &[
                ("instance", &estimate.instance),
                ("price", &usd(estimate.price_per_hour_usd, lang)),
                ("time", &duration(estimate.billed_seconds)),
                ("cost", &usd(estimate.cost_usd, lang)),
            ],
        );
        let mut text = wrap_plain(&line, width, "", "");
        if seconds < catalog::MINIMUM_BILLED_SECONDS {
            text.push_str(&format!("{}\n", tr(lang, "tools.minimum")));
        }
        // The JSON keeps the source's stable English wording; people read it in their language.
        let source = if estimate.price_source == catalog::COURSE_SOURCE {
            tr(lang, "tools.course_source").to_string()
        } else {
            estimate.price_source.clone()
        };
        text.push_str(&wrap_plain(
            &trf(lang, "tools.price_source", &[("source", &source)]),
            width,
            "",
            "",
        ));
        if let Some(spot) = &estimate.spot {
            text.push_str(&wrap_plain(
                &trf(
                    lang,
                    "tools.spot",
                    &[("min", &usd(spot.min_usd, lang)), ("max", &usd(spot.max_usd, lang))],
                ),
                width,
                "",
                "",
            ));
        }
        text.push_str(&wrap_plain(tr(lang, "tools.prices_note"), width, "", ""));
        text
    };
    out.emit(&text)?;
    Ok(ExitStatus::Success)
}

/// The course's instance data, with the region's cached Price List prices
/// (notebook usage) swapped in when a fresh cache exists; with
/// `--live-prices`, fetched first when there is none (or a one-line note on
/// stderr saying why the course's figures stay).
fn priced_instances(live: &LivePriceArgs, ctx: &Context) -> Result<Instances> {
    let lang = ctx.lang;
    let mut instances = ctx.course()?.instances.clone();
    let region = live.region.clone().unwrap_or_else(|| instances.region.clone());
    if !prices::valid_region(&region) {
        return Err(Error::Usage(trf(lang, "prices.bad_region", &[("region", &region)])));
    }
    let Some(path) = prices::cache_path(ctx.home.as_deref(), &region) else {
        return Ok(instances);
    };
    if let Some(cache) = prices::load_cache(&path, std::time::SystemTime::now()) {
        prices::apply(&mut instances, &cache);
    } else if live.live_prices {
        match refresh(&[region], ctx).map(|mut all| all.remove(0).1) {
            Ok(Ok(cache)) => prices::apply(&mut instances, &cache),
            Ok(Err(reason)) | Err(reason) => eprintln!("{}", trf(lang, "prices.fallback", &[("reason", &reason)])),
        }
    }
    Ok(instances)
}

/// A region and its new cache, or why it has none.
type Refreshed = (String, std::result::Result<PriceCache, String>);

/// Fetches `regions` from the Price List API (a few at a time) and caches
/// each one read. `Err` when no call could be made at all (no credentials,
/// no network set-up); else each region with its cache or why it has none.
fn refresh(regions: &[String], ctx: &Context) -> std::result::Result<Vec<Refreshed>, String> {
    let lang = ctx.lang;
    // The learner's MFA session (cached, or asked on a terminal) serves here too.
    let args = AwsArgs {
        profile: None,
        region: Some(pricing::PRICING_REGION.to_string()),
        ..ctx.aws_args(&Default::default())
    };
    let session = crate::aws::connect(&args, lang).map_err(|e| e.to_string())?;
    let fetched = session.fetch_prices(ctx.spinner, tr(lang, "prices.fetching"), regions, |region, items| {
        prices::parse_price_list(&items, region)
    });
    Ok(fetched
        .into_iter()
        .map(|(region, result)| {
            let cache = match result {
                Err(e) => Err(e.describe(lang)),
                Ok(found) if found.values().all(|prices| prices.is_empty()) => {
                    Err(trf(lang, "prices.none_found", &[("region", &region)]))
                }
                Ok(found) => {
                    let cache = PriceCache::new(&region, now(), PRICE_LIST_SOURCE, found);
                    // A cache that cannot be written only costs a fetch next time.
                    if let Some(path) = prices::cache_path(ctx.home.as_deref(), &region) {
                        if let Some(dir) = path.parent() {
                            let _ = std::fs::create_dir_all(dir);
                        }
                        let _ = write_atomic(&path, json_pretty(&cache).as_bytes());
                    }
                    Ok(cache)
                }
            };
            (region, cache)
        })
        .collect())
}

/// How cached prices name their source.
const PRICE_LIST_SOURCE: &str = "AWS Price List API (GetProducts)";

/// `prices refresh`: fetch now and cache, for one region or (`--all`) every
/// region where SageMaker runs. A region that cannot be read is reported and
/// skipped; the command fails (exit 1) only when no region could be cached.
pub(super) fn prices_refresh(args: &RefreshArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    prices_refresh_with(&RefreshSettings::resolve(args, ctx.lang)?, ctx, out)
}

/// `prices refresh`'s settings: the regions to fetch, each a region's name.
#[derive(Debug)]
pub(super) struct RefreshSettings {
    /// Never empty: `--all`'s every SageMaker region, else `--region` or the course's.
    pub regions: Vec<String>,
    /// `--all`: a region that fails is said and skipped, and a total follows.
    pub all: bool,
}

impl RefreshSettings {
    /// Settled from the command line: a name that is not a region's is a
    /// usage error (exit 2).
    pub(super) fn resolve(args: &RefreshArgs, lang: Lang) -> Result<Self> {
        let regions: Vec<String> = if args.all {
            crate::aws::regions::SAGEMAKER_REGIONS
                .iter()
                .map(|r| r.to_string())
                .collect()
        } else {
            vec![
                args.region
                    .clone()
                    .unwrap_or_else(|| crate::checks::COURSE_REGION.to_string()),
            ]
        };
        if let Some(bad) = regions.iter().find(|r| !prices::valid_region(r)) {
            return Err(Error::Usage(trf(lang, "prices.bad_region", &[("region", bad)])));
        }
        Ok(RefreshSettings { regions, all: args.all })
    }
}

pub(super) fn prices_refresh_with(args: &RefreshSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let (lang, regions) = (ctx.lang, &args.regions);
    if prices::cache_path(ctx.home.as_deref(), &regions[0]).is_none() {
        return Err(Error::Usage(tr(lang, "progress.no_data_dir").to_string()));
    }
    let results = match refresh(regions, ctx) {
        Ok(results) => results,
        Err(reason) => {
            out.line(&trf(lang, "prices.fallback", &[("reason", &reason)]))?;
            return Ok(ExitStatus::Failure);
        }
    };
    let mut saved = 0;
    for (region, result) in &results {
        match result {
            Ok(cache) => {
                saved += 1;
                let path = prices::cache_path(ctx.home.as_deref(), region).unwrap_or_default();
                out.line(&trf(
                    lang,
                    "prices.refreshed",
                    &[
                        ("count", &cache.instance_count()),
                        ("region", region),
                        ("path", &path.display()),
                    ],
                ))?;
            }
            Err(reason) if args.all => {
                out.line(&trf(
                    lang,
                    "prices.region_failed",
                    &[("region", region), ("reason", reason)],
                ))?;
            }
            Err(reason) => out.line(&trf(lang, "prices.fallback", &[("reason", reason)]))?,
        }
    }
    if args.all {
        out.line(&trf(
            lang,
            "prices.refreshed_all",
            &[
                ("done", &saved),
                ("total", &results.len()),
                ("failed", &(results.len() - saved)),
            ],
        ))?;
    }
    Ok(ExitStatus::failed_if(saved == 0))
}
