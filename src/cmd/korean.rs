//! Command errors in Korean (`--lang ko`, or a Korean `LANG`): the refusals that protect the
//! user's files, the I/O errors and the usage errors, with the same codes and exit codes as in
//! English. Errors of template authors (a broken `--templates` set) stay in English; their
//! details come from minijinja.

use std::fmt;

use miette::Diagnostic;

use crate::cmd::CmdError;
use crate::generate::GenerateError;
use crate::plan::PlanError;

/// The language of this run: `--lang ko` or `--lang=ko` on the command line, else the locale.
pub fn lang_of_args(args: impl IntoIterator<Item = String>) -> crate::lang::Lang {
    let args: Vec<String> = args.into_iter().collect();
    let given = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_owned)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned()).flatten())
    });
    match given.as_deref() {
        Some("ko") => crate::lang::Lang::Ko,
        Some(_) => crate::lang::Lang::En,
        None => crate::lang::Lang::from_env(),
    }
}

/// An error as a Korean message, help and code; `None` for the errors that stay in English.
struct Korean {
    code: &'static str,
    message: String,
    help: String,
}

impl fmt::Debug for Korean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Korean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Korean {}

impl Diagnostic for Korean {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
}

fn io(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "파일이나 디렉터리가 없습니다",
        std::io::ErrorKind::PermissionDenied => "권한이 없습니다",
        std::io::ErrorKind::IsADirectory => "파일이 아니라 디렉터리입니다",
        std::io::ErrorKind::StorageFull => "디스크 공간이 부족합니다",
        _ => "입출력 오류입니다",
    }
}

fn listed(paths: &[String]) -> String {
    paths.join("\n  ")
}

fn korean(error: &CmdError) -> Option<Korean> {
    let k = |code, message: String, help: &str| Korean {
        code,
        message,
        help: help.to_owned(),
    };
    Some(match error {
        CmdError::Read { path, source } => k(
            "msaforge::io",
            format!("{path}을(를) 읽을 수 없습니다: {}", io(source)),
            "파일이 있는지, 읽을 수 있는지 확인하세요",
        ),
        CmdError::Write(_) => k(
            "msaforge::io",
            "표준 출력에 쓸 수 없습니다".into(),
            "출력을 받는 쪽(파이프, 파일)을 확인하세요",
        ),
        CmdError::UnknownRule(code) => k(
            "msaforge::usage",
            format!("알 수 없는 규칙 코드 `{code}`"),
            "`msaforge explain`으로 모든 규칙을 볼 수 있습니다",
        ),
        CmdError::UnknownCommand(name) => k(
            "msaforge::usage",
            format!("알 수 없는 명령 `{name}`"),
            "`msaforge help`로 명령 목록을 보세요. 이름 없는 `msaforge man`은 기본 설명서입니다",
        ),
        CmdError::Policy { path, .. } => k(
            "msaforge::usage",
            format!("정책 파일 {path}이(가) 올바르지 않습니다"),
            "spec의 `policy:` 부분과 같은 형식이어야 합니다 (`msaforge schema` 참고)",
        ),
        CmdError::Generate(GenerateError::NotOurs { dir }) => k(
            "msaforge::refused",
            format!("{dir}은(는) 비어 있지 않고 msaforge가 생성한 디렉터리도 아닙니다"),
            "비어 있거나 새 디렉터리를 고르거나, 그래도 쓰려면 --force를 주세요",
        ),
        CmdError::Generate(GenerateError::NotADirectory { dir }) => k(
            "msaforge::usage",
            format!("{dir}은(는) 디렉터리가 아니라 파일입니다"),
            "-o에는 생성할 디렉터리를 주세요 (없으면 만듭니다)",
        ),
        CmdError::Generate(GenerateError::Plan(e)) | CmdError::Plan(e) => plan(e),
        CmdError::Generate(_) | CmdError::Design(_) | CmdError::Localized(_) => return None,
    })
}

