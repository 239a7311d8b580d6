//! The monitor's readings and diagnosis as text.

use crate::i18n::{Lang, fixed, num, trf};
use crate::monitor::{Diagnosis, GIB, Limits, Readings};
use crate::ui::text::wrap_plain;

/// CPU, memory, disk and GPU use, then the module's diagnosis.
pub(crate) fn text(r: &Readings, d: &Diagnosis, lang: Lang, width: usize) -> String {
    let gib = |b: u64| fixed(b as f64 / GIB, 2, lang);
    let mut out = trf(
        lang,
        "monitor.cpu",
        &[
            ("percent", &num(r.cpu_percent, lang)),
            ("cpus", &num(r.cpus, lang)),
            ("busiest", &num(r.busiest_core_percent, lang)),
        ],
    ) + "\n";
    out += &(trf(
        lang,
        "monitor.memory",
        &[
            ("percent", &num(r.memory_percent, lang)),
            ("available", &gib(r.memory_available_bytes)),
            ("total", &gib(r.memory_total_bytes)),
        ],
    ) + "\n");
    out += &(trf(
        lang,
        "monitor.disk",
        &[
            ("path", &r.disk_path),
            ("percent", &num(r.disk_percent, lang)),
            ("free", &gib(r.disk_free_bytes)),
        ],
    ) + "\n");
    if r.gpus.is_empty() {
        out += &(trf(lang, "monitor.no_gpu", &[]) + "\n");
    }
    for (n, g) in r.gpus.iter().enumerate() {
        out += &format!(
            "GPU {n} {}: {}% · {}/{} MiB\n",
            g.name,
            num(g.load_percent, lang),
            fixed(g.memory_used_mib, 0, lang),
            fixed(g.memory_total_mib, 0, lang)
        );
    }
    if r.limits == Limits::Cgroup {
        out += &(trf(lang, "monitor.cgroup", &[]) + "\n");
    }
    out.push('\n');
    out += &wrap_plain(&d.message, width, "", "");
    out
}
