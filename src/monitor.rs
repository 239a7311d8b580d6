//! The resource monitor of section 6 and the diagnoses of section 8, for the
//! machine the learner is on. Reading (`read`) is separate from judging
//! (`diagnose`), so the judgement is tested with injected readings. Inside a
//! container (as in Studio) the cgroup's limits are the machine's.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::catalog::{self, Instance, Instances};
use crate::i18n::{Lang, num, trf};

pub(crate) const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The module's thresholds (sections 3 and 8).
pub(crate) const HIGH_PERCENT: f64 = 80.0;
pub(crate) const LOW_PERCENT: f64 = 50.0;

/// Hours in the module's monthly comparison (8 h × 20 days).
pub(crate) const MONTH_HOURS: f64 = 160.0;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct Gpu {
    pub name: String,
    pub load_percent: f64,
    pub memory_used_mib: f64,
    pub memory_total_mib: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct Readings {
    pub cpu_percent: f64,
    /// The busiest core's use: an average over every vCPU hides one core
    /// saturated by single-threaded code.
    pub busiest_core_percent: f64,
    /// CPUs available: the cgroup's quota when one is set, else the cores.
    pub cpus: f64,
    pub memory_total_bytes: u64,
    pub memory_used_bytes: u64,
    pub memory_available_bytes: u64,
    pub memory_percent: f64,
    pub disk_path: String,
    pub disk_total_bytes: u64,
    pub disk_free_bytes: u64,
    pub disk_percent: f64,
    pub gpus: Vec<Gpu>,
    /// Where the limits came from: the container's cgroup, or the host.
    pub limits: Limits,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Limits {
    Cgroup,
    Host,
}

/// CPU quota of this cgroup (v2 `cpu.max`, v1 `cpu.cfs_quota_us`), in CPUs.
fn cgroup_cpus() -> Option<f64> {
    if let Ok(text) = std::fs::read_to_string("/sys/fs/cgroup/cpu.max") {
        let mut parts = text.split_whitespace();
        let quota = parts.next()?.parse::<f64>().ok()?;
        let period = parts.next()?.parse::<f64>().ok()?;
        return (period > 0.0).then_some(quota / period);
    }
    let quota: f64 = std::fs::read_to_string("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let period: f64 = std::fs::read_to_string("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (quota > 0.0 && period > 0.0).then_some(quota / period)
}

/// NVIDIA GPUs through `nvidia-smi`, when it is installed; none otherwise.
fn gpus() -> Vec<Gpu> {
    let Ok(output) = Command::new("nvidia-smi")
        .args([
            "--query-gpu=name,utilization.gpu,memory.used,memory.total",
            "--format=csv,noheader,nounits",
        ])
        .output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            Some(Gpu {
                name: f.first()?.to_string(),
                load_percent: f.get(1)?.parse().ok()?,
                memory_used_mib: f.get(2)?.parse().ok()?,
                memory_total_mib: f.get(3)?.parse().ok()?,
            })
        })
        .collect()
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part / whole * 1000.0).round() / 10.0
    } else {
        0.0
    }
}

