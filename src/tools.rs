//! The learner's tools: instance catalog, advisor and cost calculator.

use std::io::Write;

use crate::catalog::advisor::{self, Answers, Budget, DeepLearning, Question, Workload};
use crate::catalog::{self, Filter, usd};
use crate::course::{Course, render};
use crate::error::{EXIT_OK, Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::wizard::Prompter;

fn emit(out: &mut dyn Write, text: &str, lang: Lang) -> Result<()> {
    out.write_all(text.as_bytes()).map_err(|source| Error::Io {
        action: tr(lang, "io.write_output").to_string(),
        path: "-".into(),
        source,
    })
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("serialises") + "\n"
}

pub fn instances(
    course: &Course,
    filter: &Filter,
    as_json: bool,
    lang: Lang,
    width: usize,
    out: &mut dyn Write,
) -> Result<u8> {
    let list = catalog::filter(&course.instances, filter);
    let text = if as_json {
        // Every row says where its figures come from.
        let rows: Vec<crate::course::Instance> = list
            .iter()
            .map(|i| {
                let mut row = (*i).clone();
                row.source.get_or_insert_with(|| catalog::COURSE_SOURCE.to_string());
                row
            })
            .collect();
        json(&rows)
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
            &trf(lang, "table.price_per_hour", &[("region", &course.instances.region)]),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|i| {
                let category = course
                    .instances
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
                        .map_or_else(|| "—".into(), |p| format!("~{}", usd(p))),
                ]
            })
            .collect();
        let mut text = render::table(&headers, &rows, width);
        text.push_str(&render::wrap_plain(tr(lang, "tools.prices_note"), width, "", ""));
        text
    };
    emit(out, &text, lang)?;
    Ok(EXIT_OK)
}

fn ask_choice(prompter: &mut dyn Prompter, lang: Lang, question: &str, options: &[&str]) -> Result<usize> {
    let labels: Vec<String> = options.iter().map(|k| tr(lang, k).to_string()).collect();
    prompter
        .select(tr(lang, question), &labels, tr(lang, "wizard.help"))
        .map_err(|_| Error::Usage(tr(lang, "tools.cancelled").to_string()))
}

/// Asks the matrix's next question until it has an answer.
pub fn advise(
    course: &Course,
    mut answers: Answers,
    as_json: bool,
    prompter: &mut dyn Prompter,
    ctx: &crate::Context,
    out: &mut dyn Write,
) -> Result<u8> {
    let (lang, width, interactive) = (ctx.lang, ctx.width, ctx.interactive);
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
                    _ => emit(out, &format!("{}\n", tr(lang, "tools.bad_number")), lang)?,
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
    let text = if as_json {
        json(&advice)
    } else {
        let mut text = String::new();
        for (n, step) in advice.path.iter().enumerate() {
            text.push_str(&render::wrap_plain(step, width, &format!("{}. ", n + 1), "   "));
        }
        text.push('\n');
        text.push_str(&render::wrap_plain(
            &trf(lang, "tools.advice", &[("instance", &advice.instance)]),
            width,
            "",
            "",
        ));
        text.push_str(&render::wrap_plain(&advice.reason, width, "", ""));
        text
    };
    emit(out, &text, lang)?;
    Ok(EXIT_OK)
}

pub struct CostArgs {
    pub instance: Option<String>,
    pub hours: Option<f64>,
    pub duration: Option<String>,
    pub spot: bool,
    pub monthly: bool,
    pub hours_per_day: f64,
    pub days: f64,
}

