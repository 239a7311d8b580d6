//! The command line, as clap derive types. Global flags work before or after
//! the subcommand.

use std::path::PathBuf;

use clap::{Arg, ArgAction, Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::error::{ExitStatus, Result as RunResult};
use crate::i18n::{self, Lang, tr, trf};
use crate::ui::Output;

/// How a command is run: the context runs its arguments. Each command module
/// implements `Run<ItsArgs>` for `commands`' `Context` beside the command
/// (`commands::runs!`), and the arms below, one beside each variant, route
/// to it; so adding a command touches cli.rs, its command module,
/// messages.toml and a test, and no list in `commands`.
///
/// Generic over the context (not `&dyn Run` on each args struct, which
/// would name `Context`): `cli` sits left of `context` in their layer
/// (src/shape.rs), so it may not name it. The context is the one type that
/// implements every `Run<…>`, which `Commands` bundles into one bound.
pub(crate) trait Run<Args> {
    fn run(&self, args: &Args, out: &mut Output) -> RunResult<ExitStatus>;
}

/// Runs every command: the one bound the routing below needs (the
/// context implements it, in `commands`).
pub(crate) trait Commands:
    Run<WizardArgs>
    + Run<LessonArgs>
    + Run<ChecklistArgs>
    + Run<CheckArgs>
    + Run<TasksArgs>
    + Run<ProveArgs>
    + Run<AuditArgs>
    + Run<TeardownArgs>
    + Run<SpendArgs>
    + Run<BudgetArgs>
    + Run<IdleArgs>
    + Run<InstancesArgs>
    + Run<AdviseArgs>
    + Run<CostArgs>
    + Run<RefreshArgs>
    + Run<MonitorArgs>
    + Run<TroubleshootArgs>
    + Run<ReportArgs>
    + Run<ResetArgs>
    + Run<ClassCheckArgs>
    + Run<CollectArgs>
    + Run<RoleTemplateArgs>
    + Run<RosterTemplateArgs>
    + Run<CompletionsArgs>
    + Run<ManArgs>
    + Run<IamPolicyArgs>
{
}

// The defaults of the options, each written once: clap shows and applies
// them, and the commands' settings (the wizard's too) start from them.
/// `fix budget --amount`: the course budget's monthly limit in USD.
pub(crate) const BUDGET_USD: f64 = 100.0;
/// `fix idle-shutdown --minutes`: SageMaker's minimum, the course's choice.
pub(crate) const IDLE_MINUTES: i32 = 60;
/// `audit --stop --wait`, seconds.
pub(crate) const AUDIT_WAIT_SECONDS: u64 = 600;
/// `teardown --wait`, seconds.
pub(crate) const TEARDOWN_WAIT_SECONDS: u64 = 1800;
/// `cost --monthly --hours-per-day`: a working day.
pub(crate) const HOURS_PER_DAY: f64 = 8.0;
/// `cost --monthly --days`: a working month.
pub(crate) const DAYS_PER_MONTH: f64 = 20.0;
/// `monitor --interval`, seconds.
pub(crate) const MONITOR_INTERVAL_SECONDS: u64 = 2;

#[derive(Debug, Parser)]
// Every description (about, after-help, each argument's help) is in
// messages.toml, in both languages; `command(lang)` applies it.
#[command(name = "sm-course", version)]
pub(crate) struct Cli {
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    #[arg(long, global = true)]
    pub no_color: bool,

    #[arg(long, global = true, value_name = "DIR")]
    pub lessons: Option<PathBuf>,

    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    Module5 {
        #[command(flatten)]
        aws: AwsFlags,
        #[command(subcommand)]
        command: Option<Module5Command>,
    },
    Instructor {
        #[command(subcommand)]
        command: InstructorCommand,
    },
    Completions(CompletionsArgs),
    Man(ManArgs),
    IamPolicy(IamPolicyArgs),
}

impl Command {
    /// Runs the command named on the line.
    pub(crate) fn run<C: Commands>(&self, ctx: &C, out: &mut Output) -> RunResult<ExitStatus> {
        match self {
            Command::Module5 { command: None, .. } => ctx.run(&WizardArgs, out),
            Command::Module5 {
                command: Some(command), ..
            } => command.run(ctx, out),
            Command::Instructor { command } => command.run(ctx, out),
            Command::Completions(args) => ctx.run(args, out),
            Command::Man(args) => ctx.run(args, out),
            Command::IamPolicy(args) => ctx.run(args, out),
        }
    }
}

/// `module5` without a subcommand: the guided wizard (its AWS flags are the
/// context's).
#[derive(Debug)]
pub(crate) struct WizardArgs;

#[derive(Debug, Args)]
pub(crate) struct ManArgs {}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct IamPolicyArgs {
    #[arg(long)]
    pub with_fixes: bool,
    #[arg(long)]
    pub with_teardown: bool,
    #[arg(long, conflicts_with_all = ["with_fixes", "with_teardown"])]
    pub instructor: bool,
    #[arg(long, requires = "instructor", default_value = crate::instructor::AUDIT_ROLE)]
    pub role_name: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Module5Command {
    Lesson(LessonArgs),
    Checklist(ChecklistArgs),
    Check(CheckArgs),
    Tasks(TasksArgs),
    Verify(ProveArgs),
    Audit(AuditArgs),
    Teardown(TeardownArgs),
    Spend(SpendArgs),
    Fix {
        #[command(subcommand)]
        what: FixCommand,
    },
    Instances(InstancesArgs),
    Advise(AdviseArgs),
    Cost(CostArgs),
    Prices {
        #[command(subcommand)]
        command: PricesCommand,
    },
    Monitor(MonitorArgs),
    Troubleshoot(TroubleshootArgs),
    Report(ReportArgs),
    Reset(ResetArgs),
}

impl Module5Command {
    pub(crate) fn run<C: Commands>(&self, ctx: &C, out: &mut Output) -> RunResult<ExitStatus> {
        match self {
            Module5Command::Lesson(args) => ctx.run(args, out),
            Module5Command::Checklist(args) => ctx.run(args, out),
            Module5Command::Check(args) => ctx.run(args, out),
            Module5Command::Tasks(args) => ctx.run(args, out),
            Module5Command::Verify(args) => ctx.run(args, out),
            Module5Command::Audit(args) => ctx.run(args, out),
            Module5Command::Teardown(args) => ctx.run(args, out),
            Module5Command::Spend(args) => ctx.run(args, out),
            Module5Command::Fix { what } => what.run(ctx, out),
            Module5Command::Instances(args) => ctx.run(args, out),
            Module5Command::Advise(args) => ctx.run(args, out),
            Module5Command::Cost(args) => ctx.run(args, out),
            Module5Command::Prices { command } => command.run(ctx, out),
            Module5Command::Monitor(args) => ctx.run(args, out),
            Module5Command::Troubleshoot(args) => ctx.run(args, out),
            Module5Command::Report(args) => ctx.run(args, out),
            Module5Command::Reset(args) => ctx.run(args, out),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ChecklistArgs {
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Args)]
pub(crate) struct TasksArgs {
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Args)]
pub(crate) struct LessonArgs {
    pub section: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct FormatArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct InstancesArgs {
    #[arg(long)]
    pub family: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = number::<u32>(0.0, None))]
    pub min_vcpu: Option<u32>,
    #[arg(long, value_name = "GIB", allow_negative_numbers = true, value_parser = number::<f64>(0.0, None))]
    pub min_memory: Option<f64>,
    #[arg(long)]
    pub gpu: bool,
    #[command(flatten)]
    pub live: LivePriceArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl From<&InstancesArgs> for crate::catalog::Filter {
    fn from(a: &InstancesArgs) -> Self {
        crate::catalog::Filter {
            family: a.family.clone(),
            category: a.category.clone(),
            min_vcpu: a.min_vcpu,
            min_memory_gib: a.min_memory,
            gpu: a.gpu,
        }
    }
}

// `--live-prices [--region R]`, on every command that shows prices.
#[derive(Clone, Debug, Default, Args)]
pub(crate) struct LivePriceArgs {
    #[arg(long)]
    pub live_prices: bool,
    #[arg(long, requires = "live_prices")]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AdviseArgs {
    #[arg(long, value_enum)]
    pub deep_learning: Option<crate::catalog::advisor::DeepLearning>,
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = number::<f64>(0.0, None))]
    pub dataset_gb: Option<f64>,
    #[arg(long, value_enum)]
    pub budget: Option<crate::catalog::advisor::Budget>,
    #[arg(long, value_enum)]
    pub workload: Option<crate::catalog::advisor::Workload>,
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = number::<u32>(0.0, None))]
    pub min_vcpu: Option<u32>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl From<&AdviseArgs> for crate::catalog::advisor::Answers {
    fn from(a: &AdviseArgs) -> Self {
        crate::catalog::advisor::Answers {
            deep_learning: a.deep_learning,
            dataset_gb: a.dataset_gb,
            budget: a.budget,
            workload: a.workload,
            min_vcpu: a.min_vcpu,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct CostArgs {
    pub instance: Option<String>,
    #[arg(long, value_name = "H", conflicts_with = "duration", allow_negative_numbers = true, value_parser = number::<f64>(0.0, None))]
    pub hours: Option<f64>,
    #[arg(long)]
    pub duration: Option<String>,
    #[arg(long)]
    pub spot: bool,
    #[arg(long, conflicts_with_all = ["instance", "hours", "duration"])]
    pub monthly: bool,
    #[arg(long, default_value_t = HOURS_PER_DAY, allow_negative_numbers = true, value_parser = number::<f64>(0.0, Some(24.0)))]
    pub hours_per_day: f64,
    #[arg(long, default_value_t = DAYS_PER_MONTH, allow_negative_numbers = true, value_parser = number::<f64>(0.0, Some(31.0)))]
    pub days: f64,
    #[command(flatten)]
    pub live: LivePriceArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct MonitorArgs {
    #[arg(long)]
    pub watch: bool,
    #[arg(long, default_value_t = MONITOR_INTERVAL_SECONDS, allow_negative_numbers = true, value_parser = number::<u64>(1.0, Some(3600.0)))]
    pub interval: u64,
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = number::<u64>(1.0, None))]
    pub count: Option<u64>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct TroubleshootArgs {
    #[arg(value_enum)]
    pub problem: Option<Problem>,
    #[arg(long)]
    pub instance: Option<String>,
    #[command(flatten)]
    pub aws: AwsFlags,
}

#[derive(Debug, Args)]
pub(crate) struct ProveArgs {
    #[arg(value_name = "ITEM")]
    pub item: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub aws: AwsFlags,
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "neglected")]
    pub sandbox: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ResetArgs {
    #[arg(long)]
    pub yes: bool,
}

// Which AWS account and region to use.
#[derive(Clone, Debug, Default, Args)]
pub(crate) struct AwsFlags {
    #[arg(long)]
    pub profile: Option<String>,
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<String>,
}

// `--all-regions` or `--regions R1,R2`: which regions a sweep reads.
#[derive(Clone, Debug, Default, Args)]
pub(crate) struct RegionFlags {
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    #[arg(long, value_delimiter = ',', value_name = "R1,R2")]
    pub regions: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    #[arg(long)]
    pub stop: bool,
    #[arg(long, requires = "stop")]
    pub yes: bool,
    #[arg(long, requires = "stop")]
    pub dry_run: bool,
    #[arg(long, requires = "stop")]
    pub include_endpoints: bool,
    #[arg(long, requires = "stop")]
    pub include_transform_jobs: bool,
    #[arg(long, requires = "stop")]
    pub include_jobs: bool,
    #[arg(long, requires = "stop")]
    pub include_clusters: bool,
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    #[arg(long, requires = "stop")]
    pub include_current: bool,
    #[arg(long, default_value_t = AUDIT_WAIT_SECONDS, value_name = "SECONDS", allow_negative_numbers = true, value_parser = number::<u64>(0.0, None))]
    pub wait: u64,
    #[arg(long)]
    pub spend: bool,
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
    #[command(flatten)]
    pub sweep: RegionFlags,
    #[command(flatten)]
    pub aws: AwsFlags,
}

#[derive(Debug, Args)]
pub(crate) struct TeardownArgs {
    #[arg(long, value_enum)]
    pub level: Option<crate::plan::Level>,
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[arg(long)]
    pub yes: bool,
    #[arg(long, value_name = "ID")]
    pub domain_id: Option<String>,
    #[arg(long)]
    pub include_current: bool,
    #[arg(long, value_name = "NAME", requires = "reason")]
    pub keep: Vec<String>,
    #[arg(long, value_name = "TEXT", requires = "keep")]
    pub reason: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub unkeep: Vec<String>,
    #[arg(long, default_value_t = TEARDOWN_WAIT_SECONDS, value_name = "SECONDS", allow_negative_numbers = true, value_parser = number::<u64>(0.0, None))]
    pub wait: u64,
    #[command(flatten)]
    pub sweep: RegionFlags,
    #[command(flatten)]
    pub aws: AwsFlags,
}

#[derive(Debug, Args)]
pub(crate) struct SpendArgs {
    #[arg(
        long,
        value_name = "N",
        default_value_t = crate::spend::DEFAULT_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=365)
    )]
    pub days: u32,
    #[arg(long)]
    pub refresh: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub aws: AwsFlags,
}