/// Reads CPU (over `sample`), memory, the disk holding `dir`, and GPUs.
pub(crate) fn read(dir: &Path, sample: Duration) -> Readings {
    let mut system = sysinfo::System::new();
    system.refresh_cpu_usage();
    std::thread::sleep(sample.max(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL));
    system.refresh_cpu_usage();
    system.refresh_memory();
    let cores = system.cpus().len().max(1) as f64;
    let quota = cgroup_cpus().filter(|q| *q < cores);
    let (total, available, limits) = match system.cgroup_limits() {
        Some(limits) if limits.total_memory > 0 && limits.total_memory < system.total_memory() => {
            (limits.total_memory, limits.free_memory, Limits::Cgroup)
        }
        _ => (
            system.total_memory(),
            system.available_memory(),
            if quota.is_some() { Limits::Cgroup } else { Limits::Host },
        ),
    };
    // Usage as a share of what this cgroup may use, not of the whole host.
    let cpu_percent = f64::from(system.global_cpu_usage()) * cores / quota.unwrap_or(cores);
    let busiest = system
        .cpus()
        .iter()
        .map(|c| f64::from(c.cpu_usage()))
        .fold(0.0, f64::max);
    let used = total.saturating_sub(available);
    let disks = sysinfo::Disks::new_with_refreshed_list();
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let disk = disks
        .iter()
        .filter(|d| dir.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len());
    let (disk_total, disk_free, disk_path) = disk.map_or((0, 0, dir.display().to_string()), |d| {
        (
            d.total_space(),
            d.available_space(),
            d.mount_point().display().to_string(),
        )
    });
    Readings {
        cpu_percent: (cpu_percent.min(100.0) * 10.0).round() / 10.0,
        busiest_core_percent: (busiest.min(100.0) * 10.0).round() / 10.0,
        cpus: quota.unwrap_or(cores),
        memory_total_bytes: total,
        memory_used_bytes: used,
        memory_available_bytes: available,
        memory_percent: percent(used as f64, total as f64),
        disk_path,
        disk_total_bytes: disk_total,
        disk_free_bytes: disk_free,
        disk_percent: percent(disk_total.saturating_sub(disk_free) as f64, disk_total as f64),
        gpus: gpus(),
        limits,
    }
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum DiagnosisKind {
    /// Memory over 80%: more memory.
    Memory,
    /// CPU over 80%: compute optimised.
    Cpu,
    /// One core saturated while the average is low: single-threaded code.
    SingleCore,
    /// Both under 50%: smaller and cheaper.
    Oversized,
    /// Neither: probably disk I/O or the network.
    Io,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct Diagnosis {
    pub kind: DiagnosisKind,
    pub message: String,
    pub suggestion: Option<String>,
    pub monthly_saving_usd: Option<f64>,
}

fn cpu_families(i: &Instance) -> bool {
    i.gpus == 0 && i.price_per_hour_usd.is_some()
}

/// The catalog instance this machine looks like (same vCPUs, memory within 15%).
pub(crate) fn looks_like<'a>(instances: &'a Instances, r: &Readings) -> Option<&'a Instance> {
    let gib = r.memory_total_bytes as f64 / GIB;
    instances
        .instance
        .iter()
        .filter(|i| f64::from(i.vcpu) == r.cpus.round() && (i.memory_gib - gib).abs() <= i.memory_gib * 0.15)
        .min_by(|a, b| {
            a.price_per_hour_usd
                .unwrap_or(f64::MAX)
                .total_cmp(&b.price_per_hour_usd.unwrap_or(f64::MAX))
        })
}

/// A core this busy, while the average is under `LOW_PERCENT`, is one
/// thread doing all the work.
pub(crate) const SATURATED_CORE_PERCENT: f64 = 90.0;

