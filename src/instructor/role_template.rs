//! The CloudFormation template of the read-only audit role students deploy,
//! with the actions of the checks (from the one list of operations); or the
//! same role as a service-managed StackSet deploys it to every account of
//! an organisational unit.

/// A role students deploy so the instructor can run the checks: CloudFormation,
/// trusting the instructor's account, with the read-only actions of the checks.
pub(crate) fn role_template(instructor_account: Option<&str>, role_name: &str) -> String {
    let account = instructor_account.map_or_else(|| "!Ref InstructorAccountId".to_string(), |a| format!("'{a}'"));
    let head = "Description: Read-only role that lets the course instructor run sm-course checks on this account.
Parameters:
  InstructorAccountId:
    Type: String
    Description: The instructor's 12-digit AWS account id.
  ExternalId:
    Type: String
    Description: The shared secret the instructor gives the class (the roster's external_id).
";
    let trust = "              AWS: !Sub 'arn:aws:iam::${InstructorAccountId}:root'
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
";
    template(
        head,
        trust,
        role_name,
        "Put this in the roster as role_arn.",
        &format!("# Instructor account: {account}\n"),
    )
}

/// The role for a service-managed StackSet deployed to an organisational
/// unit: every account gets the same stack, so nothing is typed per
/// account. No parameters (the instructor's account is written in) and no
/// external id: the accounts are the organisation's own, and `instructor
/// verify --org-ou` reaches each by the role's name alone. The role is
/// IAM, global to its account: deploy the StackSet to one region only.
pub(crate) fn stackset_template(instructor_account: &str, role_name: &str) -> String {
    let head = "Description: Read-only role that lets the course instructor run sm-course checks on every account of the course's organisational unit (a service-managed StackSet; deploy it to one region).
";
    let trust = format!(
        "              AWS: 'arn:aws:iam::{instructor_account}:root'
            Action: sts:AssumeRole
"
    );
    template(
        head,
        &trust,
        role_name,
        "sm-course instructor verify --org-ou OU_ID assumes it by name.",
        "",
    )
}

fn template(head: &str, trust: &str, role_name: &str, output: &str, tail: &str) -> String {
    use crate::aws::operations;
    let read_only = policy("sm-course-read-only", &operations::read_only());
    let optional = policy("sm-course-optional-spend", &operations::optional());
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'
{head}Resources:
  CourseAuditRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: {role_name}
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
{trust}      Policies:
{read_only}        # Optional: the real bill for `instructor verify --spend`. Each
        # Cost Explorer request is billed to this account (US$0.01); delete
        # this policy to keep the instructor from reading it.
{optional}Outputs:
  RoleArn:
    Value: !GetAtt CourseAuditRole.Arn
    Description: {output}
{tail}"
    )
}

/// One inline policy of the role: `actions` allowed on every resource.
fn policy(name: &str, actions: &[&str]) -> String {
    let actions: String = actions.iter().map(|a| format!("                  - {a}\n")).collect();
    format!(
        "        - PolicyName: {name}
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Resource: '*'
                Action:
{actions}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_template_trusts_the_instructor_and_allows_only_reads() {
        let template = role_template(Some("999988887777"), "CourseAudit");
        assert!(template.contains("sts:ExternalId"));
        assert!(template.contains("- sagemaker:ListApps"));
        assert!(!template.contains("sagemaker:DeleteApp"));
        assert!(template.contains("RoleName: CourseAudit"));
        // The spend read in a policy of its own, with why.
        let optional = template.split("sm-course-optional-spend").nth(1).unwrap();
        assert!(optional.contains("- ce:GetCostAndUsage"), "{template}");
        assert!(
            !template
                .split("sm-course-optional-spend")
                .next()
                .unwrap()
                .contains("ce:Get")
        );
    }

    #[test]
    fn the_stackset_template_needs_nothing_typed_per_account() {
        let template = stackset_template("999988887777", "CourseAudit");
        assert!(
            !template.contains("Parameters:") && !template.contains("!Ref"),
            "{template}"
        );
        assert!(template.contains("AWS: 'arn:aws:iam::999988887777:root'"), "{template}");
        // YAML reserves a leading backquote: no value may start with one.
        assert!(!template.contains(": `"), "{template}");
        assert!(template.contains("- sagemaker:ListApps") && !template.contains("organizations:"));
        assert!(!template.contains("sagemaker:DeleteApp"));
        assert!(template.contains("RoleName: CourseAudit"));
    }
}