#[derive(Debug, Subcommand)]
pub(crate) enum FixCommand {
    Budget(BudgetArgs),
    IdleShutdown(IdleArgs),
}

impl FixCommand {
    pub(crate) fn run<C: Commands>(&self, ctx: &C, out: &mut Output) -> RunResult<ExitStatus> {
        match self {
            FixCommand::Budget(args) => ctx.run(args, out),
            FixCommand::IdleShutdown(args) => ctx.run(args, out),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct BudgetArgs {
    #[arg(long, default_value_t = BUDGET_USD, allow_negative_numbers = true)]
    pub amount: f64,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long, default_value = crate::checks::BUDGET_NAME)]
    pub name: String,
    #[command(flatten)]
    pub change: ChangeArgs,
}

#[derive(Debug, Args)]
pub(crate) struct IdleArgs {
    #[arg(long, default_value_t = IDLE_MINUTES, allow_negative_numbers = true)]
    pub minutes: i32,
    #[arg(long, value_enum, default_value_t = IdleScopeArg::Domain)]
    pub scope: IdleScopeArg,
    #[arg(long)]
    pub domain_id: Option<String>,
    #[arg(long)]
    pub user_profile: Option<String>,
    #[command(flatten)]
    pub change: ChangeArgs,
}

// How a fix changes the account: in which account, confirmed or not, or
// only shown.
#[derive(Debug, Default, Args)]
pub(crate) struct ChangeArgs {
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub aws: AwsFlags,
}

#[derive(Debug, Subcommand)]
pub(crate) enum InstructorCommand {
    Verify(ClassCheckArgs),
    Collect(CollectArgs),
    RoleTemplate(RoleTemplateArgs),
    RosterTemplate(RosterTemplateArgs),
}

impl InstructorCommand {
    pub(crate) fn run<C: Commands>(&self, ctx: &C, out: &mut Output) -> RunResult<ExitStatus> {
        match self {
            InstructorCommand::Verify(args) => ctx.run(args, out),
            InstructorCommand::Collect(args) => ctx.run(args, out),
            InstructorCommand::RoleTemplate(args) => ctx.run(args, out),
            InstructorCommand::RosterTemplate(args) => ctx.run(args, out),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ClassCheckArgs {
    #[arg(required_unless_present = "org_ou")]
    pub roster: Option<PathBuf>,
    #[arg(long, value_name = "OU_ID")]
    pub org_ou: Option<String>,
    #[arg(long, value_name = "NAME", requires = "org_ou")]
    pub role_name: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = GradebookFormat::Table)]
    pub format: GradebookFormat,
    // 32: 300 students in 4.8 s at 100 ms a request and 75 MB, against 16 s
    // at 8 (README "Speed"); more is limited by this process's own CPU, not by
    // AWS: each student's SageMaker, Budgets and CloudWatch calls count
    // against that student's own account's rates, and the one AssumeRole per
    // student against the instructor's STS quota (600 requests per second per
    // account and Region), far from reached.
    #[arg(long, default_value_t = 32, allow_negative_numbers = true, value_parser = number::<u16>(1.0, Some(128.0)))]
    pub concurrency: u16,
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub only: Vec<String>,
    #[arg(long, default_value = crate::checks::COURSE_REGION, value_name = "REGION")]
    pub expect_region: String,
    #[arg(long, value_name = "CHAR")]
    pub csv_delimiter: Option<char>,
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<String>,
    #[arg(long)]
    pub spend: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CollectArgs {
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    #[arg(long, value_name = "ROSTER")]
    pub roster: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = GradebookFormat::Table)]
    pub format: GradebookFormat,
    #[arg(long, value_name = "CHAR")]
    pub csv_delimiter: Option<char>,
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct RoleTemplateArgs {
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub instructor_account: Option<String>,
    #[arg(long, default_value = crate::instructor::AUDIT_ROLE)]
    pub role_name: String,
    #[arg(long, requires = "instructor_account")]
    pub stackset: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RosterTemplateArgs {}

#[derive(Debug, Subcommand)]
pub(crate) enum PricesCommand {
    Refresh(RefreshArgs),
}

impl PricesCommand {
    pub(crate) fn run<C: Commands>(&self, ctx: &C, out: &mut Output) -> RunResult<ExitStatus> {
        match self {
            PricesCommand::Refresh(args) => ctx.run(args, out),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct RefreshArgs {
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long, conflicts_with = "region")]
    pub all: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
// Each problem's words (for zsh's and fish's completions) are messages.toml's
// `help.module5.troubleshoot.problem.NAME`, applied by `command`.
pub(crate) enum Problem {
    InsufficientCapacity,
    QuotaExceeded,
    SlowNotebook,
    KernelDied,
    IdleShutdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GradebookFormat {
    Table,
    Csv,
    Json,
    Markdown,
    Junit,
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum IdleScopeArg {
    Domain,
    UserProfile,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub only: Vec<String>,
    #[command(flatten)]
    pub aws: AwsFlags,
    #[arg(long, default_value = crate::checks::COURSE_REGION, value_name = "REGION")]
    pub expect_region: String,
    #[arg(
        long,
        value_name = "SCENARIO",
        num_args = 0..=1,
        default_missing_value = "neglected",
        conflicts_with_all = ["all_regions", "regions"]
    )]
    pub sandbox: Option<String>,
    #[command(flatten)]
    pub sweep: RegionFlags,
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    Text,
    Json,
    Junit,
    Markdown,
    Html,
}

// `audit --format`: `--stop` prints text whatever is asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditFormat {
    #[default]
    Text,
    Json,
    Html,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    #[default]
    Text,
    Json,
}

/// Why a number on the command line was refused; `usage_error` says it in
/// the learner's language, with the range allowed.
#[derive(Debug)]
pub(crate) enum BadNumber {
    NotANumber,
    /// `whole`: the type takes whole numbers only.
    OutOfRange {
        min: f64,
        max: Option<f64>,
        whole: bool,
    },
}

impl std::fmt::Display for BadNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadNumber::NotANumber => f.write_str("not a number"),
            BadNumber::OutOfRange {
                min, max: Some(max), ..
            } => write!(f, "not in {min}..={max}"),
            BadNumber::OutOfRange { min, max: None, .. } => write!(f, "below {min}"),
        }
    }
}

impl std::error::Error for BadNumber {}

/// The number types of the command line, compared to their range as f64.
trait Number: std::str::FromStr + Copy + Send + Sync + 'static {
    const WHOLE: bool;
    fn as_f64(self) -> f64;
}