/// The module's diagnosis: memory over 80% → more memory; CPU over 80% →
/// compute optimised; one core saturated → single-threaded code (more vCPUs
/// will not help); both under 50% → smaller and cheaper; else I/O or network.
pub(crate) fn diagnose(instances: &Instances, r: &Readings, lang: Lang) -> Diagnosis {
    let gib = r.memory_total_bytes as f64 / GIB;
    let cheapest = |pred: &dyn Fn(&Instance) -> bool| {
        instances
            .instance
            .iter()
            .filter(|i| cpu_families(i) && pred(i))
            .min_by(|a, b| {
                a.price_per_hour_usd
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.price_per_hour_usd.unwrap_or(f64::MAX))
            })
    };
    if r.memory_percent > HIGH_PERCENT {
        // At least twice the memory, in a family made for it.
        let next = cheapest(&|i: &Instance| i.memory_gib >= gib * 2.0 && ["m5", "r5"].contains(&i.family.as_str()));
        return Diagnosis {
            kind: DiagnosisKind::Memory,
            message: trf(
                lang,
                "monitor.memory_high",
                &[
                    ("percent", &num(r.memory_percent, lang)),
                    ("instance", &next.map_or("—", |i| i.name.as_str())),
                ],
            ),
            suggestion: next.map(|i| i.name.clone()),
            monthly_saving_usd: None,
        };
    }
    if r.cpu_percent > HIGH_PERCENT {
        let next = cheapest(&|i: &Instance| i.family == "c5" && f64::from(i.vcpu) >= r.cpus * 2.0);
        return Diagnosis {
            kind: DiagnosisKind::Cpu,
            message: trf(
                lang,
                "monitor.cpu_high",
                &[
                    ("percent", &num(r.cpu_percent, lang)),
                    ("instance", &next.map_or("—", |i| i.name.as_str())),
                ],
            ),
            suggestion: next.map(|i| i.name.clone()),
            monthly_saving_usd: None,
        };
    }
    if r.cpus > 1.0 && r.busiest_core_percent >= SATURATED_CORE_PERCENT && r.cpu_percent < LOW_PERCENT {
        return Diagnosis {
            kind: DiagnosisKind::SingleCore,
            message: trf(
                lang,
                "monitor.single_core",
                &[
                    ("busiest", &num(r.busiest_core_percent, lang)),
                    ("percent", &num(r.cpu_percent, lang)),
                ],
            ),
            suggestion: None,
            monthly_saving_usd: None,
        };
    }
    if r.memory_percent < LOW_PERCENT && r.cpu_percent < LOW_PERCENT {
        let used_gib = r.memory_used_bytes as f64 / GIB;
        let current = looks_like(instances, r);
        let current_price = current.and_then(|c| c.price_per_hour_usd);
        // Still twice the memory in use, and cheaper than this machine.
        let smaller = cheapest(&|i: &Instance| {
            i.memory_gib >= (used_gib * 2.0).max(2.0)
                && i.memory_gib < gib
                && current_price.is_none_or(|p| i.price_per_hour_usd.is_some_and(|q| q < p))
        });
        let saving = match (current_price, smaller.and_then(|s| s.price_per_hour_usd)) {
            (Some(now), Some(then)) => Some(catalog::round((now - then) * MONTH_HOURS)),
            _ => None,
        };
        let message = match (smaller, saving) {
            (Some(s), Some(saving)) => trf(
                lang,
                "monitor.oversized_saving",
                &[
                    ("instance", &s.name),
                    ("saving", &catalog::usd(saving, lang)),
                    ("current", &current.map_or("?", |c| c.name.as_str())),
                ],
            ),
            (Some(s), None) => trf(lang, "monitor.oversized", &[("instance", &s.name)]),
            (None, _) => trf(lang, "monitor.smallest", &[]),
        };
        return Diagnosis {
            kind: DiagnosisKind::Oversized,
            message,
            suggestion: smaller.map(|s| s.name.clone()),
            monthly_saving_usd: saving,
        };
    }
    Diagnosis {
        kind: DiagnosisKind::Io,
        message: trf(lang, "monitor.io", &[]),
        suggestion: None,
        monthly_saving_usd: None,
    }
}

/// What a command used: peak memory, CPU time and wall time.
#[derive(Debug, Serialize)]
pub(crate) struct Usage {
    pub command: Vec<String>,
    pub exit_code: Option<i32>,
    pub peak_memory_bytes: u64,
    pub cpu_seconds: f64,
    pub wall_seconds: f64,
    /// The smallest priced catalog instance that fits it, by `FIT_RULE`.
    pub fits: Option<String>,
}

/// Memory: the peak × 1.5, plus 1 GiB for the notebook server and the
/// system; vCPUs: the average parallelism (CPU time ÷ wall time), rounded up.
pub(crate) const HEADROOM: f64 = 1.5;
pub(crate) const BASE_GIB: f64 = 1.0;

pub(crate) fn smallest_fit(
    instances: &Instances,
    peak_bytes: u64,
    cpu_seconds: f64,
    wall_seconds: f64,
) -> Option<&Instance> {
    let need_gib = peak_bytes as f64 / GIB * HEADROOM + BASE_GIB;
    let need_vcpu = if wall_seconds > 0.0 {
        (cpu_seconds / wall_seconds).ceil().max(1.0)
    } else {
        1.0
    };
    instances
        .instance
        .iter()
        .filter(|i| cpu_families(i) && i.memory_gib >= need_gib && f64::from(i.vcpu) >= need_vcpu)
        .min_by(|a, b| {
            a.price_per_hour_usd
                .unwrap_or(f64::MAX)
                .total_cmp(&b.price_per_hour_usd.unwrap_or(f64::MAX))
        })
}

