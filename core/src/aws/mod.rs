//! Translations to and from what real AWS takes: CloudFormation templates deployed into a
//! workspace (`cfn`), a job exported to Glue (`export`), and the Glue PySpark a job's script is
//! written in (`script`).

pub mod cfn;
pub mod export;
#[cfg(feature = "scripts")]
pub mod script;
