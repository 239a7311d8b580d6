//! The module's decision matrix (section 3), then a concrete size.

use serde::Serialize;

use super::{Instance, Instances};
use crate::i18n::{Lang, tr, trf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DeepLearning {
    Training,
    Inference,
    No,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Budget {
    Restricted,
    Flexible,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Workload {
    Cpu,
    Light,
}

/// The learner's answers; `None` where a question was not reached.
#[derive(Clone, Debug, Default)]
pub(crate) struct Answers {
    pub deep_learning: Option<DeepLearning>,
    pub dataset_gb: Option<f64>,
    pub budget: Option<Budget>,
    pub workload: Option<Workload>,
    pub min_vcpu: Option<u32>,
}

/// The next question the matrix needs answered, as the flag that answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Question {
    DeepLearning,
    DatasetGb,
    Budget,
    Workload,
}

impl Question {
    pub(crate) fn flag(self) -> &'static str {
        match self {
            Question::DeepLearning => "--deep-learning",
            Question::DatasetGb => "--dataset-gb",
            Question::Budget => "--budget",
            Question::Workload => "--workload",
        }
    }
}

#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct Advice {
    pub family: String,
    pub instance: String,
    pub path: Vec<String>,
    pub reason: String,
}

/// Memory needed for `dataset_gb` held in memory: the data plus half again
/// for the process, libraries and copies pandas makes (the rule we state).
pub(crate) const MEMORY_HEADROOM: f64 = 1.5;

/// The families the matrix can end in.
pub(crate) const FAMILIES: [&str; 6] = ["p3", "g4dn", "r5", "m5", "c5", "t3"];

/// Data in memory above this needs the memory-optimised family (section 3).
pub(crate) const LARGE_DATASET_GB: f64 = 32.0;