/// Runs `command` and measures it (the children's resource usage from the
/// kernel: peak resident memory and user + system CPU time).
pub(crate) fn measure(instances: &Instances, command: &[String]) -> std::io::Result<Usage> {
    let started = Instant::now();
    let status = Command::new(&command[0]).args(&command[1..]).status()?;
    let wall = started.elapsed().as_secs_f64();
    let (cpu, peak) = children_usage()?;
    Ok(Usage {
        command: command.to_vec(),
        exit_code: status.code(),
        peak_memory_bytes: peak,
        cpu_seconds: (cpu * 1000.0).round() / 1000.0,
        wall_seconds: (wall * 1000.0).round() / 1000.0,
        fits: smallest_fit(instances, peak, cpu, wall).map(|i| i.name.clone()),
    })
}

/// CPU seconds (user + system) and peak resident bytes of the finished
/// children, from the kernel.
#[cfg(unix)]
fn children_usage() -> std::io::Result<(f64, u64)> {
    // SAFETY: getrusage only writes the struct we hand it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let cpu = usage.ru_utime.tv_sec as f64
        + usage.ru_utime.tv_usec as f64 / 1e6
        + usage.ru_stime.tv_sec as f64
        + usage.ru_stime.tv_usec as f64 / 1e6;
    // Linux reports ru_maxrss in KiB (macOS in bytes).
    let unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
    Ok((cpu, (usage.ru_maxrss.max(0) as u64) * unit))
}

#[cfg(not(unix))]
fn children_usage() -> std::io::Result<(f64, u64)> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "measuring a command's peak memory needs a Unix system (Linux, macOS, WSL)",
    ))
}

/// Out-of-memory kills of this cgroup, from `memory.events` (v2) or
/// `memory.oom_control` (v1); None when neither can be read.
pub(crate) fn oom_kills() -> Option<u64> {
    for path in [
        "/sys/fs/cgroup/memory.events",
        "/sys/fs/cgroup/memory/memory.oom_control",
    ] {
        if let Ok(text) = std::fs::read_to_string(path) {
            for line in text.lines() {
                if let Some(n) = line.strip_prefix("oom_kill ") {
                    return n.trim().parse().ok();
                }
            }
        }
    }
    None
}