fn plan(e: &PlanError) -> Korean {
    let k = |code, message: String, help: &str| Korean {
        code,
        message,
        help: help.to_owned(),
    };
    match e {
        PlanError::Read { path, source } => k(
            "msaforge::io",
            format!("{path}을(를) 읽을 수 없습니다: {}", io(source)),
            "파일이 있는지, 읽을 수 있는지 확인하세요",
        ),
        PlanError::Write { path, source } => k(
            "msaforge::io",
            format!("{path}에 쓸 수 없습니다: {}", io(source)),
            "디렉터리에 쓸 권한과 남은 공간을 확인하세요",
        ),
        PlanError::BadLock { path, detail } => k(
            "msaforge::lock",
            format!("잠금 파일 {path}이(가) 손상되었습니다: {detail}"),
            "버전 관리에서 .msaforge/lock.json을 되살리거나, 그 파일만 지우고 `msaforge generate`를 다시 실행하세요 (--force 없이): 잠금 파일이 없으면 새로 렌더링한 내용과 다른 파일은 모두 사용자가 고친 것으로 다루므로 (merge 파일에는 충돌 표시, 고친 생성 파일은 실행 중단) 아무것도 덮어쓰지 않습니다",
        ),
        PlanError::BadState { path, detail } => k(
            "msaforge::state",
            format!("msaforge의 상태 `{path}`이(가) 손상되었습니다: {detail}"),
            "msaforge는 출력 안의 실제 디렉터리 .msaforge/에 심볼릭 링크 없이 상태를 둡니다. 버전 관리에서 되살리거나 링크를 치우세요 (링크를 통해 읽거나 쓴 것은 없습니다)",
        ),
        PlanError::BadJournal { path, detail } => k(
            "msaforge::journal",
            format!("중단된 실행의 저널 {path}은(는) msaforge가 쓴 것이 아닙니다: {detail}"),
            "아무것도 옮기지 않았습니다. 직접 바꾸지 않았다면 백업에서 .msaforge/txn/을 되살리고, 아니면 .msaforge/txn/을 지운 뒤 (중단된 실행은 마무리되지 않고 버려집니다) 다시 생성하세요",
        ),
        PlanError::Busy {
            dir,
            lock,
            waited_secs,
        } => Korean {
            code: "msaforge::busy",
            message: format!(
                "다른 msaforge 실행이 {dir}을(를) 쓰고 있습니다 ({waited_secs}초 기다림)"
            ),
            help: format!(
                "다른 `msaforge generate`가 끝난 뒤 다시 실행하세요 (아무것도 쓰지 않았습니다). MSAFORGE_LOCK_WAIT=초 로 더 오래 기다립니다. 잠금은 {lock}이며, 실행 중인 프로세스가 쥐고 있다가 끝나면 (강제로 종료되어도) 풀립니다"
            ),
        },
        PlanError::NotStarted { dir, path, source } => k(
            "msaforge::io",
            format!(
                "{path}에 쓸 수 없습니다: {}. {dir}은(는) 바뀌지 않았습니다",
                io(source)
            ),
            "원인을 고친 뒤 (공간 확보, 권한 확인) 다시 생성하세요. 출력은 이번 실행 전 그대로입니다",
        ),
        PlanError::Incomplete { dir, path, source } => k(
            "msaforge::io",
            format!(
                "{path}에 쓸 수 없습니다: {}. {dir}의 실행이 반쯤 적용된 채 멈췄습니다",
                io(source)
            ),
            "원인을 고친 뒤 (공간 확보, 권한 확인) `msaforge generate`를 다시 실행하세요: 이 실행을 먼저 마무리합니다 (저널은 .msaforge/txn/에 있습니다)",
        ),
        PlanError::Escape { path } => k(
            "msaforge::unsafe_path",
            format!("`{path}`이(가) 심볼릭 링크를 통해 출력 디렉터리 밖으로 나갑니다"),
            "링크를 지우거나 다른 디렉터리에 생성하세요",
        ),
        PlanError::InTheWay { path, blocking } => k(
            "msaforge::in_the_way",
            format!(
                "생성 파일 `{path}`을(를) 쓸 수 없습니다: `{blocking}`이(가) 자리를 막고 있습니다"
            ),
            "파일이 올 자리의 디렉터리나 디렉터리가 올 자리의 파일을 옮긴 뒤 다시 생성하세요 (아무것도 쓰지 않았습니다)",
        ),
        PlanError::Interrupted { dir } => k(
            "msaforge::interrupted",
            format!("{dir}에서 앞서 실행한 msaforge가 중단되어 아직 끝나지 않았습니다"),
            "`msaforge generate`를 다시 실행하세요: 중단된 실행을 먼저 마친 뒤 계획합니다",
        ),
        PlanError::NotGenerated { dir } => k(
            "msaforge::not_generated",
            format!(
                "{dir}에 .msaforge/lock.json이 없습니다: msaforge가 생성한 디렉터리가 아닙니다"
            ),
            "`msaforge generate -o DIR`에 준 디렉터리를 주세요",
        ),
        PlanError::EditedManaged { paths } => k(
            "msaforge::edited",
            format!(
                "생성 파일 {}개를 손으로 고쳤습니다:\n  {}",
                paths.len(),
                listed(paths)
            ),
            "생성(관리) 파일은 실행할 때마다 다시 씁니다. 고친 내용을 사용자 파일(src/handlers.rs 등)로 옮기거나 되돌리세요. `msaforge plan --diff`로 볼 수 있고, --force는 덮어씁니다",
        ),
        PlanError::Conflicts { paths } => k(
            "msaforge::conflict",
            format!(
                "파일 {}개가 충돌합니다. 아무것도 쓰지 않았습니다 (--on-conflict abort):\n  {}",
                paths.len(),
                listed(paths)
            ),
            "`msaforge plan --diff`로 변경을 보고 --on-conflict markers, keep-mine, take-new 중에서 고르세요",
        ),
    }
}

/// The report of `error` in Korean, as miette renders it; `None` for errors that stay English.
pub fn report(error: &CmdError) -> Option<String> {
    korean(error).map(|k| format!("{:?}\n", miette::Report::new(k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_flag_first() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            lang_of_args(args(&["msaforge", "check", "--lang", "ko", "x"])),
            crate::lang::Lang::Ko
        );
        assert_eq!(
            lang_of_args(args(&["msaforge", "check", "--lang=ko"])),
            crate::lang::Lang::Ko
        );
        assert_eq!(
            lang_of_args(args(&["msaforge", "check", "--lang", "en"])),
            crate::lang::Lang::En
        );
    }

    #[test]
    fn refusals_read_in_korean() {
        let error = CmdError::Plan(PlanError::Interrupted { dir: "out".into() });
        let text = report(&error).expect("Korean");
        assert!(text.contains("중단"), "{text}");
        assert!(report(&CmdError::Generate(GenerateError::NoManifest)).is_none());
    }

    #[test]
    fn a_busy_directory_reads_in_korean_with_its_code() {
        let error = CmdError::Plan(PlanError::Busy {
            dir: "out".into(),
            lock: "out/.msaforge/run.lock".into(),
            waited_secs: 10,
        });
        let text = report(&error).expect("Korean");
        assert!(text.contains("msaforge::busy"), "{text}");
        assert!(text.contains("다른 msaforge 실행"), "{text}");
        assert!(text.contains("MSAFORGE_LOCK_WAIT"), "{text}");
        assert_eq!(crate::exit::ExitCode::exit_code(&error), crate::exit::BUSY);
    }
}