pub fn cost(
    course: &Course,
    args: &CostArgs,
    as_json: bool,
    lang: Lang,
    width: usize,
    out: &mut dyn Write,
) -> Result<u8> {
    if args.monthly {
        if !(args.hours_per_day > 0.0 && args.hours_per_day <= 24.0 && args.days > 0.0 && args.days <= 31.0) {
            return Err(Error::Usage(tr(lang, "tools.bad_month").to_string()));
        }
        let rows = catalog::monthly(&course.instances, args.hours_per_day, args.days);
        let text = if as_json {
            json(&serde_json::json!({ "rows": rows }))
        } else {
            let headers = vec![
                tr(lang, "table.instance").to_string(),
                tr(lang, "table.per_hour").to_string(),
                trf(lang, "table.per_day", &[("hours", &args.hours_per_day)]),
                trf(lang, "table.per_month", &[("hours", &(args.hours_per_day * args.days))]),
            ];
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.instance.clone(),
                        format!("${:.2}", r.per_hour_usd),
                        format!("${:.2}", r.per_day_usd),
                        format!("${:.2}", r.per_month_usd),
                    ]
                })
                .collect();
            let mut text = render::table(&headers, &body, width);
            text.push_str(&render::wrap_plain(tr(lang, "tools.prices_note"), width, "", ""));
            text
        };
        emit(out, &text, lang)?;
        return Ok(EXIT_OK);
    }
    let Some(name) = &args.instance else {
        return Err(Error::Usage(tr(lang, "tools.cost_needs_instance").to_string()));
    };
    let Some(instance) = course.instances.get(&catalog::normalise(name)) else {
        let near = catalog::closest(&course.instances, name).join(", ");
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
        json(&estimate)
    } else {
        let mut text = trf(
            lang,
            "tools.cost_line",
            &[
                ("instance", &estimate.instance),
                ("price", &usd(estimate.price_per_hour_usd)),
                ("time", &crate::checks::duration(estimate.billed_seconds)),
                ("cost", &usd(estimate.cost_usd)),
            ],
        );
        text.push('\n');
        if seconds < catalog::MINIMUM_BILLED_SECONDS {
            text.push_str(&format!("{}\n", tr(lang, "tools.minimum")));
        }
        // The JSON keeps the source's stable English wording; people read it in their language.
        let source = if estimate.price_source == catalog::COURSE_SOURCE {
            tr(lang, "tools.course_source").to_string()
        } else {
            estimate.price_source.clone()
        };
        text.push_str(&render::wrap_plain(
            &trf(lang, "tools.price_source", &[("source", &source)]),
            width,
            "",
            "",
        ));
        if let Some(spot) = &estimate.spot {
            text.push_str(&render::wrap_plain(
                &trf(
                    lang,
                    "tools.spot",
                    &[("min", &usd(spot.min_usd)), ("max", &usd(spot.max_usd))],
                ),
                width,
                "",
                "",
            ));
        }
        text.push_str(&render::wrap_plain(tr(lang, "tools.prices_note"), width, "", ""));
        text
    };
    emit(out, &text, lang)?;
    Ok(EXIT_OK)
}

/// How `monitor` repeats: once, or every `interval` seconds (`count` times at most).
pub struct Watch {
    pub on: bool,
    pub interval: u64,
    pub count: Option<u64>,
}

pub fn monitor(
    course: &Course,
    watch: &Watch,
    as_json: bool,
    command: &[String],
    ctx: &crate::Context,
    out: &mut dyn Write,
) -> Result<u8> {
    let lang = ctx.lang;
    if !command.is_empty() {
        let usage = crate::monitor::measure(&course.instances, command).map_err(|e| {
            Error::Usage(trf(
                lang,
                "tools.cannot_run",
                &[("command", &command[0]), ("error", &e)],
            ))
        })?;
        let text = if as_json {
            json(&usage)
        } else {
            trf(
                lang,
                "tools.measured",
                &[
                    (
                        "peak",
                        &format!("{:.1}", usage.peak_memory_bytes as f64 / (1024.0 * 1024.0)),
                    ),
                    ("cpu", &usage.cpu_seconds),
                    ("wall", &usage.wall_seconds),
                    ("fits", &usage.fits.as_deref().unwrap_or("—")),
                ],
            ) + "\n"
                + &render::wrap_plain(tr(lang, "tools.fit_rule"), ctx.width, "", "")
        };
        emit(out, &text, lang)?;
        // Like `time`, the measured command's exit code is ours.
        return Ok(usage.exit_code.map_or(1, |c| u8::try_from(c).unwrap_or(1)));
    }
    let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let mut taken = 0;
    loop {
        let readings = crate::monitor::read(&dir, std::time::Duration::from_millis(500));
        let diagnosis = crate::monitor::diagnose(&course.instances, &readings, lang);
        let text = if as_json {
            serde_json::to_string(&serde_json::json!({ "readings": readings, "diagnosis": diagnosis }))
                .expect("serialises")
                + "\n"
        } else {
            crate::monitor::text(&readings, &diagnosis, lang, ctx.width) + "\n"
        };
        emit(out, &text, lang)?;
        out.flush().ok();
        taken += 1;
        if !watch.on || watch.count.is_some_and(|c| taken >= c) {
            return Ok(EXIT_OK);
        }
        std::thread::sleep(std::time::Duration::from_secs(watch.interval));
    }
}