/// Walks the matrix; `Err` names the question still unanswered.
pub(crate) fn advise(instances: &Instances, a: &Answers, lang: Lang) -> Result<Advice, Question> {
    let mut path = Vec::new();
    let family = match a.deep_learning.ok_or(Question::DeepLearning)? {
        DeepLearning::Training => {
            path.push(tr(lang, "advise.dl_training").to_string());
            "p3"
        }
        DeepLearning::Inference => {
            path.push(tr(lang, "advise.dl_inference").to_string());
            "g4dn"
        }
        DeepLearning::No => {
            path.push(tr(lang, "advise.dl_no").to_string());
            let data = a.dataset_gb.ok_or(Question::DatasetGb)?;
            if data > LARGE_DATASET_GB {
                path.push(trf(lang, "advise.large_data", &[("gb", &data)]));
                "r5"
            } else {
                path.push(trf(lang, "advise.small_data", &[("gb", &data)]));
                match a.budget.ok_or(Question::Budget)? {
                    Budget::Flexible => {
                        path.push(tr(lang, "advise.flexible").to_string());
                        "m5"
                    }
                    Budget::Restricted => {
                        path.push(tr(lang, "advise.restricted").to_string());
                        match a.workload.ok_or(Question::Workload)? {
                            Workload::Cpu => {
                                path.push(tr(lang, "advise.cpu").to_string());
                                "c5"
                            }
                            Workload::Light => {
                                path.push(tr(lang, "advise.light").to_string());
                                "t3"
                            }
                        }
                    }
                }
            }
        }
    };
    let need_memory = a.dataset_gb.unwrap_or(0.0) * MEMORY_HEADROOM;
    let need_vcpu = a.min_vcpu.unwrap_or(1).max(1);
    let mut sizes: Vec<&Instance> = instances.instance.iter().filter(|i| i.family == family).collect();
    sizes.sort_by(|x, y| x.memory_gib.total_cmp(&y.memory_gib).then(x.vcpu.cmp(&y.vcpu)));
    // The module's own sizes first (its matrix names them); the other
    // SageMaker sizes only when none of those is big enough.
    let fits = |i: &&&Instance| i.memory_gib >= need_memory && i.vcpu >= need_vcpu;
    let fitting = sizes
        .iter()
        .filter(|i| i.lesson_table)
        .find(fits)
        .or_else(|| sizes.iter().find(fits));
    let (chosen, reason) = match fitting {
        Some(i) => (
            *i,
            trf(
                lang,
                "advise.fits",
                &[
                    ("instance", &i.name),
                    ("memory", &i.memory_gib),
                    ("vcpu", &i.vcpu),
                    ("need_memory", &need_memory),
                    ("need_vcpu", &need_vcpu),
                ],
            ),
        ),
        None => {
            let largest = *sizes
                .last()
                .expect("every family in the matrix has instances in the data");
            (
                largest,
                trf(
                    lang,
                    "advise.too_big",
                    &[
                        ("instance", &largest.name),
                        ("need_memory", &need_memory),
                        ("need_vcpu", &need_vcpu),
                    ],
                ),
            )
        }
    };
    Ok(Advice {
        family: family.to_string(),
        instance: chosen.name.clone(),
        path,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;

    fn advise_en(a: Answers) -> Result<Advice, Question> {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        advise(&course.instances, &a, Lang::En)
    }

    fn no_dl(data: f64) -> Answers {
        Answers {
            deep_learning: Some(DeepLearning::No),
            dataset_gb: Some(data),
            ..Answers::default()
        }
    }

    #[test]
    fn every_branch_of_the_matrix() {
        let training = advise_en(Answers {
            deep_learning: Some(DeepLearning::Training),
            ..Answers::default()
        })
        .unwrap();
        assert_eq!(
            (training.family.as_str(), training.instance.as_str()),
            ("p3", "ml.p3.2xlarge")
        );
        let inference = advise_en(Answers {
            deep_learning: Some(DeepLearning::Inference),
            ..Answers::default()
        })
        .unwrap();
        assert_eq!(
            (inference.family.as_str(), inference.instance.as_str()),
            ("g4dn", "ml.g4dn.xlarge")
        );
        let large = advise_en(no_dl(48.0)).unwrap();
        // 48 GB × 1.5 = 72 GiB: r5.2xlarge has 64, r5.4xlarge 128.
        assert_eq!(
            (large.family.as_str(), large.instance.as_str()),
            ("r5", "ml.r5.4xlarge")
        );
        let flexible = advise_en(Answers {
            budget: Some(Budget::Flexible),
            ..no_dl(10.0)
        })
        .unwrap();
        assert_eq!(
            (flexible.family.as_str(), flexible.instance.as_str()),
            ("m5", "ml.m5.xlarge")
        );
        let cpu = advise_en(Answers {
            budget: Some(Budget::Restricted),
            workload: Some(Workload::Cpu),
            ..no_dl(2.0)
        })
        .unwrap();
        assert_eq!((cpu.family.as_str(), cpu.instance.as_str()), ("c5", "ml.c5.large"));
        let light = advise_en(Answers {
            budget: Some(Budget::Restricted),
            workload: Some(Workload::Light),
            ..no_dl(1.0)
        })
        .unwrap();
        assert_eq!((light.family.as_str(), light.instance.as_str()), ("t3", "ml.t3.medium"));
        assert_eq!(light.path.len(), 4, "{:?}", light.path);
    }

    #[test]
    fn the_size_fits_memory_with_headroom_and_the_vcpus_asked_for() {
        let a = Answers {
            budget: Some(Budget::Restricted),
            workload: Some(Workload::Light),
            min_vcpu: Some(4),
            ..no_dl(8.0)
        };
        // 8 GB × 1.5 = 12 GiB and 4 vCPUs → t3.xlarge (4 vCPU, 16 GiB).
        assert_eq!(advise_en(a).unwrap().instance, "ml.t3.xlarge");
        let too_big = advise_en(Answers {
            budget: Some(Budget::Restricted),
            workload: Some(Workload::Light),
            ..no_dl(30.0)
        })
        .unwrap();
        assert_eq!(too_big.instance, "ml.t3.2xlarge");
        assert!(too_big.reason.contains("no size"), "{}", too_big.reason);
        // Beyond the module's largest R5 (128 GiB), the other SageMaker R5
        // sizes: 200 GB × 1.5 = 300 GiB → r5.12xlarge (384 GiB).
        let huge = advise_en(no_dl(200.0)).unwrap();
        assert_eq!(huge.instance, "ml.r5.12xlarge");
        assert!(!huge.reason.contains("no size"), "{}", huge.reason);
    }

    #[test]
    fn a_missing_answer_names_its_question() {
        assert_eq!(advise_en(Answers::default()), Err(Question::DeepLearning));
        assert_eq!(
            advise_en(Answers {
                deep_learning: Some(DeepLearning::No),
                ..Answers::default()
            }),
            Err(Question::DatasetGb)
        );
        assert_eq!(advise_en(no_dl(4.0)), Err(Question::Budget));
        assert_eq!(
            advise_en(Answers {
                budget: Some(Budget::Restricted),
                ..no_dl(4.0)
            }),
            Err(Question::Workload)
        );
    }
}
