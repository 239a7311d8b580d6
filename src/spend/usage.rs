//! Cost Explorer's usage types in the words of the course: what kind of
//! thing billed, and on which instance type when the usage type names one.
//!
//! A SageMaker usage type is `[REGION-]Family:detail`. The region prefix
//! varies (`USE1-`, `EUC1-`, `APN2-`, the older `EU-`) and is dropped. The
//! families come from AWS's list of Free Tier usage types (AWS Billing,
//! "Tracking your AWS Free Tier usage": `Notebk:`, `Host:`, `AsyncInf:`,
//! `Train:`, `DataWrangler:`, `Canvas:Session-Hrs`, `RStudio:`), AWS's
//! Canvas billing page (`REGION-Canvas:Session-Hrs`), and Price List usage
//! types quoted in public repositories (`USE1-Studio:JupyterLab-ml.r6i.4xlarge`,
//! `EU-Processing:ml.m5.large`, storage as `…:VolumeUsage.gp2`/`.gp3`). No
//! MLflow usage type was found written down, so MLflow is recognised by its
//! name anywhere in the usage type.

use serde::Serialize;

use crate::i18n::{Lang, tr};

/// What billed, as the learner knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    NotebookInstance,
    StudioApp,
    Hosting,
    Training,
    Processing,
    Storage,
    Canvas,
    Mlflow,
    Other,
}

impl Kind {
    /// Its name in the learner's language.
    pub(crate) fn label(self, lang: Lang) -> &'static str {
        let key = match self {
            Kind::NotebookInstance => "spend.kind.notebook-instance",
            Kind::StudioApp => "spend.kind.studio-app",
            Kind::Hosting => "spend.kind.hosting",
            Kind::Training => "spend.kind.training",
            Kind::Processing => "spend.kind.processing",
            Kind::Storage => "spend.kind.storage",
            Kind::Canvas => "spend.kind.canvas",
            Kind::Mlflow => "spend.kind.mlflow",
            Kind::Other => "spend.kind.other",
        };
        tr(lang, key)
    }
}

/// One usage type, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Usage {
    pub kind: Kind,
    /// `ml.t3.medium` when the usage type names the instance.
    pub instance_type: Option<String>,
}

/// Reads a usage type as Cost Explorer spells it.
pub(crate) fn classify(usage_type: &str) -> Usage {
    let rest = strip_region(usage_type);
    let (family, detail) = rest.split_once(':').unwrap_or((rest, ""));
    let family = family.to_ascii_lowercase();
    let lower = usage_type.to_ascii_lowercase();
    let storage = lower.contains("volumeusage") || family.contains("storage");
    let kind = if lower.contains("mlflow") {
        Kind::Mlflow
    } else if storage {
        Kind::Storage
    } else if family.starts_with("canvas") {
        Kind::Canvas
    } else if family.starts_with("notebk") {
        Kind::NotebookInstance
    } else if family.contains("studio") {
        // Studio's apps (`Studio:JupyterLab-ml.…`) and RStudio's sessions.
        Kind::StudioApp
    } else if family.starts_with("host") || family.starts_with("asyncinf") {
        Kind::Hosting
    } else if family.starts_with("train") {
        Kind::Training
    } else if family.starts_with("processing") || family.starts_with("datawrangler") {
        Kind::Processing
    } else {
        Kind::Other
    };
    Usage {
        kind,
        instance_type: (!storage).then(|| instance_type(detail)).flatten(),
    }
}

/// `USE1-Notebk:…` → `Notebk:…`: a prefix of 2 to 5 capitals and digits
/// before the first `-`, with something after it.
fn strip_region(usage_type: &str) -> &str {
    match usage_type.split_once('-') {
        Some((prefix, rest))
            if (2..=5).contains(&prefix.len())
                && prefix.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && prefix.chars().any(|c| c.is_ascii_uppercase())
                && !rest.is_empty() =>
        {
            rest
        }
        _ => usage_type,
    }
}