pub fn troubleshoot(
    course: &Course,
    problem: Option<crate::cli::Problem>,
    instance: Option<&str>,
    prompter: &mut dyn Prompter,
    ctx: &crate::Context,
    out: &mut dyn Write,
) -> Result<u8> {
    use crate::cli::Problem;
    let lang = ctx.lang;
    let problem = match problem {
        Some(p) => p,
        None if ctx.interactive => {
            let choice = ask_choice(
                prompter,
                lang,
                "tools.q_problem",
                &["tools.p_capacity", "tools.p_slow", "tools.p_kernel"],
            )?;
            [
                Problem::InsufficientCapacity,
                Problem::SlowNotebook,
                Problem::KernelDied,
            ][choice]
        }
        None => return Err(Error::NeedsTerminal(tr(lang, "tools.problem_needed").to_string())),
    };
    let mut text = String::new();
    match problem {
        Problem::InsufficientCapacity => {
            let name = match instance {
                Some(name) => name.to_string(),
                None if ctx.interactive => prompter
                    .text(tr(lang, "tools.q_instance"), "ml.c5.xlarge")
                    .map_err(|_| Error::Usage(tr(lang, "tools.cancelled").to_string()))?,
                None => return Err(Error::NeedsTerminal(tr(lang, "tools.instance_needed").to_string())),
            };
            let Some(wanted) = course.instances.get(&catalog::normalise(&name)) else {
                let near = catalog::closest(&course.instances, &name).join(", ");
                return Err(Error::Usage(trf(
                    lang,
                    "tools.unknown_instance",
                    &[("name", &name), ("near", &near)],
                )));
            };
            let size = wanted.name.rsplit('.').next().unwrap_or("");
            let siblings: Vec<&str> = course
                .instances
                .instance
                .iter()
                .filter(|i| {
                    i.family != wanted.family
                        && i.name.ends_with(&format!(".{size}"))
                        && (i.gpus > 0) == (wanted.gpus > 0)
                })
                .map(|i| i.name.as_str())
                .collect();
            let sizes: Vec<&str> = course
                .instances
                .instance
                .iter()
                .filter(|i| i.family == wanted.family && i.name != wanted.name)
                .map(|i| i.name.as_str())
                .collect();
            text += &render::wrap_plain(
                &trf(lang, "tools.capacity_cause", &[("instance", &wanted.name)]),
                ctx.width,
                "",
                "",
            );
            text += &render::wrap_plain(
                &trf(lang, "tools.capacity_siblings", &[("list", &siblings.join(", "))]),
                ctx.width,
                "1. ",
                "   ",
            );
            text += &render::wrap_plain(
                &trf(lang, "tools.capacity_sizes", &[("list", &sizes.join(", "))]),
                ctx.width,
                "2. ",
                "   ",
            );
            text += &render::wrap_plain(tr(lang, "tools.capacity_later"), ctx.width, "3. ", "   ");
        }
        Problem::SlowNotebook => {
            let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
            let readings = crate::monitor::read(&dir, std::time::Duration::from_millis(500));
            let diagnosis = crate::monitor::diagnose(&course.instances, &readings, lang);
            text += &crate::monitor::text(&readings, &diagnosis, lang, ctx.width);
        }
        Problem::KernelDied => {
            match crate::monitor::oom_kills() {
                Some(0) => text += &render::wrap_plain(tr(lang, "tools.oom_none"), ctx.width, "", ""),
                Some(n) => {
                    text += &render::wrap_plain(&trf(lang, "tools.oom_count", &[("count", &n)]), ctx.width, "", "")
                }
                None => text += &render::wrap_plain(tr(lang, "tools.oom_unknown"), ctx.width, "", ""),
            }
            match crate::monitor::kernel_oom_lines() {
                Some(lines) if !lines.is_empty() => {
                    text += &format!("{}\n", tr(lang, "tools.kernel_log"));
                    for line in lines.iter().rev().take(5) {
                        text += &format!("  {}\n", crate::report::clean(line));
                    }
                }
                Some(_) => {}
                None => text += &render::wrap_plain(tr(lang, "tools.kernel_log_unreadable"), ctx.width, "", ""),
            }
            text += &render::wrap(tr(lang, "tools.kernel_fix"), ctx.width, "", "");
        }
    }
    emit(out, &text, lang)?;
    Ok(EXIT_OK)
}

