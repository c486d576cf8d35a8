//! `s3 cp | rm | ls | mb`, printing what `aws s3` prints (`upload: a to s3://b/a`, ...).

use std::io::Read;
use std::path::Path;

use gluelab_core::model::store::S3Uri;

use super::Ctx;
use crate::cli::{CpArgs, LsArgs, MbArgs, RmArgs, S3Command};
use crate::output::{aws_error, exit, ls_time, CliError, Reply};

pub fn run(command: S3Command, ctx: &mut Ctx) -> Result<Reply, CliError> {
    match command {
        S3Command::Cp(args) => cp(args, ctx),
        S3Command::Rm(args) => rm(args, ctx),
        S3Command::Ls(args) => ls(args, ctx),
        S3Command::Mb(args) => mb(args, ctx),
    }
}

fn is_s3(path: &str) -> bool {
    path.starts_with("s3://")
}

fn uri(path: &str) -> Result<S3Uri, CliError> {
    S3Uri::parse(path).map_err(|e| CliError::usage(e.to_string()))
}

fn failure(e: &gluelab_core::Error, operation: &str) -> String {
    let (code, message) = aws_error(e);
    format!("An error occurred ({code}) when calling the {operation} operation: {message}")
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn cp(args: CpArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let (src, dst) = (args.source.as_str(), args.destination.as_str());
    match (is_s3(src), is_s3(dst)) {
        (false, true) => upload(src, dst, ctx),
        (true, false) => download(src, dst, ctx),
        (true, true) => {
            let from = uri(src)?;
            let mut to = uri(dst)?;
            if to.key.is_empty() || to.key.ends_with('/') {
                to.key.push_str(base_name(&from.key));
            }
            let body = ctx
                .workspace
                .store()
                .get(&from)
                .map_err(|e| CliError::s3(format!("copy failed: {src} to {to} {}", failure(&e, "CopyObject"))))?
                .body
                .to_vec();
            ctx.workspace
                .put_object(&to, body)
                .map_err(|e| CliError::s3(format!("copy failed: {src} to {to} {}", failure(&e, "CopyObject"))))?;
            Ok(Reply::lines(format!("copy: {src} to {to}")))
        }
        (false, false) => Err(CliError::usage(
            "s3 cp copies between a local file and s3://bucket/key (one of the two must be an s3:// address)",
        )),
    }
}

fn upload(src: &str, dst: &str, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let mut to = uri(dst)?;
    let body = if src == "-" {
        let mut body = vec![];
        std::io::stdin()
            .read_to_end(&mut body)
            .map_err(|e| CliError::general(format!("cannot read standard input: {e}")))?;
        body
    } else {
        let path = ctx.local_path(src);
        if !path.is_file() {
            return Err(CliError::general(format!(
                "\nThe user-provided path {src} does not exist."
            )));
        }
        std::fs::read(&path).map_err(|e| CliError::general(format!("\nCannot read {src}: {e}")))?
    };
    if to.key.is_empty() || to.key.ends_with('/') {
        to.key.push_str(base_name(src));
    }
    ctx.workspace
        .put_object(&to, body)
        .map_err(|e| CliError::s3(format!("upload failed: {src} to {to} {}", failure(&e, "PutObject"))))?;
    Ok(Reply::lines(format!("upload: {src} to {to}")))
}

fn download(src: &str, dst: &str, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let from = uri(src)?;
    let object = ctx.workspace.store().get(&from).map_err(|e| match e {
        gluelab_core::Error::NoSuchKey { .. } => CliError::s3(format!(
            "fatal error: An error occurred (404) when calling the HeadObject operation: Key \"{}\" does not exist",
            from.key
        )),
        other => CliError::s3(format!("fatal error: {}", failure(&other, "HeadObject"))),
    })?;
    if dst == "-" {
        return match String::from_utf8(object.body.to_vec()) {
            Ok(text) => Ok(Reply::Lines(text)),
            Err(_) => Err(CliError::s3(format!(
                "download failed: {src} is binary; copy it to a file instead of standard output"
            ))),
        };
    }
    let mut path = ctx.local_path(dst);
    if dst.ends_with('/') || path.is_dir() {
        path = path.join(base_name(&from.key));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| CliError::s3(format!("download failed: {src} to {dst} {e}")))?;
    }
    std::fs::write(&path, object.body.as_slice())
        .map_err(|e| CliError::s3(format!("download failed: {src} to {dst} {e}")))?;
    let shown = if dst.ends_with('/') || Path::new(dst).is_dir() {
        format!("{}/{}", dst.trim_end_matches('/'), base_name(&from.key))
    } else {
        dst.to_string()
    };
    Ok(Reply::lines(format!("download: {src} to {shown}")))
}

fn rm(args: RmArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let target = uri(&args.path)?;
    if args.recursive {
        let keys = ctx
            .workspace
            .delete_prefix(&target)
            .map_err(|e| CliError::s3(format!("fatal error: {}", failure(&e, "ListObjectsV2"))))?;
        let lines: Vec<String> = keys
            .iter()
            .map(|k| format!("delete: {}", S3Uri::new(&target.bucket, k)))
            .collect();
        return Ok(Reply::lines(lines.join("\n")));
    }
    ctx.workspace
        .delete_object(&target)
        .map_err(|e| CliError::s3(format!("delete failed: {target} {}", failure(&e, "DeleteObject"))))?;
    Ok(Reply::lines(format!("delete: {target}")))
}

fn ls(args: LsArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let store = ctx.workspace.store();
    let Some(path) = args.path else {
        let lines: Vec<String> = store
            .buckets()
            .map(|b| format!("{} {}", ls_time(b.created), b.name))
            .collect();
        return Ok(Reply::lines(lines.join("\n")));
    };
    let target = uri(&path)?;
    let objects = store.list(&target).map_err(|e| CliError::core("ListObjectsV2", &e))?;
    let line = |o: &gluelab_core::model::store::Object, name: &str| {
        format!("{} {:>10} {name}", ls_time(o.last_modified), o.size())
    };
    let mut lines = vec![];
    if args.recursive {
        lines.extend(objects.iter().map(|o| line(o, &o.key)));
    } else {
        // Listed with the delimiter `/`: sub-"folders" first (`PRE name/`), then objects.
        let mut prefixes: Vec<&str> = vec![];
        let mut files = vec![];
        for o in &objects {
            let rest = &o.key[target.key.len()..];
            match rest.find('/') {
                Some(i) => {
                    let dir = &o.key[..target.key.len() + i + 1];
                    if prefixes.last() != Some(&dir) {
                        prefixes.push(dir);
                    }
                }
                None => files.push(line(o, base_name(&o.key))),
            }
        }
        for p in prefixes {
            let name = p.trim_end_matches('/').rsplit('/').next().unwrap_or(p);
            lines.push(format!("{:>30} {name}/", "PRE"));
        }
        lines.extend(files);
    }
    if lines.is_empty() {
        // `aws s3 ls` prints nothing and exits 1 when nothing matches.
        return Err(CliError {
            message: String::new(),
            code: exit::S3_FAILED,
        });
    }
    Ok(Reply::lines(lines.join("\n")))
}

fn mb(args: MbArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let target = uri(&args.path)?;
    ctx.workspace.create_bucket(&target.bucket).map_err(|e| {
        CliError::s3(format!(
            "make_bucket failed: s3://{} {}",
            target.bucket,
            failure(&e, "CreateBucket")
        ))
    })?;
    Ok(Reply::lines(format!("make_bucket: {}", target.bucket)))
}