/// `JupyterLab-ml.t3.medium` → `ml.t3.medium`; `ml.m.xlarge-HostingParent` → `ml.m.xlarge`.
fn instance_type(detail: &str) -> Option<String> {
    let at = detail.find("ml.")?;
    let name: String = detail[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let name = name.trim_end_matches('.');
    (name.matches('.').count() >= 2).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_types_as_aws_writes_them_are_what_the_learner_knows() {
        use Kind::*;
        for (usage_type, expected) in [
            // Price List usage types quoted in public repositories.
            ("USE1-Notebk:ml.t3.medium", (NotebookInstance, Some("ml.t3.medium"))),
            ("APS3-Train:ml.r5.4xlarge", (Training, Some("ml.r5.4xlarge"))),
            ("USE1-Host:ml.m5.large", (Hosting, Some("ml.m5.large"))),
            ("USE1-Train:ml.p3.2xlarge", (Training, Some("ml.p3.2xlarge"))),
            ("EU-Processing:ml.m5.large", (Processing, Some("ml.m5.large"))),
            (
                "USE1-Studio:JupyterLab-ml.r6i.4xlarge",
                (StudioApp, Some("ml.r6i.4xlarge")),
            ),
            (
                "APN2-Studio:JupyterLab-ml.g6.24xlarge",
                (StudioApp, Some("ml.g6.24xlarge")),
            ),
            ("EU-Studio:JupyterLab-ml.t3.medium", (StudioApp, Some("ml.t3.medium"))),
            ("APN1-AsyncInf:ml.g6.xlarge", (Hosting, Some("ml.g6.xlarge"))),
            // Storage: the notebook instance's and the endpoint's ML volumes,
            // Studio's space volumes (one with no instance in it).
            ("USE1-Notebk:VolumeUsage.gp2", (Storage, None)),
            ("USE1-Host:VolumeUsage.gp2", (Storage, None)),
            ("USE1-Studio:VolumeUsage.gp3", (Storage, None)),
            ("APN2-Studio:VolumeUsage.gp3", (Storage, None)),
            // AWS's Canvas billing page: `REGION-Canvas:Session-Hrs`.
            ("EUC1-Canvas:Session-Hrs", (Canvas, None)),
            // AWS's Free Tier usage types (no region prefix there).
            (
                "Notebk:ml.t.medium-NotebookParent",
                (NotebookInstance, Some("ml.t.medium")),
            ),
            ("Host:ml.m.xlarge-HostingParent", (Hosting, Some("ml.m.xlarge"))),
            ("Train:ml.m.xlarge-TrainingParent", (Training, Some("ml.m.xlarge"))),
            ("Canvas:Session-Hrs-Parent", (Canvas, None)),
            ("DataWrangler:ml.m.xlarge-Parent", (Processing, Some("ml.m.xlarge"))),
            (
                "RStudio:RSessionGateway-ml.t3.medium-RSessionGatewayParent",
                (StudioApp, Some("ml.t3.medium")),
            ),
            // Other SageMaker usage there is none of the kinds above.
            ("FeatureStore:ReadRequestUnitsParent", (Other, None)),
            ("Geospatial:NotebookCompute", (Other, None)),
            ("LabeledObject", (Other, None)),
            // MLflow, by its name; a day's total without groups.
            ("USE1-MLflow:TrackingServer-Small", (Mlflow, None)),
            ("", (Other, None)),
        ] {
            let usage = classify(usage_type);
            assert_eq!((usage.kind, usage.instance_type.as_deref()), expected, "{usage_type}");
        }
    }

    #[test]
    fn only_a_region_prefix_is_dropped() {
        assert_eq!(strip_region("EUC1-Notebk:ml.t3.medium"), "Notebk:ml.t3.medium");
        assert_eq!(strip_region("EU-Studio:VolumeUsage.gp3"), "Studio:VolumeUsage.gp3");
        // A family with a dash in it is not a region.
        assert_eq!(
            strip_region("Notebk:ml.t.medium-NotebookParent"),
            "Notebk:ml.t.medium-NotebookParent"
        );
        assert_eq!(strip_region("12-x"), "12-x");
        assert_eq!(strip_region("USE1-"), "USE1-");
    }
}