/// `--live-prices`: swaps in live prices, or says on stderr in one line why
/// the course's figures stay.
pub fn use_live_prices(instances: &mut crate::course::Instances, region: Option<&str>, ctx: &crate::Context) {
    if let Some(note) = live_prices(instances, region, ctx) {
        eprintln!("{note}");
    }
}

/// Live prices: the cache when recent, else the Price List API (then
/// cached). Offline, denied or empty: the built-in figures stay, and the
/// returned note says so in one line.
fn live_prices(instances: &mut crate::course::Instances, region: Option<&str>, ctx: &crate::Context) -> Option<String> {
    use crate::catalog::prices;
    let lang = ctx.lang;
    let region = region.map_or_else(|| instances.region.clone(), str::to_string);
    let path = prices::cache_path(ctx.home.as_deref(), &region)?;
    if let Some(cache) = prices::load_cache(&path, std::time::SystemTime::now()) {
        prices::apply(instances, &cache);
        return None;
    }
    match refresh(&region, &path, ctx) {
        Ok(cache) => {
            prices::apply(instances, &cache);
            None
        }
        Err(reason) => Some(trf(lang, "prices.fallback", &[("reason", &reason)])),
    }
}

fn refresh(
    region: &str,
    path: &std::path::Path,
    ctx: &crate::Context,
) -> std::result::Result<crate::catalog::prices::PriceCache, String> {
    use crate::catalog::prices;
    let lang = ctx.lang;
    let args = crate::aws::AwsArgs {
        profile: None,
        region: Some(prices::PRICING_REGION.to_string()),
    };
    let session = crate::aws::connect(&args, lang).map_err(|e| e.to_string())?;
    let items = session
        .with_spinner(
            ctx.progress,
            tr(lang, "prices.fetching"),
            prices::fetch(&session.config, region),
        )
        .map_err(|e| crate::checks::describe_call_error(&e, lang))?;
    let found = prices::parse_price_list(&items, region);
    if found.is_empty() {
        return Err(trf(lang, "prices.none_found", &[("region", &region)]));
    }
    let cache = prices::PriceCache {
        region: region.to_string(),
        fetched_at: crate::progress::now(),
        source: "AWS Price List API (GetProducts)".to_string(),
        prices: found,
    };
    let text = serde_json::to_string_pretty(&cache).expect("serialises");
    // A cache that cannot be written only costs a fetch next time.
    let _ = crate::progress::write_atomic(path, text.as_bytes());
    Ok(cache)
}

/// `prices refresh`: fetch now and cache.
pub fn prices_refresh(region: Option<&str>, ctx: &crate::Context, out: &mut dyn Write) -> Result<u8> {
    let lang = ctx.lang;
    let region = region.unwrap_or(crate::checks::COURSE_REGION);
    let Some(path) = crate::catalog::prices::cache_path(ctx.home.as_deref(), region) else {
        return Err(Error::Usage(tr(lang, "progress.no_data_dir").to_string()));
    };
    match refresh(region, &path, ctx) {
        Ok(cache) => {
            emit(
                out,
                &format!(
                    "{}\n",
                    trf(
                        lang,
                        "prices.refreshed",
                        &[
                            ("count", &cache.prices.len()),
                            ("region", &region),
                            ("path", &path.display())
                        ]
                    )
                ),
                lang,
            )?;
            Ok(EXIT_OK)
        }
        Err(reason) => {
            emit(
                out,
                &format!("{}\n", trf(lang, "prices.fallback", &[("reason", &reason)])),
                lang,
            )?;
            Ok(crate::error::EXIT_FAILED)
        }
    }
}