macro_rules! number_types {
    ($($t:ty: $whole:expr),*) => {$(
        impl Number for $t {
            const WHOLE: bool = $whole;
            fn as_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
number_types!(u16: true, u32: true, u64: true, f64: false);

/// A value parser for a number from `min` to `max` (none: no upper bound).
/// A negative number reaches it (with `allow_negative_numbers`) and is told
/// the range, as is one too large for its type.
fn number<T: Number>(
    min: f64,
    max: Option<f64>,
) -> impl Fn(&str) -> Result<T, BadNumber> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let out_of_range = BadNumber::OutOfRange {
            min,
            max,
            whole: T::WHOLE,
        };
        match text.trim().parse::<T>() {
            Ok(value) => {
                let v = value.as_f64();
                if !v.is_finite() || v < min || max.is_some_and(|max| v > max) {
                    Err(out_of_range)
                } else {
                    Ok(value)
                }
            }
            // A number all the same (negative, a fraction, too large): out of range.
            Err(_) if text.trim().parse::<f64>().is_ok_and(f64::is_finite) => Err(out_of_range),
            Err(_) => Err(BadNumber::NotANumber),
        }
    }
}

/// The command line in `lang`. Every description comes from messages.toml:
/// `help.PATH` for a command (`help.module5.check`; `help` for the program)
/// and `help.PATH.ARG` for an argument (`help.module5.check.format`); the
/// headings, the usage line and clap's own flags are translated too. It is
/// the only source: the clap types above carry no help of their own.
pub(crate) fn command(lang: Lang) -> clap::Command {
    localize(with_json(Cli::command()), "help", lang)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(tr(lang, "help.flag.version"))
                .help_heading(tr(lang, "help.options")),
        )
}

/// The words of each value of the arguments whose values have some
/// (`teardown --level`, `troubleshoot`'s problems), which zsh's and fish's
/// completions show beside each value: messages.toml's `KEY.ID.VALUE`, in
/// `lang`. The values and what they parse to stay the `ValueEnum`'s own.
fn value_words(cmd: clap::Command, key: &str, lang: Lang) -> clap::Command {
    match key {
        "help.module5.teardown" => worded::<crate::plan::Level>(cmd, key, "level", lang),
        "help.module5.troubleshoot" => worded::<Problem>(cmd, key, "problem", lang),
        _ => cmd,
    }
}

fn worded<E: ValueEnum + Clone + Send + Sync + 'static>(
    cmd: clap::Command,
    key: &str,
    id: &str,
    lang: Lang,
) -> clap::Command {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    let values = E::value_variants()
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .map(|value| {
            let words = i18n::get(lang, &format!("{key}.{id}.{}", value.get_name()));
            value.help(words)
        });
    // The parser accepts only E's own names, so E parses every one of them.
    let parser = PossibleValuesParser::new(values)
        .map(|name| E::from_str(&name, false).unwrap_or_else(|_| E::value_variants()[0].clone()));
    cmd.mut_arg(id, |arg| arg.value_parser(parser))
}

