//! The CloudFormation template of the read-only audit role students deploy,
//! with the actions of the checks (from the one list of operations).

/// A role students deploy so the instructor can run the checks: CloudFormation,
/// trusting the instructor's account, with the read-only actions of the checks.
pub fn role_template(instructor_account: Option<&str>, role_name: &str) -> String {
    use crate::aws::operations;
    let account = instructor_account.map_or_else(|| "!Ref InstructorAccountId".to_string(), |a| format!("'{a}'"));
    let read_only = policy("sm-course-read-only", &operations::read_only());
    let optional = policy("sm-course-optional-spend", &operations::optional());
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'
Description: Read-only role that lets the course instructor run sm-course checks on this account.
Parameters:
  InstructorAccountId:
    Type: String
    Description: The instructor's 12-digit AWS account id.
  ExternalId:
    Type: String
    Description: The shared secret the instructor gives the class (the roster's external_id).
Resources:
  CourseAuditRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: {role_name}
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub 'arn:aws:iam::${{InstructorAccountId}}:root'
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
      Policies:
{read_only}        # Optional: the real bill for `instructor verify --spend`. Each
        # Cost Explorer request is billed to this account (US$0.01); delete
        # this policy to keep the instructor from reading it.
{optional}Outputs:
  RoleArn:
    Value: !GetAtt CourseAuditRole.Arn
    Description: Put this in the roster as role_arn.
# Instructor account: {account}
"
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
}