/// Kernel log lines about out-of-memory kills, where the log is readable.
pub(crate) fn kernel_oom_lines() -> Option<Vec<String>> {
    let output = Command::new("dmesg").output().ok().filter(|o| o.status.success())?;
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| l.contains("Out of memory") || l.contains("oom-kill") || l.contains("Killed process"))
            .map(str::to_string)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;

    fn readings(cpu: f64, memory: f64, cpus: f64, total_gib: f64) -> Readings {
        let total = (total_gib * GIB) as u64;
        let used = (total as f64 * memory / 100.0) as u64;
        Readings {
            cpu_percent: cpu,
            busiest_core_percent: cpu,
            cpus,
            memory_total_bytes: total,
            memory_used_bytes: used,
            memory_available_bytes: total - used,
            memory_percent: memory,
            disk_path: "/".into(),
            disk_total_bytes: 0,
            disk_free_bytes: 0,
            disk_percent: 0.0,
            gpus: vec![],
            limits: Limits::Host,
        }
    }

    #[test]
    fn portuguese_readings_and_diagnoses_write_numbers_with_a_decimal_comma() {
        let course = Course::load(None, Lang::Pt, &crate::checks::known()).unwrap();
        let mut shown = String::new();
        // Each diagnosis, from readings with fractions everywhere.
        // (The fourth looks like an ml.m5.2xlarge, so its saving is priced.)
        for (cpu, memory, busiest, cpus, total) in [
            (30.5, 91.5, 30.5, 2.0, 23.09),
            (85.5, 40.5, 90.5, 1.5, 23.09),
            (10.5, 30.5, 95.5, 4.0, 23.09),
            (10.5, 20.5, 12.5, 8.0, 32.0),
            (60.5, 60.5, 70.5, 2.0, 23.09),
        ] {
            let mut r = readings(cpu, memory, cpus, total);
            r.busiest_core_percent = busiest;
            r.disk_free_bytes = (1234.56 * GIB) as u64;
            r.disk_percent = 45.5;
            r.limits = Limits::Cgroup;
            r.gpus = vec![Gpu {
                name: "Tesla T4".into(),
                load_percent: 33.5,
                memory_used_mib: 1234.4,
                memory_total_mib: 15360.0,
            }];
            let d = diagnose(&course.instances, &r, Lang::Pt);
            shown += &crate::report::monitor::text(&r, &d, Lang::Pt, 80);
        }
        assert!(shown.contains("23,09 GiB"), "{shown}");
        assert!(shown.contains("1.234,56 GiB livres"), "{shown}");
        assert!(shown.contains("1.234/15.360 MiB"), "{shown}");
        assert!(
            shown.contains("US$\u{a0}"),
            "the oversized diagnosis names a saving: {shown}"
        );
        // The lessons' own check of Portuguese number notation.
        assert_eq!(
            crate::course::tests::misformatted_numbers(&shown, Lang::Pt),
            Vec::<String>::new(),
            "{shown}"
        );
    }

    fn diagnose_en(r: &Readings) -> Diagnosis {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        diagnose(&course.instances, r, Lang::En)
    }

    #[test]
    fn high_memory_asks_for_twice_the_memory() {
        let d = diagnose_en(&readings(30.0, 91.0, 2.0, 4.0));
        assert_eq!(
            (d.kind, d.suggestion.as_deref()),
            (DiagnosisKind::Memory, Some("ml.m5.large"))
        );
    }

    #[test]
    fn high_cpu_asks_for_compute_optimised() {
        let d = diagnose_en(&readings(95.0, 40.0, 4.0, 16.0));
        assert_eq!(
            (d.kind, d.suggestion.as_deref()),
            (DiagnosisKind::Cpu, Some("ml.c5.2xlarge"))
        );
    }

    #[test]
    fn an_idle_machine_is_offered_a_cheaper_one_with_the_monthly_saving() {
        // An ml.r5.2xlarge (8 vCPU, 64 GiB, $0.60/h) using 10% of its memory:
        // 6.4 GiB in use → at least 12.8 GiB → the cheapest such is
        // ml.r5.large (16 GiB, $0.15/h).
        let d = diagnose_en(&readings(12.0, 10.0, 8.0, 64.0));
        assert_eq!(d.kind, DiagnosisKind::Oversized);
        assert_eq!(d.suggestion.as_deref(), Some("ml.r5.large"));
        // ($0.60 − $0.15) × 160 h
        assert_eq!(d.monthly_saving_usd, Some(72.0));
        assert!(d.message.contains("ml.r5.2xlarge"), "{}", d.message);
    }

    #[test]
    fn one_saturated_core_under_a_low_average_is_single_threaded_code() {
        // 4 vCPUs at 26% on average, one of them at 100%: what the average hides.
        let mut r = readings(26.0, 40.0, 4.0, 16.0);
        r.busiest_core_percent = 100.0;
        let d = diagnose_en(&r);
        assert_eq!(d.kind, DiagnosisKind::SingleCore);
        assert!(
            d.message.contains("100") && d.message.contains("vectorise"),
            "{}",
            d.message
        );
        // On one vCPU the average is the core: the usual rules apply.
        let mut one = readings(30.0, 40.0, 1.0, 4.0);
        one.busiest_core_percent = 95.0;
        assert_ne!(diagnose_en(&one).kind, DiagnosisKind::SingleCore);
    }

    #[test]
    fn otherwise_it_is_probably_io_or_network() {
        assert_eq!(diagnose_en(&readings(60.0, 60.0, 2.0, 8.0)).kind, DiagnosisKind::Io);
        assert_eq!(diagnose_en(&readings(40.0, 70.0, 2.0, 8.0)).kind, DiagnosisKind::Io);
    }

    #[test]
    fn the_smallest_fit_applies_the_stated_rule() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        // 2 GiB peak → 2 × 1.5 + 1 = 4 GiB, single-threaded → ml.t3.medium.
        assert_eq!(
            smallest_fit(&course.instances, (2.0 * GIB) as u64, 1.0, 1.0)
                .unwrap()
                .name,
            "ml.t3.medium"
        );
        // 6 GiB peak → 10 GiB, 3.5 CPUs busy → 4 vCPU and 16 GiB: ml.t3.xlarge.
        assert_eq!(
            smallest_fit(&course.instances, (6.0 * GIB) as u64, 35.0, 10.0)
                .unwrap()
                .name,
            "ml.t3.xlarge"
        );
    }
}