/// `--json`, the shorthand for `--format json`, on every command whose
/// `--format` has a json value (`parse` turns it into that).
fn with_json(mut cmd: clap::Command) -> clap::Command {
    let has_json = cmd
        .get_arguments()
        .any(|a| a.get_id() == "format" && a.get_possible_values().iter().any(|v| v.get_name() == "json"));
    if has_json {
        cmd = cmd.arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .conflicts_with("format"),
        );
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, with_json);
    }
    cmd
}

/// Parses the command line; `--json` is read as `--format json` (before a
/// `--`, after which words belong to the measured command).
pub(crate) fn parse(command: &mut clap::Command, args: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command.try_get_matches_from_mut(args)?;
    let mut leaf = &matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    if leaf.try_get_one::<bool>("json").ok().flatten() != Some(&true) {
        return Cli::from_arg_matches(&matches);
    }
    let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let rewritten: Vec<std::ffi::OsString> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if i < end && a == "--json" {
                "--format=json".into()
            } else {
                a.clone()
            }
        })
        .collect();
    Cli::from_arg_matches(&command.try_get_matches_from_mut(&rewritten)?)
}

fn localize(mut cmd: clap::Command, key: &str, lang: Lang) -> clap::Command {
    if let Some(about) = i18n::get(lang, key) {
        cmd = cmd.about(about);
    }
    if let Some(after) = i18n::get(lang, &format!("{key}.after")) {
        cmd = cmd.after_help(after);
    }
    let options = tr(lang, "help.options");
    let arguments = tr(lang, "help.arguments");
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        // This command's own words for the argument, else the shared ones
        // (`help.arg.profile` serves every command with `--profile`).
        let text = i18n::get(lang, &format!("{key}.{id}")).or_else(|| i18n::get(lang, &format!("help.arg.{id}")));
        // The placeholder of a value (`[SEÇÃO]`), where it has words of its own.
        let value_name = i18n::get(lang, &format!("{key}.{id}.value_name"));
        cmd = cmd.mut_arg(&id, |arg| {
            let arg = match value_name {
                Some(name) => arg.value_name(name),
                None => arg,
            };
            let mut help = text.unwrap_or_default().to_string();
            // clap's "[default: …]" and "[possible values: …]", in our words.
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            let takes_values = arg.get_action().takes_values();
            if takes_values && !values.is_empty() && !arg.is_positional() {
                help.push_str(&format!(" [{}: {}]", tr(lang, "help.values"), values.join(", ")));
            }
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if takes_values && !defaults.is_empty() {
                help.push_str(&format!(" [{}: {}]", tr(lang, "help.default"), defaults.join(", ")));
            }
            let heading = if arg.is_positional() { arguments } else { options };
            let arg = arg.help(help).help_heading(heading);
            if takes_values {
                arg.hide_default_value(true).hide_possible_values(true)
            } else {
                arg
            }
        });
    }
    // The usage line in our words: the command's path, options, arguments
    // and subcommand (clap would write `[OPTIONS]` and `[COMMAND]`).
    let mut usage = format!(
        "sm-course{} [{}]",
        key.trim_start_matches("help").replace('.', " "),
        tr(lang, "help.options_short")
    );
    for arg in cmd.get_positionals() {
        let name = arg
            .get_value_names()
            .and_then(|n| n.first())
            .map_or_else(|| arg.get_id().to_string().to_uppercase(), |n| n.to_string());
        usage.push_str(&if arg.is_required_set() {
            format!(" <{name}>")
        } else {
            format!(" [{name}]")
        });
    }
    if cmd.has_subcommands() {
        let command = tr(lang, "help.command");
        usage.push_str(&if cmd.is_subcommand_required_set() {
            format!(" <{command}>")
        } else {
            format!(" [{command}]")
        });
    }
    cmd = value_words(cmd, key, lang);
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let sub = format!("{key}.{name}");
        cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub, lang));
    }
    cmd.override_usage(usage)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(tr(lang, "help.flag.help"))
                .help_heading(options),
        )
        .subcommand_help_heading(tr(lang, "help.commands"))
        .subcommand_value_name(tr(lang, "help.command"))
        .help_template(format!(
            "{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
            tr(lang, "help.usage")
        ))
}

