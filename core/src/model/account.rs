//! The simulated AWS account every workspace lives in: the seed article's account id, which
//! CloudFormation's `AWS::AccountId` and every ARN gluelab prints use.

pub const ACCOUNT_ID: &str = "123456789012";