/// The language asked for on the command line (`--lang pt`, `--lang=pt`),
/// read before parsing so that help and usage errors are in it.
pub(crate) fn lang_in_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let mut words = args.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(value) = value {
            return Lang::from_str(value, true).ok();
        }
    }
    None
}

/// A usage error (or `--help`/`--version`) in the learner's language: the
/// problem in our words, the usage line, and where to get help.
pub(crate) fn usage_error(e: &clap::Error, cmd: &clap::Command, args: &[std::ffi::OsString], lang: Lang) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let context = |kind: ContextKind| e.get(kind).map_or_else(String::new, |v| v.to_string());
    let key = match e.kind() {
        ErrorKind::UnknownArgument => "usage.unknown_argument",
        ErrorKind::InvalidSubcommand => "usage.unknown_command",
        ErrorKind::InvalidValue if e.get(ContextKind::ValidValue).is_some() => "usage.invalid_value",
        ErrorKind::InvalidValue => "usage.invalid_value_plain",
        ErrorKind::MissingRequiredArgument => "usage.missing_argument",
        ErrorKind::ArgumentConflict => "usage.conflict",
        ErrorKind::ValueValidation => "usage.invalid_value_plain",
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "usage.missing_command",
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => "usage.value_count",
        _ => "usage.other",
    };
    let argument = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let valid = context(ContextKind::ValidValue);
    // A number out of its range: the range, in the learner's words.
    let number = std::error::Error::source(e).and_then(|s| s.downcast_ref::<BadNumber>());
    let (key, min, max) = match number {
        Some(BadNumber::OutOfRange {
            min, max: Some(max), ..
        }) => ("usage.out_of_range", *min, *max),
        Some(BadNumber::OutOfRange { min, max: None, .. }) => ("usage.below_min", *min, 0.0),
        Some(BadNumber::NotANumber) => ("usage.not_a_number", 0.0, 0.0),
        None => (key, 0.0, 0.0),
    };
    let whole = matches!(number, Some(BadNumber::OutOfRange { whole: true, .. }));
    let kind = tr(lang, if whole { "usage.whole_number" } else { "usage.number" });
    let mut text = format!(
        "{}: {}\n",
        tr(lang, "error.prefix"),
        trf(
            lang,
            key,
            &[
                ("argument", &argument),
                ("value", &value),
                ("valid", &valid),
                ("command", &context(ContextKind::InvalidSubcommand)),
                ("number", &kind),
                ("min", &crate::i18n::number(&min.to_string(), lang)),
                ("max", &crate::i18n::number(&max.to_string(), lang)),
            ]
        )
    );
    // The usage of the deepest command named on the line.
    let mut current = cmd;
    for word in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if let Some(sub) = current.find_subcommand(word) {
            current = sub;
        }
    }
    let usage = current.clone().render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    text.push_str(&format!(
        "\n{}: {usage}\n\n{}\n",
        tr(lang, "help.usage"),
        tr(lang, "usage.try_help")
    ));
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    use super::*;

    /// Every command's and argument's `help.*` key, as `localize` looks them up.
    fn walk(cmd: &clap::Command, key: &str, commands: &mut Vec<String>, args: &mut Vec<(String, String)>) {
        commands.push(key.to_string());
        for a in cmd.get_arguments() {
            args.push((key.to_string(), a.get_id().to_string()));
        }
        for s in cmd.get_subcommands() {
            walk(s, &format!("{key}.{}", s.get_name()), commands, args);
        }
    }

    /// The values of argument `id` of the command whose messages key is `key`.
    fn values_of(cmd: &clap::Command, key: &str, id: &str) -> Vec<String> {
        let mut cmd = cmd;
        for name in key.split('.').skip(1) {
            match cmd.find_subcommand(name) {
                Some(sub) => cmd = sub,
                None => return Vec::new(),
            }
        }
        cmd.get_arguments()
            .filter(|a| a.get_id() == id)
            .flat_map(|a| a.get_possible_values())
            .map(|v| v.get_name().to_string())
            .collect()
    }

    #[test]
    fn every_command_and_argument_has_its_words_in_both_languages_and_no_key_is_stale() {
        let (mut commands, mut args) = (Vec::new(), Vec::new());
        walk(&with_json(Cli::command()), "help", &mut commands, &mut args);
        let mut used = BTreeSet::new();
        for key in &commands {
            assert!(i18n::get(Lang::Pt, key).is_some(), "messages.toml lacks {key:?}");
            used.insert(key.clone());
        }
        for (command, id) in &args {
            let own = format!("{command}.{id}");
            let shared = format!("help.arg.{id}");
            let found = [&own, &shared]
                .into_iter()
                .find(|k| i18n::get(Lang::Pt, k).is_some())
                .unwrap_or_else(|| panic!("messages.toml lacks {own:?} (or {shared:?})"));
            used.insert(found.clone());
            let value_name = format!("{own}.value_name");
            if i18n::get(Lang::Pt, &value_name).is_some() {
                used.insert(value_name);
            }
            // Each value's words (`value_words`), where it has some.
            for value in values_of(&with_json(Cli::command()), command, id) {
                let words = format!("{own}.{value}");
                if i18n::get(Lang::Pt, &words).is_some() {
                    used.insert(words);
                }
            }
        }
        let fixed = [
            "help.usage",
            "help.options",
            "help.options_short",
            "help.arguments",
            "help.commands",
            "help.command",
            "help.values",
            "help.default",
            "help.flag.help",
            "help.flag.version",
            "help.after",
        ];
        for key in crate::i18n::MESSAGES.keys().filter(|k| k.starts_with("help")) {
            assert!(
                used.contains(key) || fixed.contains(&key.as_str()),
                "{key:?} in messages.toml names no command or argument"
            );
        }
    }

    /// The clap types carry no words: nothing but messages.toml can be printed.
    fn no_help_of_its_own(cmd: &clap::Command, path: &str) {
        assert!(
            cmd.get_about().is_none()
                && cmd.get_long_about().is_none()
                && cmd.get_before_help().is_none()
                && cmd.get_after_help().is_none()
                && cmd.get_after_long_help().is_none(),
            "`{path}` has a description of its own (a doc comment?): it belongs in messages.toml"
        );
        for a in cmd.get_arguments() {
            assert!(
                a.get_help().is_none() && a.get_long_help().is_none(),
                "`{path}` {} has help of its own (a doc comment?): it belongs in messages.toml",
                a.get_id()
            );
            // Nor a value of its own words (a `ValueEnum` variant's doc
            // comment): `value_words` gives them from messages.toml.
            for v in a.get_possible_values() {
                assert!(
                    v.get_help().is_none(),
                    "`{path}` {} value {} has words of its own (a doc comment?): they belong in messages.toml",
                    a.get_id(),
                    v.get_name()
                );
            }
        }
        for s in cmd.get_subcommands() {
            no_help_of_its_own(s, &format!("{path} {}", s.get_name()));
        }
    }

    /// `--help` of `cmd` (messages key `key`) in `lang`: its description and
    /// every argument's words are messages.toml's, to the letter, followed at
    /// most by the values and default in the same language.
    fn help_is_from_messages(cmd: &clap::Command, key: &str, lang: Lang) {
        let shown = cmd.clone().render_long_help().to_string();
        let about = i18n::get(lang, key).unwrap_or_else(|| panic!("messages.toml lacks {key:?}"));
        assert!(shown.starts_with(&format!("{about}\n")), "{key} ({lang:?}):\n{shown}");
        if let Some(after) = i18n::get(lang, &format!("{key}.after")) {
            assert!(
                shown.trim_end().ends_with(after.trim_end()),
                "{key} ({lang:?}):\n{shown}"
            );
        }
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = a.get_id().as_str();
            let words = match id {
                "help" => Some(tr(lang, "help.flag.help")),
                "version" => Some(tr(lang, "help.flag.version")),
                _ => [
                    Some(format!("{key}.{id}")),
                    a.is_global_set().then(|| format!("help.{id}")),
                    Some(format!("help.arg.{id}")),
                ]
                .into_iter()
                .flatten()
                .find_map(|k| i18n::get(lang, &k)),
            }
            .unwrap_or_else(|| panic!("messages.toml has no words for {key} {id}"));
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            let rest = help
                .strip_prefix(words)
                .unwrap_or_else(|| panic!("{key} {id} ({lang:?}): {help:?} is not {words:?}"));
            let (values, default) = (tr(lang, "help.values"), tr(lang, "help.default"));
            for part in rest.split(" [").skip(1) {
                assert!(
                    part.ends_with(']')
                        && (part.starts_with(&format!("{values}: ")) || part.starts_with(&format!("{default}: "))),
                    "{key} {id} ({lang:?}): {help:?}"
                );
            }
            assert!(
                rest.is_empty() || rest.starts_with(" ["),
                "{key} {id} ({lang:?}): {help:?}"
            );
            assert!(shown.contains(&help), "{key} {id} ({lang:?}) not shown:\n{shown}");
            for value in a.get_possible_values() {
                if let Some(own) = value.get_help() {
                    assert!(!shown.contains(&own.to_string()), "{key} {id} ({lang:?}) shows {own:?}");
                    let words = format!("{key}.{id}.{}", value.get_name());
                    assert_eq!(
                        Some(own.to_string().as_str()),
                        i18n::get(lang, &words),
                        "{words} ({lang:?})"
                    );
                }
            }
        }
        for s in cmd.get_subcommands() {
            help_is_from_messages(s, &format!("{key}.{}", s.get_name()), lang);
        }
    }

    #[test]
    fn each_levels_and_problems_words_reach_zsh_and_fish_in_the_learners_language() {
        let levels = ["compute", "storage", "domain"];
        let problems = [
            "insufficient-capacity",
            "quota-exceeded",
            "slow-notebook",
            "kernel-died",
            "idle-shutdown",
        ];
        let levels: Vec<String> = levels
            .iter()
            .map(|v| format!("help.module5.teardown.level.{v}"))
            .collect();
        let problems: Vec<String> = problems
            .iter()
            .map(|v| format!("help.module5.troubleshoot.problem.{v}"))
            .collect();
        for lang in [Lang::En, Lang::Pt] {
            // clap_complete's fish script completes no positional's values
            // (the problem is one), so fish is asked for the levels only.
            for (shell, named) in [
                (clap_complete::Shell::Zsh, [&levels[..], &problems[..]].concat()),
                (clap_complete::Shell::Fish, levels.clone()),
            ] {
                let mut script = Vec::new();
                clap_complete::generate(shell, &mut command(lang), "sm-course", &mut script);
                let script = String::from_utf8(script).unwrap();
                for key in named {
                    let words = i18n::get(lang, &key).unwrap_or_else(|| panic!("messages.toml lacks {key}"));
                    // zsh escapes some characters; the words' first clause is plain.
                    let start: String = words.chars().take_while(|c| c.is_alphanumeric() || *c == ' ').collect();
                    assert!(
                        start.len() > 8 && script.contains(&start),
                        "{shell:?} ({lang:?}) lacks {key}: {start:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_help_in_each_language_is_messages_toml_and_nothing_else() {
        no_help_of_its_own(&with_json(Cli::command()), "sm-course");
        for lang in [Lang::En, Lang::Pt] {
            let mut cmd = command(lang);
            cmd.build();
            help_is_from_messages(&cmd, "help", lang);
        }
    }

    #[test]
    fn the_language_is_read_from_the_arguments_before_parsing() {
        let args = |words: &[&str]| words.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_in_args(&args(&["sm-course", "--lang", "pt", "--help"])),
            Some(Lang::Pt)
        );
        assert_eq!(
            lang_in_args(&args(&["sm-course", "module5", "--lang=en"])),
            Some(Lang::En)
        );
        assert_eq!(lang_in_args(&args(&["sm-course", "--lang", "xx"])), None);
        assert_eq!(lang_in_args(&args(&["sm-course", "module5"])), None);
    }
}
